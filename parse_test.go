package consent

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONRoundTrip(t *testing.T) {
	data, err := Seed().JSON()
	require.NoError(t, err)
	c, err := ParseCatalogue(data)
	require.NoError(t, err)
	assert.Equal(t, Seed(), c)
	again, err := c.JSON()
	require.NoError(t, err)
	assert.Equal(t, string(data), string(again), "JSON is canonical")
	assert.Contains(t, string(data), "<https://data.saint-maur.com>", "no HTML escaping")
}

func TestJSONRefusesAnInvalidCatalogue(t *testing.T) {
	c := Seed()
	c.Site.PolicyURL = LangURL{}
	_, err := c.JSON()
	requireFieldError(t, err, "site.policyUrl", "missing")
}

func TestParseCatalogueRejects(t *testing.T) {
	seed, err := Seed().JSON()
	require.NoError(t, err)
	for _, tc := range []struct {
		name, json, path, msg string
	}{
		{"type error with its path", `{"services":[{},{},{"cookies":[{"name":7}]}]}`, "services[2].cookies[0].name", "want string, got number"},
		{"unknown field", `{"site":{"nmae":{}}}`, "site.nmae", "unknown field"},
		{"field in another case", `{"Site":{}}`, "Site", "unknown field"},
		{"duplicate field", `{"site":{},"site":{}}`, "site", "duplicate field"},
		{"text value not a string", `{"categories":[{"title":{"fr":true}}]}`, "categories[0].title.fr", "want string, got boolean"},
		{"list not an array", `{"services":{}}`, "services", "want array, got object"},
		{"bool not a bool", `{"categories":[{"necessary":"yes"}]}`, "categories[0].necessary", "want boolean, got string"},
		{"null string", `{"services":[{"id":null}]}`, "services[0].id", "want string, got null"},
		{"fractional integer", `{"site":{"maxAgeDays":1.5}}`, "site.maxAgeDays", "want integer, got 1.5"},
		{"integer as string", `{"site":{"maxAgeDays":"183"}}`, "site.maxAgeDays", "want integer, got string"},
		{"integer overflow", `{"site":{"maxAgeDays":99999999999999999999}}`, "site.maxAgeDays", "want integer"},
		{"not an object", `[]`, "", "want object, got array"},
		{"empty", ``, "", "invalid JSON"},
		{"syntax", `{"site":{"name":{"fr":"x",}}}`, "site.name", "invalid JSON at byte"},
		{"truncated", `{"site":{"name":`, "site.name", "invalid JSON"},
		{"trailing data", string(seed) + `{}`, "", "unexpected data after the catalogue"},
		{"trailing garbage", string(seed) + `x`, "", "unexpected data after the catalogue"},
		{"invalid UTF-8", "{\"site\":{\"name\":{\"fr\":\"\xff\"}}}", "", "not valid UTF-8"},
		{"deep nesting", strings.Repeat(`{"site":`, 100), "site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site.site", "nested too deeply"},
		{"valid JSON, invalid catalogue", strings.Replace(string(seed), `"/charte-cookies"`, `""`, 1), "site.policyUrl", "missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCatalogue([]byte(tc.json))
			assert.Nil(t, c, "never a partial catalogue")
			requireFieldError(t, err, tc.path, tc.msg)
		})
	}
}

func TestParseCatalogueReportsEveryProblem(t *testing.T) {
	_, err := ParseCatalogue([]byte(`{"site":{"name":{"fr":1},"x":2},"services":[{"cookies":[{"name":3,"thirdParty":"no"}]}]}`))
	var got []string
	for _, e := range fieldErrors(t, err) {
		got = append(got, e.Error())
	}
	assert.ElementsMatch(t, []string{
		"site.name.fr: want string, got number",
		"site.x: unknown field",
		"services[0].cookies[0].name: want string, got number",
		"services[0].cookies[0].thirdParty: want boolean, got string",
	}, got)
}

func TestParseCatalogueAcceptsNullForEmptyLists(t *testing.T) {
	seed, err := Seed().JSON()
	require.NoError(t, err)
	withNull := strings.Replace(string(seed), `"storagePrefixes": [`, `"params": null, "storagePrefixes": [`, 1)
	require.NotEqual(t, string(seed), withNull)
	c, err := ParseCatalogue([]byte(withNull))
	require.NoError(t, err)
	assert.Equal(t, Seed().Revision(), c.Revision())
}

func TestLibraryExampleCatalogue(t *testing.T) {
	data, err := os.ReadFile("web/catalogues/library.json")
	require.NoError(t, err)
	c, err := ParseCatalogue(data)
	require.NoError(t, err)
	assert.Equal(t, []string{"fr", "en"}, c.Languages())
	assert.NotEqual(t, Seed().Revision(), c.Revision())

	var optional []string
	for _, cat := range c.OptionalCategories() {
		optional = append(optional, cat.ID)
	}
	assert.Equal(t, []string{"audience", "video"}, optional)

	audience := c.ServicesIn("audience")
	require.Len(t, audience, 1)
	require.NotNil(t, audience[0].Loader)
	assert.Regexp(t, `^https://[a-z0-9.-]+\.example(-[a-z]+)?\.[a-z]+/`, audience[0].Loader.URL, "made-up host")

	video := c.ServicesIn("video")
	require.Len(t, video, 1)
	assert.Equal(t, "Vimeo", video[0].Provider)
	assert.NotEmpty(t, video[0].PrivacyURL)
}

// TestSchemaMatchesModel keeps web/catalogue.schema.json in step with the
// Go json tags: each object's properties are the tags, and its required
// properties are the tags without omitempty.
func TestSchemaMatchesModel(t *testing.T) {
	data, err := os.ReadFile("web/catalogue.schema.json")
	require.NoError(t, err)
	type object struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		Required             []string                   `json:"required"`
		AdditionalProperties json.RawMessage            `json:"additionalProperties"`
	}
	var schema struct {
		Schema string `json:"$schema"`
		object
		Defs map[string]object `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(data, &schema))
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", schema.Schema)

	for name, o := range map[string]struct {
		obj object
		typ reflect.Type
	}{
		"catalogue": {schema.object, reflect.TypeFor[Catalogue]()},
		"site":      {schema.Defs["site"], reflect.TypeFor[Site]()},
		"category":  {schema.Defs["category"], reflect.TypeFor[Category]()},
		"service":   {schema.Defs["service"], reflect.TypeFor[Service]()},
		"cookie":    {schema.Defs["cookie"], reflect.TypeFor[Cookie]()},
		"loader":    {schema.Defs["loader"], reflect.TypeFor[Loader]()},
		"link":      {schema.Defs["link"], reflect.TypeFor[Link]()},
	} {
		var all, required []string
		for f := range o.typ.Fields() {
			tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" {
				continue // not in the JSON
			}
			all = append(all, tag)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, tag)
			}
		}
		var props []string
		for p := range o.obj.Properties {
			props = append(props, p)
		}
		assert.ElementsMatch(t, all, props, "%s properties", name)
		assert.ElementsMatch(t, required, o.obj.Required, "%s required", name)
		assert.Equal(t, "false", string(o.obj.AdditionalProperties), "%s additionalProperties", name)
	}
	var labels []string
	for p := range schema.Defs["labelSet"].Properties {
		labels = append(labels, p)
	}
	var keys []string
	for _, l := range Labels() {
		keys = append(keys, string(l))
	}
	assert.ElementsMatch(t, keys, labels, "labelSet properties")
}

// fuzzCatalogueSeeds are FuzzParseCatalogue's seeds: two small valid
// catalogues (the least one, and one with every optional field) and a few
// broken ones. Seeds stay small (TestFuzzSeedsAreSmall): the fuzzer spends
// its time minimising each new input it finds, which on a 10 KB catalogue
// takes the whole run.
var fuzzCatalogueSeeds = []string{
	`{"site":{"name":{"fr":"S"},"policyUrl":"/c","contact":{"fr":"C"},"intro":{"fr":"I"}},` +
		`"categories":[{"id":"n","necessary":true,"title":{"fr":"T"},"description":{"fr":"D"}}],` +
		`"services":[{"id":"p","category":"n","provider":"P","name":{"fr":"N"},` +
		`"cookies":[{"name":"cookies_preferences","purpose":{"fr":"P"},"lifetime":{"fr":"L"}}]}]}`,
	`{"site":{"name":{"fr":"S","en":"S"},"policyUrl":{"fr":"/c","en":"https://a.fr/c"},"contact":{"fr":"C","en":"C"},` +
		`"contactUrl":"mailto:a@a.fr","cookieDomain":"a.fr","maxAgeDays":30,"intro":{"fr":"I","en":"I"},` +
		`"policyIntro":[{"fr":"P","en":"P"}],"position":"box","theme":"dsfr","consentMode":true},` +
		`"categories":[{"id":"n","necessary":true,"title":{"fr":"T","en":"T"},"description":{"fr":"D","en":"D"}},` +
		`{"id":"v","title":{"fr":"T","en":"T"},"description":{"fr":"D","en":"D"},"refusal":{"fr":"R","en":"R"},"consentMode":["ad_storage"]}],` +
		`"services":[{"id":"p","category":"n","provider":"P","name":{"fr":"N","en":"N"},` +
		`"cookies":[{"name":"cookies_preferences","purpose":{"fr":"P","en":"P"},"lifetime":{"fr":"L","en":"L"}}]},` +
		`{"id":"x","category":"v","provider":"X","name":{"fr":"N","en":"N"},"privacyUrl":"https://x.fr/p",` +
		`"cookies":[{"name":"k","thirdParty":true,"purpose":{"fr":"P","en":"P"},"lifetime":{"fr":"L","en":"L"}}],` +
		`"loader":{"url":"https://x.fr/s.js","params":{"a":"b"},"placement":"body","placeholder":".x",` +
		`"notice":{"fr":"N","en":"N"},"noticeLinks":[{"text":{"fr":"T","en":"T"},"url":"https://x.fr/t"}],"storagePrefixes":["x_"]}}],` +
		`"labels":{"en":{"allow":"A","receiver":"{provider}"}}}`,
	`{"site":{"name":{"fr":1}}}`,
	`[{}]`,
	`{"services":[{"cookies":null}]}`,
	`{"site":{},"site":{}}`,
	`{"site":{"maxAgeDays":1.5,"policyUrl":"/\\x"}}`,
}

// TestFuzzSeedsAreSmall keeps FuzzParseCatalogue's seeds small and its
// first two seeds valid, so that a default `go test -fuzz` run starts from
// catalogues that reach validation, encoding and the revision.
func TestFuzzSeedsAreSmall(t *testing.T) {
	for i, s := range fuzzCatalogueSeeds {
		assert.LessOrEqual(t, len(s), 1500, "seed %d", i)
	}
	for _, s := range fuzzCatalogueSeeds[:2] {
		c, err := ParseCatalogue([]byte(s))
		require.NoError(t, err)
		_, err = c.JSON()
		require.NoError(t, err)
	}
	c, err := ParseCatalogue([]byte(fuzzCatalogueSeeds[1]))
	require.NoError(t, err)
	assert.Equal(t, []string{"fr", "en"}, c.Languages())
	require.NotNil(t, c.Services[1].Loader)
}

// FuzzParseCatalogue checks that no input makes ParseCatalogue panic or
// return a catalogue that is invalid or does not survive a round trip.
func FuzzParseCatalogue(f *testing.F) {
	for _, s := range fuzzCatalogueSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalogue(data)
		if err != nil {
			require.Nil(t, c)
			fieldErrors(t, err)
			return
		}
		require.NoError(t, c.Validate())
		out, err := c.JSON()
		require.NoError(t, err)
		back, err := ParseCatalogue(out)
		require.NoError(t, err)
		require.Equal(t, c.Revision(), back.Revision())
	})
}
