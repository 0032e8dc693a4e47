//go:build js && wasm

package frame

import (
	"os"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run in headless Chromium (go test -exec wasmbrowsertest).

// parsed returns the catalogue's JSON as the browser's JSON.parse makes it.
func parsed(t *testing.T, c *consent.Catalogue) safejs.Value {
	t.Helper()
	data, err := c.JSON()
	require.NoError(t, err)
	return parse(t, string(data))
}

func parse(t *testing.T, text string) safejs.Value {
	t.Helper()
	json, err := safejs.Global().Get("JSON")
	require.NoError(t, err)
	v, err := json.Call("parse", text)
	require.NoError(t, err)
	return v
}

// The page program reads the catalogue from the loader's object, not with
// encoding/json: every field must come out as consent.ParseCatalogue reads
// it, for every shipped catalogue.
func TestTheCatalogueFromJavaScriptIsTheCatalogue(t *testing.T) {
	library, err := os.ReadFile("../../web/catalogues/library.json")
	require.NoError(t, err)
	lib, err := consent.ParseCatalogue(library)
	require.NoError(t, err)
	perLang := consent.Seed()
	perLang.Site.PolicyURL = consent.LangURL{ByLang: map[string]string{"fr": "/charte-cookies", "en": "/en/cookies"}}
	perLang.Labels = map[string]consent.LabelSet{"en": {consent.LabelRefuseAll: "Refuse all"}}
	for name, c := range map[string]*consent.Catalogue{"seed": consent.Seed(), "library": lib, "policy URL per language and labels": perLang} {
		got, err := DecodeCatalogue(parsed(t, c), c.Revision())
		require.NoError(t, err, name)
		assert.Equal(t, c, got, name)
	}
}

func TestACatalogueChangedAfterTheBuildIsRefused(t *testing.T) {
	c := consent.Seed()
	_, err := DecodeCatalogue(parsed(t, c), "000000000000")
	assert.ErrorContains(t, err, "not the 000000000000 the build wrote")

	for text, want := range map[string]string{
		`{"site": {"colour": "red"}}`:                      `catalogue.site: unknown field "colour"`,
		`{"site": {"maxAgeDays": "183"}}`:                  "catalogue.site.maxAgeDays: string, want number",
		`{"site": {"maxAgeDays": 1.5}}`:                    "not an integer",
		`{"categories": [{"id": 1}]}`:                      "catalogue.categories[0].id: number, want string",
		`{"services": [{"loader": {"params": {"a": 1}}}]}`: "catalogue.services[0].loader.params.a: number, want string",
	} {
		_, err := DecodeCatalogue(parse(t, text), "")
		assert.ErrorContains(t, err, want, text)
	}
}
