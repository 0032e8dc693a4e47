//go:build js && wasm

package frame

import (
	"encoding/json"
	"os"
	"reflect"
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

// structure is c without its texts, with its revision as the build
// computed it: what the page program reads of it.
func structure(t *testing.T, c *consent.Catalogue) *consent.Catalogue {
	t.Helper()
	data, err := json.Marshal(c)
	require.NoError(t, err)
	var out consent.Catalogue
	require.NoError(t, json.Unmarshal(data, &out))
	var clear func(v reflect.Value)
	clear = func(v reflect.Value) {
		if texts[v.Type()] {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				clear(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				clear(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				clear(v.Index(i))
			}
		}
	}
	clear(reflect.ValueOf(&out).Elem())
	out.BuildRevision = c.Revision()
	return &out
}

// The page program reads the catalogue from the loader's object, not with
// encoding/json: every field but the texts must come out as
// consent.ParseCatalogue reads it, for every shipped catalogue.
func TestTheCatalogueFromJavaScriptIsTheCatalogue(t *testing.T) {
	library, err := os.ReadFile("../../web/catalogues/library.json")
	require.NoError(t, err)
	lib, err := consent.ParseCatalogue(library)
	require.NoError(t, err)
	perLang := consent.Seed()
	perLang.Site.PolicyURL = consent.LangURL{ByLang: map[string]string{"fr": "/charte-cookies", "en": "/en/cookies"}}
	perLang.Labels = map[string]consent.LabelSet{"en": {consent.LabelRefuseAll: "Refuse all"}}
	for name, c := range map[string]*consent.Catalogue{"seed": consent.Seed(), "library": lib, "policy URL per language and labels": perLang} {
		got, err := DecodeStructure(parsed(t, c), c.Revision())
		require.NoError(t, err, name)
		assert.Equal(t, structure(t, c), got, name)
		assert.Equal(t, c.Revision(), got.Revision(), "the build's revision")
		assert.NotEmpty(t, got.Services[0].Cookies[0].Name)
		assert.Empty(t, got.Site.Name, "no text")
	}
}

func TestACatalogueTheModelDoesNotHaveIsRefused(t *testing.T) {
	for text, want := range map[string]string{
		`{"site": {"colour": "red"}}`:                      `catalogue.site: unknown field "colour"`,
		`{"site": {"maxAgeDays": "183"}}`:                  "catalogue.site.maxAgeDays: string, want number",
		`{"site": {"maxAgeDays": 1.5}}`:                    "not an integer",
		`{"categories": [{"id": 1}]}`:                      "catalogue.categories[0].id: number, want string",
		`{"services": [{"loader": {"params": {"a": 1}}}]}`: "catalogue.services[0].loader.params.a: number, want string",
	} {
		_, err := DecodeStructure(parse(t, text), "")
		assert.ErrorContains(t, err, want, text)
	}
}
