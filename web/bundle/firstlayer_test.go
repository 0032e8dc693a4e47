package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// library reads the second example site's catalogue.
func library(t *testing.T) *consent.Catalogue {
	t.Helper()
	data, err := os.ReadFile("../catalogues/library.json")
	require.NoError(t, err)
	c, err := consent.ParseCatalogue(data)
	require.NoError(t, err)
	return c
}

func TestFirstLayerOfEachShippedCatalogueIsWhatTheComponentsMeant(t *testing.T) {
	dsfr := consent.Seed()
	dsfr.Site.Theme = consent.ThemeDSFR
	for name, c := range map[string]*consent.Catalogue{"seed": consent.Seed(), "library": library(t), "seed in the DSFR theme": dsfr} {
		for _, lang := range c.Languages() {
			t.Run(name+"/"+lang, func(t *testing.T) {
				body, err := firstLayer(c, lang)
				require.NoError(t, err)
				assert.Contains(t, body, `id="cc-banner"`)
				assert.Contains(t, body, html.EscapeString(c.Site.Intro[lang]))
			})
		}
	}
}

// TestInjectedAttributeFailsTheBuild bypasses validation, as a gap in it
// would, with a policy URL that ends its attribute: go-app writes it as
// href="/cookies\"onmouseover=…", which a browser reads as two attributes.
func TestInjectedAttributeFailsTheBuild(t *testing.T) {
	c := consent.Seed()
	c.Site.PolicyURL = consent.LangURL{All: `/cookies"onmouseover=alert(document.cookie)//`}
	_, err := firstLayer(c, "fr")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `body > div.cc-root > section#cc-banner > div#cc-banner-text > p > a: attribute onmouseover="alert(document.cookie)//\"" is not one the components set`)
}

func TestScriptURLFailsTheBuild(t *testing.T) {
	for _, u := range []string{"javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,x"} {
		c := consent.Seed()
		c.Site.PolicyURL = consent.LangURL{All: u}
		_, err := firstLayer(c, "en")
		require.Error(t, err, u)
		assert.Contains(t, err.Error(), "> a: attribute href=", u)
		assert.Contains(t, err.Error(), "is not a path, https, http or mailto URL", u)
	}
}

// TestTextThatParsesOtherwiseFailsTheBuild: a text the HTML parser would
// change (a NUL, a carriage return) shows otherwise than the catalogue
// says.
func TestTextThatParsesOtherwiseFailsTheBuild(t *testing.T) {
	for _, s := range []string{"a\x00b", "a\rb"} {
		c := consent.Seed()
		c.Site.Intro["fr"] = s
		_, err := firstLayer(c, "fr")
		require.Error(t, err, "%q", s)
		assert.Contains(t, err.Error(), "div#cc-banner-text > p: text ")
	}
}

func TestSafeURL(t *testing.T) {
	for u, want := range map[string]bool{
		"/charte-cookies":            true,
		"/a:b":                       true,
		"?a:b":                       true,
		"#x:y":                       true,
		"https://example.org/":       true,
		"HTTP://example.org/":        true,
		"mailto:dpo@example.org":     true,
		"javascript:alert(1)":        false,
		"JavaScript:alert(1)":        false,
		"java\tscript:alert(1)":      false,
		"java\nscript:alert(1)":      false,
		"\x01 javascript:alert(1)":   false,
		"data:text/html,x":           false,
		"vbscript:msgbox":            false,
		"blob:https://example.org/x": false,
	} {
		assert.Equal(t, want, safeURL(u), "%q", u)
	}
}

func TestProbeReplacesEveryFreeString(t *testing.T) {
	c := consent.Seed()
	probe, tokens, err := probeCatalogue(c)
	require.NoError(t, err)
	data, err := json.Marshal(probe)
	require.NoError(t, err)
	for _, s := range []string{"Saint-Maur", "/charte-cookies", "policies.google.com", "Opendatasoft", "sessionid", "Formulaire"} {
		assert.NotContains(t, string(data), s)
	}
	assert.Equal(t, c.Revision(), consent.Seed().Revision(), "the catalogue itself is untouched")
	assert.Equal(t, "contact", probe.Services[4].Category, "ids are kept")
	assert.Equal(t, "recaptcha", probe.Services[4].ID)
	assert.Equal(t, "head", probe.Services[4].Loader.Placement)
	assert.Equal(t, c.Site.Intro["en"], strings.NewReplacer(tokens...).Replace(probe.Site.Intro["en"]))
}

// hostileStrings end an attribute, open markup or lead elsewhere.
var hostileStrings = []string{
	`"onmouseover=alert(document.cookie)//`,
	`/cookies"onmouseover=alert(document.cookie)//`,
	`'><svg onload=alert(1)>`,
	`</script><script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`javascript:alert(document.cookie)`,
	`/\evil.example/`,
	`//evil.example`,
}

// stringFields returns the JSON path of every string in c (texts by
// language, URLs, names, ids) and a way to set it.
func stringFields(c *consent.Catalogue) map[string]func(string) {
	fields := map[string]func(string){}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for f, fv := range v.Fields() {
				tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				switch {
				case tag == "": // consent.LangURL's fields: the value itself
					tag = path
				case path != "":
					tag = path + "." + tag
				}
				walk(fv, tag)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				if v.Type().Elem().Kind() == reflect.Map {
					walk(v.MapIndex(k), path+"."+k.String())
					continue
				}
				fields[path+"."+k.String()] = func(s string) { v.SetMapIndex(k, reflect.ValueOf(s).Convert(v.Type().Elem())) }
			}
		case reflect.String:
			fields[path] = v.SetString
		}
	}
	walk(reflect.ValueOf(c), "")
	return fields
}

// TestHostileCatalogueIsRejectedOrInert puts each hostile string in each
// string field of the library's catalogue in turn and builds the loader:
// either validation rejects the catalogue, naming the field, or the
// prerendered first layer is inert and shows the string as written.
func TestHostileCatalogueIsRejectedOrInert(t *testing.T) {
	library := func(t *testing.T) *consent.Catalogue {
		c := library(t)
		c.Labels = map[string]consent.LabelSet{"en": {consent.LabelAcceptAll: "Accept", consent.LabelPolicy: "Policy"}}
		return c
	}
	paths := stringFields(library(t))
	require.Contains(t, paths, "site.policyUrl")
	require.Contains(t, paths, "labels.en.acceptAll")
	require.Contains(t, paths, "site.intro.fr")
	require.Contains(t, paths, "services[2].loader.url")
	var rejected, built int
	for path := range paths {
		for _, s := range hostileStrings {
			c := library(t)
			stringFields(c)[path](s)
			loader, err := loaderScript("../src", c, map[string]string{})
			if err != nil {
				assert.Contains(t, err.Error(), path+": ", "%s = %q: rejected for another field", path, s)
				rejected++
				continue
			}
			built++
			b := bundleOf(t, loader)
			for lang, tpl := range b.Templates {
				assertInert(t, tpl, fmt.Sprintf("%s = %q, templates (%s)", path, s, lang))
			}
			for lang, body := range b.Bodies {
				assertInert(t, body, fmt.Sprintf("%s = %q, first layer (%s)", path, s, lang))
				if path == "site.intro."+lang {
					assert.Contains(t, texts(t, body), s, "%s = %q: shown as written", path, s)
				}
			}
		}
	}
	t.Logf("%d hostile catalogues rejected, %d built inert", rejected, built)
	assert.NotZero(t, built)
}

// bundleOf reads the bundle written into a built loader.
func bundleOf(t *testing.T, loader []byte) bundle {
	t.Helper()
	// The loader is minified: the bundle is the one JSON object that
	// begins with its files.
	at := bytes.Index(loader, []byte(`{"files":`))
	require.GreaterOrEqual(t, at, 0, "no bundle in the loader")
	var b bundle
	require.NoError(t, json.NewDecoder(bytes.NewReader(loader[at:])).Decode(&b))
	return b
}

// assertInert checks prerendered markup on its own terms: the widget's
// elements only, no event handler, and every link a path of the site, an
// https or mailto URL, or the "#" of a placeholder's link slot, which the
// page program fills.
func assertInert(t *testing.T, body, what string) {
	t.Helper()
	doc, err := parseBody(body)
	require.NoError(t, err)
	allowed := map[string]bool{"div": true, "section": true, "h2": true, "p": true, "a": true, "button": true, "span": true, "template": true}
	var check func(n *html.Node)
	check = func(n *html.Node) {
		if n.Type == html.ElementNode {
			assert.True(t, allowed[n.Data], "%s: element <%s>", what, n.Data)
			for _, a := range n.Attr {
				assert.False(t, strings.HasPrefix(a.Key, "on"), "%s: attribute %s", what, a.Key)
				assert.NotContains(t, []string{"src", "srcset", "style", "action", "formaction"}, a.Key, "%s", what)
				if a.Key == "href" {
					assert.Regexp(t, `^(/[^/\\]|https://|mailto:|#$)`, a.Val, "%s: link", what)
				}
			}
		}
		for c := range n.ChildNodes() {
			check(c)
		}
	}
	for _, n := range doc {
		check(n)
	}
}

// texts returns the text nodes of a first layer, trimmed.
func texts(t *testing.T, body string) []string {
	t.Helper()
	doc, err := parseBody(body)
	require.NoError(t, err)
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			out = append(out, strings.TrimSpace(n.Data))
		}
		for c := range n.ChildNodes() {
			walk(c)
		}
	}
	for _, n := range doc {
		walk(n)
	}
	return out
}
