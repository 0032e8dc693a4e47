//go:build ignore

// Serve builds the consent bundle if needed and serves it, with the demo host
// site, on localhost:
//
//	go run serve.go [-addr 127.0.0.1:8080] [-dir web/dist] [-build]
//	go run serve.go -catalogue web/catalogues/library.json [-demo library] [-dir DIR]
//	go run serve.go [-receipts DIR] [-token-file FILE]
//	go run serve.go -theme dsfr [-catalogue FILE]
//
// With -catalogue, the bundle is built from that site's catalogue, into a
// temporary folder unless -dir names one (never web/dist, which holds the
// seed's), and the demo host site is the catalogue's own when web/demo has
// one named like the file (library.json: the library's), else the seed's.
//
// With -theme, the bundle is built, as with -catalogue, from the catalogue
// (the seed's, or -catalogue's) in that theme: -theme dsfr serves the demo
// site with the widget in the DSFR's look.
//
// When the catalogue names a receipts endpoint (site.receipts, as the
// seed's does), the receipts the widget sends are stored there in a SQLite
// file, receipts.db in -receipts DIR (default: a temporary folder removed at
// stop), for every revision archived in the bundle folder, and the revision
// of the catalogue it serves is entered, with the time it first served it,
// in the public revisions log (<receipts>/revisions). The DPO's export
// and statistics need the token in CONSENT_RECEIPTS_TOKEN or in the file
// -token-file names (at least 32 characters; never a flag, which shows in
// the process list); without one they are off: there is no default token.
//
// The first line it prints is the site's URL; build output and errors go to
// stderr. Run it from the module root, where build.sh is. SIGINT or SIGTERM
// stops it, and removes the temporary folder of a -catalogue bundle.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/site"
	"github.com/civic-consent/consent/web/receipts"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("serve: ")
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run serves until SIGINT or SIGTERM, then shuts the server down and
// removes the temporary bundle folder, if it made one.
func run() error {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	dir := flag.String("dir", "web/dist", "bundle directory, served at /consent/")
	build := flag.Bool("build", false, "rebuild the bundle with ./build.sh even if it exists")
	catalogue := flag.String("catalogue", "", "a site's catalogue (JSON) to build the bundle from; default: the seed's")
	receiptsDir := flag.String("receipts", "", "folder of the receipts' SQLite file, receipts.db (default: a temporary folder)")
	tokenFile := flag.String("token-file", "", "file holding the receipts export token (default $CONSENT_RECEIPTS_TOKEN; none turns the export off)")
	demo := flag.String("demo", "", `demo host site: "`+site.DemoLibrary+`", or the seed's when empty (default with -catalogue: the file's name, if a demo has it)`)
	theme := flag.String("theme", "", `the widget's theme, "`+consent.ThemeDSFR+`", over the catalogue's (the seed's or -catalogue's)`)
	flag.Parse()
	token, err := receipts.ReadToken(*tokenFile)
	if err != nil {
		return err
	}
	// A signal stops the server rather than the process, so that the
	// deferred removal runs.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)

	cfg := site.Config{Demo: *demo}
	if *theme != "" {
		// The catalogue in that theme, in a file of its own to build from.
		file, remove, err := themed(*catalogue, *theme)
		if err != nil {
			return err
		}
		defer remove()
		name := strings.TrimSuffix(filepath.Base(*catalogue), filepath.Ext(*catalogue))
		if *demo == "" && name == site.DemoLibrary {
			cfg.Demo = site.DemoLibrary
		}
		*catalogue = file
	}
	if *catalogue != "" {
		data, err := os.ReadFile(*catalogue)
		if err != nil {
			return err
		}
		if cfg.Catalogue, err = consent.ParseCatalogue(data); err != nil {
			return fmt.Errorf("%s is not a valid catalogue:\n%v", *catalogue, err)
		}
		name := strings.TrimSuffix(filepath.Base(*catalogue), filepath.Ext(*catalogue))
		if *demo == "" && name == site.DemoLibrary {
			cfg.Demo = site.DemoLibrary
		}
		dirGiven := false
		flag.Visit(func(f *flag.Flag) { dirGiven = dirGiven || f.Name == "dir" })
		if !dirGiven {
			// A fresh folder of our own, never one another user of the
			// machine could have made first.
			tmp, err := os.MkdirTemp("", "civic-consent-"+name+"-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			*dir, *build = tmp, true
		}
		abs, err := filepath.Abs(*dir)
		if err != nil {
			return err
		}
		if seed, err := filepath.Abs("web/dist"); err != nil || abs == seed {
			return errors.New("web/dist holds the seed's bundle; give another -dir for -catalogue")
		}
	}
	if err := site.EnsureBundleOf(*catalogue, *dir, "build.sh", *build, os.Stderr); err != nil {
		return err
	}
	select {
	case <-stop: // while building
		return nil
	default:
	}
	cfg.BundleDir = *dir
	c := cmp.Or(cfg.Catalogue, consent.Seed())
	var rs *receipts.Preview
	if c.Site.Receipts != "" {
		if rs, err = receipts.OpenPreview(c, *dir, *receiptsDir, token); err != nil {
			return err
		}
		defer rs.Close()
		if token == "" {
			log.Printf("receipts are stored in %s; the export is off (no -token-file or CONSENT_RECEIPTS_TOKEN)", rs.Dir)
		}
		cfg.Receipts = rs
	}
	handler, err := site.New(cfg)
	if err != nil {
		return err
	}
	ln, url, err := site.Listen(*addr)
	if err != nil {
		return err
	}
	if rs != nil {
		// From now on, visitors are shown this revision: the revisions log
		// dates it, unless an earlier run did.
		if err := rs.LogServed(context.Background(), c); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Println(url)

	srv := site.Server(handler)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-stop:
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(ctx)
	}
}

// themed writes the catalogue of file (the seed's when "") with site.theme
// set to theme into a temporary folder, and returns the file written and
// what removes the folder.
func themed(file, theme string) (string, func(), error) {
	c := consent.Seed()
	name := "seed"
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", nil, err
		}
		if c, err = consent.ParseCatalogue(data); err != nil {
			return "", nil, fmt.Errorf("%s is not a valid catalogue:\n%v", file, err)
		}
		name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	c.Site.Theme = theme
	data, err := c.JSON()
	if err != nil {
		return "", nil, fmt.Errorf("-theme %s: %w", theme, err)
	}
	tmp, err := os.MkdirTemp("", "civic-consent-theme-")
	if err != nil {
		return "", nil, err
	}
	remove := func() { os.RemoveAll(tmp) }
	out := filepath.Join(tmp, name+"-"+theme+".json")
	if err := os.WriteFile(out, data, 0o644); err != nil {
		remove()
		return "", nil, err
	}
	return out, remove, nil
}
