package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/evanw/esbuild/pkg/api"
)

// bundleMarker is the identifier in the loader's source (loader/bundle.js)
// that the bundle, as JSON, replaces once the loader is built.
const bundleMarker = "__BUNDLE__"

// bundle is what the loader needs, written into it as JSON; the
// Bundle interface of web/src/civic-consent.d.ts declares it.
type bundle struct {
	// Files are the bundle's hashed file names, by the loader's keys.
	Files map[string]string `json:"files"`
	// CSS is the stylesheet, which the loader gives the frame's document
	// and the shadow roots it makes as a constructed stylesheet.
	CSS       string            `json:"css"`
	Catalogue string            `json:"catalogue"`
	Languages []string          `json:"languages"`
	Titles    map[string]string `json:"titles"`
	// Bodies and Buttons are the first layer and the button prerendered
	// for each language; Templates the frame's templates.
	Bodies    map[string]string `json:"bodies"`
	Buttons   map[string]string `json:"buttons"`
	Templates map[string]string `json:"templates"`
	// Revision is the catalogue's revision, Digest the digest of its JSON
	// (consent.CatalogueDigest). RecordPrefix is all the loader may know
	// of a stored choice: how a record of this revision begins.
	Revision     string `json:"revision"`
	Digest       string `json:"digest"`
	RecordPrefix string `json:"recordPrefix"`
	// Gated is a CSS selector of the content that depends on the choice;
	// GatedAlways means every page does (Consent Mode, or a service loaded
	// on every page), so the page program always starts at once.
	Gated       string `json:"gated"`
	GatedAlways bool   `json:"gatedAlways"`
	// ConsentDefault is the Google Consent Mode state the loader sends as
	// gtag('consent', 'default', …), with the catalogue's Consent Mode.
	ConsentDefault map[string]string `json:"consentDefault,omitempty"`
}

// loaderScript builds the loader from its modules (srcDir/loader), with the
// names of package contract, then writes the bundle into it, which carries
// the stylesheet (consent.css and the theme's, minified) and every prerendered view: the
// first layer needs no request but consent.js.
func loaderScript(srcDir string, c *consent.Catalogue, files map[string]string) ([]byte, error) {
	loader, err := buildLoader(filepath.Join(srcDir, "loader", "main.js"))
	if err != nil {
		return nil, err
	}
	css, err := stylesheet(srcDir, c)
	if err != nil {
		return nil, err
	}
	indented, err := c.JSON()
	if err != nil {
		return nil, err
	}
	var catalogue bytes.Buffer
	if err := json.Compact(&catalogue, indented); err != nil {
		return nil, err
	}
	gated, always := gatedContent(c)
	b := bundle{
		Files:        files,
		CSS:          string(css),
		Catalogue:    catalogue.String(),
		Languages:    c.Languages(),
		Titles:       map[string]string{},
		Bodies:       map[string]string{},
		Buttons:      map[string]string{},
		Templates:    map[string]string{},
		Revision:     c.Revision(),
		Digest:       consent.CatalogueDigest(catalogue.String()),
		RecordPrefix: recordPrefix(c),
		Gated:        gated,
		GatedAlways:  always,
	}
	if c.Site.ConsentMode {
		b.ConsentDefault = consent.GoogleConsentDefault()
	}
	for _, lang := range b.Languages {
		b.Titles[lang] = c.Label(lang, consent.LabelSettings)
		if b.Bodies[lang], err = firstLayer(c, lang); err != nil {
			return nil, err
		}
		if b.Buttons[lang], err = button(c, lang); err != nil {
			return nil, err
		}
		if b.Templates[lang], err = templates(c, lang); err != nil {
			return nil, err
		}
	}
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	return bytes.Replace(loader, []byte(bundleMarker), data, 1), nil
}

// buildLoader bundles the loader's modules from entry into one minified
// script, NAMES.x replaced by package contract's names. A syntax error, a
// module that cannot be found or a name contract does not give fails the
// build, naming the file, line and column.
func buildLoader(entry string) ([]byte, error) {
	define := map[string]string{}
	for name, value := range contract.Names() {
		v, err := json.Marshal(value)
		if err != nil {
			return nil, err
		}
		define["NAMES."+name] = string(v)
	}
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{entry},
		Bundle:            true,
		Write:             false,
		Format:            api.FormatIIFE,
		Target:            api.ES2018,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		LogLevel:          api.LogLevelSilent,
		Define:            define,
	})
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("building the loader: %s", messages(res.Errors))
	}
	if len(res.OutputFiles) != 1 {
		return nil, fmt.Errorf("building the loader: %d output files, want 1", len(res.OutputFiles))
	}
	code := res.OutputFiles[0].Contents
	if bytes.Contains(code, []byte("NAMES.")) {
		return nil, fmt.Errorf("building the loader: it uses a NAMES.x that package contract does not give (it gives %s)", strings.Join(slices.Sorted(maps.Keys(contract.Names())), ", "))
	}
	if bytes.Count(code, []byte(bundleMarker)) != 1 {
		return nil, fmt.Errorf("building the loader: it must use %s exactly once (loader/bundle.js)", bundleMarker)
	}
	return code, nil
}

// messages joins esbuild's messages, each with its place.
func messages(msgs []api.Message) string {
	var out []string
	for _, m := range msgs {
		if l := m.Location; l != nil {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s", l.File, l.Line, l.Column+1, m.Text))
		} else {
			out = append(out, m.Text)
		}
	}
	return strings.Join(out, "; ")
}
