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
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/recipe"
	"github.com/civic-consent/consent/wasm/contract"
)

func main() {
	var (
		cataloguePath = flag.String("catalogue", "", "site catalogue (JSON); default: the built-in seed catalogue")
		pagePath      = flag.String("page", "", "the built page program (.wasm); default: build it as internal/recipe says")
		dialogPath    = flag.String("dialog", "", "the built dialog program (.wasm); default: build it as internal/recipe says")
		execPath      = flag.String("exec", "", "wasm_exec.js of the toolchain that built the programs")
		srcDir        = flag.String("src", "web/src", "folder of the loader's modules (loader/), consent.css and warm.js")
		outDir        = flag.String("out", "web/dist", "output folder (must not exist or be empty)")
		check         = flag.Bool("check", false, "only check the catalogue, before the programs are built")
		compress      = flag.Bool("compress", false, "write the precompressed siblings (.br, .gz) of every file")
		reuse         = flag.String("reuse", "", "with -compress: a built bundle whose identical files' siblings are copied, not compressed again")
	)
	flag.Parse()
	var err error
	if *check {
		_, err = loadCatalogue(*cataloguePath)
	} else {
		in := inputs{programs: map[string]string{recipe.PageProgram.Name: *pagePath, recipe.DialogProgram.Name: *dialogPath}, exec: *execPath}
		if err = run(*cataloguePath, in, *srcDir, *outDir); err == nil && *compress {
			err = recipe.CompressDir(*outDir, *reuse)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
}

// inputs are the built files a bundle is made of: the programs by name
// ("" builds it) and wasm_exec.js.
type inputs struct {
	programs map[string]string
	exec     string
}

func run(cataloguePath string, in inputs, srcDir, outDir string) error {
	if in.exec == "" {
		return errors.New("-exec is required")
	}
	c, err := loadCatalogue(cataloguePath)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "consent-wasm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	css, err := stylesheet(srcDir, c)
	if err != nil {
		return err
	}
	cssPath := filepath.Join(tmp, "consent.css")
	if err := os.WriteFile(cssPath, css, 0o644); err != nil {
		return err
	}
	// Each file by its key in the loader's files, with the name its
	// hashed copy takes.
	sources := []struct{ key, name, path string }{
		{"exec", "wasm_exec", in.exec},
		{"css", "consent", cssPath},
		{"warm", "warm", filepath.Join(srcDir, "warm.js")},
	}
	for _, p := range recipe.Programs {
		path := in.programs[p.Name]
		if path == "" {
			if path, err = p.BuildShipped(tmp); err != nil {
				return err
			}
		}
		sources = append(sources, struct{ key, name, path string }{p.Name, p.Name, path})
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	files := map[string]string{}
	for _, src := range sources {
		name, err := copyHashed(src.path, src.name, outDir)
		if err != nil {
			return err
		}
		files[src.key] = name
	}
	if err := writeArchive(c, outDir); err != nil {
		return err
	}
	loader, err := loaderScript(srcDir, c, files)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outDir, contract.LoaderName), loader, 0o644)
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

// stylesheet is the widget's stylesheet for c, minified: consent.css, and
// the rules of c's theme (dsfr.css) where it has one, so that a site ships
// no other theme's.
func stylesheet(srcDir string, c *consent.Catalogue) ([]byte, error) {
	css, err := os.ReadFile(filepath.Join(srcDir, "consent.css"))
	if err != nil {
		return nil, err
	}
	switch c.Site.Theme {
	case consent.ThemeDefault:
	case consent.ThemeDSFR:
		theme, err := os.ReadFile(filepath.Join(srcDir, "dsfr.css"))
		if err != nil {
			return nil, err
		}
		css = append(append(css, '\n'), theme...)
	default:
		// Validation refuses it too; never a file named by a catalogue.
		return nil, fmt.Errorf("site.theme: %q is not a theme of the widget", c.Site.Theme)
	}
	return minify("consent.css", css)
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
func copyHashed(src, name, dir string) (string, error) {
	data, err := readShipped(src)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	hashed := name + "." + hex.EncodeToString(sum[:])[:contract.HashLength] + filepath.Ext(src)
	return hashed, os.WriteFile(filepath.Join(dir, hashed), data, 0o644)
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
