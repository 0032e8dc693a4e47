//go:build ignore

// Serve builds the consent bundle if needed and serves it, with the demo host
// site, on localhost:
//
//	go run serve.go [-addr 127.0.0.1:8080] [-dir web/dist] [-build]
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
	"time"

	"github.com/civic-consent/consent/web/site"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	dir := flag.String("dir", "web/dist", "bundle directory, served at /consent/")
	build := flag.Bool("build", false, "rebuild the bundle with ./build.sh even if it exists")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("serve: ")

	if err := site.EnsureBundle(*dir, "build.sh", *build, os.Stderr); err != nil {
		log.Fatal(err)
	}
	handler, err := site.New(site.Config{BundleDir: *dir})
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
