// Command bundle assembles the widget's drop-in bundle from a built wasm:
// content-hashed copies of the wasm, wasm_exec.js, the frame's boot script
// and the stylesheet, and the loader consent.js carrying their names, the
// catalogue and the first layer prerendered by the same go-app components
// the wasm runs, so the loader can show it before the wasm arrives.
//
// It also writes the archive of the catalogue's revision,
// catalogue.<revision>.json (consent.Catalogue.Archive): the catalogue and
// every text of it, which a consent record's revision names, so that the
// wording a visitor saw can always be shown. A site keeps the archives of
// its earlier builds next to the new one.
//
// build.sh runs it; it writes nothing unless the catalogue is valid. Given
// no -wasm, it builds the wasm itself, as internal/recipe says.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/app"
	"github.com/civic-consent/consent/internal/recipe"
)

func main() {
	var (
		cataloguePath = flag.String("catalogue", "", "site catalogue (JSON); default: the built-in seed catalogue")
		wasmPath      = flag.String("wasm", "", "the built widget (.wasm); default: build it (go build, then wasm-opt where installed)")
		execPath      = flag.String("exec", "", "wasm_exec.js of the toolchain that built the wasm")
		srcDir        = flag.String("src", "web/src", "folder of consent.js, frame.js and consent.css")
		outDir        = flag.String("out", "web/dist", "output folder (must not exist or be empty)")
		check         = flag.Bool("check", false, "only check the catalogue, before the wasm is built")
		compress      = flag.Bool("compress", false, "write the precompressed siblings (.br, .gz) of every file")
		reuse         = flag.String("reuse", "", "with -compress: a built bundle whose identical files' siblings are copied, not compressed again")
	)
	flag.Parse()
	var err error
	if *check {
		_, err = loadCatalogue(*cataloguePath)
	} else if err = run(*cataloguePath, *wasmPath, *execPath, *srcDir, *outDir); err == nil && *compress {
		err = recipe.CompressDir(*outDir, *reuse)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
}

func run(cataloguePath, wasmPath, execPath, srcDir, outDir string) error {
	if execPath == "" {
		return errors.New("-exec is required")
	}
	c, err := loadCatalogue(cataloguePath)
	if err != nil {
		return err
	}
	if wasmPath == "" {
		tmp, err := os.MkdirTemp("", "consent-wasm-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if wasmPath, err = buildWasm(tmp); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	files := map[string]string{}
	for key, src := range map[string]string{
		"wasm": wasmPath,
		"exec": execPath,
		"css":  filepath.Join(srcDir, "consent.css"),
		"warm": filepath.Join(srcDir, "warm.js"),
	} {
		name, err := copyHashed(src, outDir)
		if err != nil {
			return err
		}
		files[key] = name
	}
	if err := writeArchive(c, outDir); err != nil {
		return err
	}
	loader, err := loaderScript(srcDir, c, files)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outDir, "consent.js"), loader, 0o644)
}

// buildWasm builds the widget's wasm into dir as recipe says: compiled
// with recipe.LDFlags, then optimised where wasm-opt is installed.
func buildWasm(dir string) (string, error) {
	plain, opt := filepath.Join(dir, "plain", "consent.wasm"), filepath.Join(dir, "consent.wasm")
	if err := os.MkdirAll(filepath.Dir(plain), 0o755); err != nil {
		return "", err
	}
	if err := recipe.BuildWasm(plain, recipe.LDFlags); err != nil {
		return "", err
	}
	switch err := recipe.Optimise(plain, opt); {
	case errors.Is(err, recipe.ErrNoWasmOpt):
		fmt.Fprintln(os.Stderr, "bundle:", err, "- the wasm is not optimised")
		return plain, nil
	case err != nil:
		return "", err
	}
	return opt, nil
}

// loadCatalogue reads a site's catalogue, or returns the seed's.
func loadCatalogue(path string) (*consent.Catalogue, error) {
	if path == "" {
		c := consent.Seed()
		return c, c.Validate()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := consent.ParseCatalogue(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid catalogue:\n%w", path, err)
	}
	return c, nil
}

// writeArchive writes the archive of c's revision into dir. An archive of
// that name already there must hold the same catalogue: an archive is
// immutable, and the revision covers every text, so another content under
// the same name is an error rather than a silent rewrite.
func writeArchive(c *consent.Catalogue, dir string) error {
	name, data, err := c.Archive()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	if old, err := os.ReadFile(path); err == nil {
		if string(old) != string(data) {
			return fmt.Errorf("%s exists with another content: an archived revision is never rewritten", path)
		}
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}

// readShipped reads a file the bundle ships, minified when it is
// JavaScript or CSS.
func readShipped(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch filepath.Ext(path) {
	case ".js", ".css":
		return minify(filepath.Base(path), data)
	}
	return data, nil
}

// copyHashed copies src into dir as name.<hash>.ext, so that it can be
// cached forever: a new content gets a new name. JavaScript and CSS are
// minified.
func copyHashed(src, dir string) (string, error) {
	data, err := readShipped(src)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	base := filepath.Base(src)
	ext := filepath.Ext(base)
	name := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
	return name, os.WriteFile(filepath.Join(dir, name), data, 0o644)
}

// The loader template's placeholders: the bundle, as JSON, and the frame's
// boot function.
const (
	bundleMarker = "__BUNDLE__"
	frameMarker  = "__FRAME__"
)

// bundle is what the loader needs, written into it as JSON.
type bundle struct {
	Files map[string]string `json:"files"`
	// CSS is the frame's stylesheet, which the loader gives the frame's
	// document as a constructed stylesheet.
	CSS string `json:"css"`
	// Theme names the custom properties that theme the widget
	// (app.ThemeProperties), which the frame copies from the host page.
	Theme     []string          `json:"theme"`
	Catalogue string            `json:"catalogue"`
	Languages []string          `json:"languages"`
	Titles    map[string]string `json:"titles"`
	// Bodies and Buttons are the frame's body prerendered for each
	// language: the first layer, and the persistent button.
	Bodies  map[string]string `json:"bodies"`
	Buttons map[string]string `json:"buttons"`
	// ButtonLabels are the persistent button's text, for the loader's
	// frame-less copy of it (a return visit with nothing to decide).
	ButtonLabels map[string]string `json:"buttonLabels"`
	// Revision is the catalogue's revision. RecordCookie and RecordPrefix
	// are all the loader may know of a stored choice: its cookie's name,
	// and how a record of this revision begins.
	Revision     string `json:"revision"`
	RecordCookie string `json:"recordCookie"`
	RecordPrefix string `json:"recordPrefix"`
	// Gated is a CSS selector of the content that depends on the choice;
	// GatedAlways means every page does (Consent Mode, or a service loaded
	// on every page), so the wasm always starts at once.
	Gated       string `json:"gated"`
	GatedAlways bool   `json:"gatedAlways"`
	// ConsentDefault is the Google Consent Mode state the loader sends as
	// gtag('consent', 'default', …) (consent.GoogleConsentDefault), when
	// the catalogue asks for Consent Mode.
	ConsentDefault map[string]string `json:"consentDefault,omitempty"`
}

// loaderScript fills the loader template, consent.js in srcDir, with the
// frame's boot function (frame.js), minifies it, then writes the bundle
// into it, which carries the stylesheet's text (consent.css, minified): the
// first layer needs no request but consent.js.
func loaderScript(srcDir string, c *consent.Catalogue, files map[string]string) ([]byte, error) {
	var src, frame []byte
	for path, data := range map[string]*[]byte{"consent.js": &src, "frame.js": &frame} {
		var err error
		if *data, err = os.ReadFile(filepath.Join(srcDir, path)); err != nil {
			return nil, err
		}
	}
	css, err := readShipped(filepath.Join(srcDir, "consent.css"))
	if err != nil {
		return nil, err
	}
	template := filepath.Join(srcDir, "consent.js")
	for _, marker := range []string{bundleMarker, frameMarker} {
		if strings.Count(string(src), marker) != 1 {
			return nil, fmt.Errorf("%s must hold %s exactly once", template, marker)
		}
	}
	// The frame's boot joins the loader's closure before minifying, so
	// that the names they share are shortened alike; the bundle comes
	// after, as data esbuild need not read.
	loader, err := minify("consent.js", []byte(strings.Replace(string(src), frameMarker, string(frame), 1)))
	if err != nil {
		return nil, err
	}
	if strings.Count(string(loader), bundleMarker) != 1 {
		return nil, fmt.Errorf("minified %s must still hold %s exactly once", template, bundleMarker)
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
		Theme:        app.ThemeProperties,
		Catalogue:    catalogue.String(),
		Languages:    c.Languages(),
		Titles:       map[string]string{},
		Bodies:       map[string]string{},
		Buttons:      map[string]string{},
		ButtonLabels: map[string]string{},
		Revision:     c.Revision(),
		RecordCookie: consent.RecordCookieName,
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
		if b.ButtonLabels[lang], err = buttonLabel(b.Buttons[lang]); err != nil {
			return nil, err
		}
	}
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	return []byte(strings.Replace(string(loader), bundleMarker, string(data), 1)), nil
}

// recordPrefix is how every record of c's revision begins in the cookie:
// its format version and the revision (see consent.Record.Encode).
func recordPrefix(c *consent.Catalogue) string {
	return fmt.Sprintf("%d.%s.", consent.FormatVersion, c.Revision())
}

// gatedContent returns the CSS selector of the content whose presence on a
// page makes the page depend on the choice: data-consent markup and each
// loaded service's placeholder. always is true when every page depends on
// it: with Consent Mode, or a service loaded where it has no placeholder.
func gatedContent(c *consent.Catalogue) (selector string, always bool) {
	selectors := []string{"[data-consent]"}
	for _, svc := range c.Services {
		if svc.Loader == nil {
			continue
		}
		if svc.Loader.Placeholder == "" {
			always = true
			continue
		}
		selectors = append(selectors, svc.Loader.Placeholder)
	}
	return strings.Join(selectors, ", "), always || c.Site.ConsentMode
}
