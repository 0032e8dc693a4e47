//go:build ignore

// Serve builds the consent bundle if needed and serves it, with the demo host
// site, on localhost:
//
//	go run serve.go [-addr 127.0.0.1:8080] [-dir web/dist] [-build]
//	go run serve.go -catalogue web/catalogues/library.json [-demo library] [-dir DIR]
//
// With -catalogue, the bundle is built from that site's catalogue, into a
// temporary folder unless -dir names one (never web/dist, which holds the
// seed's), and the demo host site is the catalogue's own when web/demo has
// one named like the file (library.json: the library's), else the seed's.
//
// The first line it prints is the site's URL; build output and errors go to
// stderr. Run it from the module root, where build.sh is.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/web/site"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	dir := flag.String("dir", "web/dist", "bundle directory, served at /consent/")
	build := flag.Bool("build", false, "rebuild the bundle with ./build.sh even if it exists")
	catalogue := flag.String("catalogue", "", "a site's catalogue (JSON) to build the bundle from; default: the seed's")
	demo := flag.String("demo", "", `demo host site: "`+site.DemoLibrary+`", or the seed's when empty (default with -catalogue: the file's name, if a demo has it)`)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("serve: ")

	cfg := site.Config{Demo: *demo}
	if *catalogue != "" {
		data, err := os.ReadFile(*catalogue)
		if err != nil {
			log.Fatal(err)
		}
		if cfg.Catalogue, err = consent.ParseCatalogue(data); err != nil {
			log.Fatalf("%s is not a valid catalogue:\n%v", *catalogue, err)
		}
		name := strings.TrimSuffix(filepath.Base(*catalogue), filepath.Ext(*catalogue))
		if *demo == "" && name == site.DemoLibrary {
			cfg.Demo = site.DemoLibrary
		}
		dirGiven := false
		flag.Visit(func(f *flag.Flag) { dirGiven = dirGiven || f.Name == "dir" })
		if !dirGiven {
			*dir, *build = filepath.Join(os.TempDir(), "civic-consent-"+name), true
		}
		if abs, _ := filepath.Abs(*dir); abs == mustAbs("web/dist") {
			log.Fatal("web/dist holds the seed's bundle; give another -dir for -catalogue")
		}
	}
	if err := site.EnsureBundleOf(*catalogue, *dir, "build.sh", *build, os.Stderr); err != nil {
		log.Fatal(err)
	}
	cfg.BundleDir = *dir
	handler, err := site.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ln, url, err := site.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(url)
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		log.Fatal(err)
	}
	return abs
}
