// Command bench measures the consent widget against vanilla-cookieconsent
// 3.1 in headless Chromium: time to banner, bytes before the banner, main
// thread blocking, layout shift and memory on a first visit, what a return
// visit downloads again, and what the bundle weighs and is made of.
//
//	./build.sh bench [flags]      (sets the machine up and builds web/dist first)
//	go run ./web/bench [-n 5] [-profiles fast,mobile] [-out web/bench/RESULTS.md] [-v]
//
// Run it from the module root, on a quiet machine: other work slows every
// number, and the report says how busy the machine was. It is a benchmark,
// not a test: it never fails on a number. It prints one Markdown report and
// writes it to -out.
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
	"github.com/civic-consent/consent/internal/recipe"
	"github.com/civic-consent/consent/internal/site"
	"github.com/civic-consent/consent/web/receipts"
)

func main() {
	var (
		n        = flag.Int("n", 5, "cold loads per widget and profile (medians of these)")
		profs    = flag.String("profiles", "fast,mobile", "profiles to run: fast, mobile; empty for the bundle only")
		again    = flag.Bool("return", true, "measure a return visit after each first visit")
		sizes    = flag.Bool("bundle", true, "measure the bundle (builds the wasm twice more)")
		distDir  = flag.String("dist", "web/dist", "the widget's bundle, built by ./build.sh")
		npmDist  = flag.String("vanilla", "web/node_modules/vanilla-cookieconsent/dist", "vanilla-cookieconsent's dist folder (npm ci in web/)")
		execPath = flag.String("chromium", "/usr/lib/chromium/chromium", "Chromium binary")
		out      = flag.String("out", "web/bench/RESULTS.md", "also write the report here; empty for none")
		verbose  = flag.Bool("v", false, "print each visit's requests, layout shifts and long tasks")
		trace    = flag.Bool("trace", true, "trace one more load per widget and profile to break the blocking time down")
		costN    = flag.Int("cost", 3, "runs of the page-cost scenarios per widget and profile (0: none)")
	)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	if *n < 1 {
		log.Fatal("-n must be at least 1")
	}
	var chosen []profile
	for _, name := range strings.FieldsFunc(*profs, func(r rune) bool { return r == ',' }) {
		p, ok := profileNamed(strings.TrimSpace(name))
		if !ok {
			log.Fatalf("unknown profile %q (fast, mobile)", name)
		}
		chosen = append(chosen, p)
	}
	report, err := run(config{n: *n, profiles: chosen, again: *again, bundle: *sizes,
		distDir: *distDir, npmDist: *npmDist, execPath: *execPath, verbose: *verbose, trace: *trace, costN: *costN})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("report written to %s", *out)
	}
}

type config struct {
	n                          int
	profiles                   []profile
	again, bundle, verbose     bool
	trace                      bool
	costN                      int
	distDir, npmDist, execPath string
}

func profileNamed(name string) (profile, bool) {
	for _, p := range profiles {
		if p.name == name {
			return p, true
		}
	}
	return profile{}, false
}

// run serves both widgets from one local server, loads each page n times
// per profile in a fresh browser context, alternating the widgets, and
// returns the report.
func run(cfg config) (string, error) {
	if _, err := os.Stat(filepath.Join(cfg.distDir, "consent.js")); err != nil {
		return "", fmt.Errorf("no bundle in %s (run ./build.sh first): %w", cfg.distDir, err)
	}
	tmp, err := os.MkdirTemp("", "bench-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	vendorDir := filepath.Join(tmp, "vendor")
	if err := os.Mkdir(vendorDir, 0o755); err != nil {
		return "", err
	}
	vf, err := prepareVanilla(cfg.npmDist, vendorDir)
	if err != nil {
		return "", err
	}
	rs, err := receipts.OpenPreview(consent.Seed(), cfg.distDir, "", "")
	if err != nil {
		return "", err
	}
	defer rs.Close()
	handler, err := newServer(cfg.distDir, vendorDir, rs, vf)
	if err != nil {
		return "", err
	}
	ln, base, err := site.Listen("127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	r := &results{started: time.Now(), loadStart: loadAverage(), n: cfg.n, distDir: cfg.distDir, version: gitVersion(),
		first: map[string][]visit{}, ret: map[string][]visit{}, traces: map[string]*blockingTrace{},
		cost: map[string][]costRun{}}
	if len(cfg.profiles) > 0 {
		c, err := launch(cfg.execPath)
		if err != nil {
			return "", err
		}
		defer c.close()
		r.chromium = c.version
		for _, p := range cfg.profiles {
			if err := r.measure(c, base, p, cfg); err != nil {
				return "", err
			}
		}
	}
	r.loadEnd = loadAverage()
	if cfg.bundle {
		log.Print("measuring the bundle (each program built twice more)")
		if r.dist, err = distSizes(cfg.distDir); err != nil {
			return "", err
		}
		for _, p := range recipe.Programs {
			w, err := buildWasm(tmp, p)
			if err != nil {
				return "", err
			}
			r.wasm = append(r.wasm, w)
		}
	}
	r.finished = time.Now()
	return r.markdown(), nil
}

// measure runs a profile's loads: n first visits (each followed by a
// return visit) per widget, alternating the widgets, then the traced loads.
func (r *results) measure(c *chromium, base string, p profile, cfg config) error {
	r.profiles = append(r.profiles, p)
	if err := r.measureCost(c, base, p, cfg.costN); err != nil {
		return err
	}
	for i := 0; i < cfg.n; i++ {
		// Alternate which widget goes first, so that neither always runs
		// on a browser that just did the other's work.
		order := []widget{widgets[0], widgets[1]}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, w := range order {
			first, ret, err := c.firstAndReturn(base, w, p, cfg.again)
			if err != nil {
				return fmt.Errorf("%s, %s, load %d: %w", p.name, w.name, i+1, err)
			}
			k := key(p, w)
			r.first[k] = append(r.first[k], first)
			if cfg.again {
				r.ret[k] = append(r.ret[k], ret)
			}
			log.Printf("%-6s %-28s %d/%d  banner %6.0f ms  before banner %4.1f KiB  total %7.1f KiB  blocking %4.0f ms%s",
				p.name, w.name, i+1, cfg.n, first.mark("banner"), kib(first.wireBefore), kib(first.wireTotal), first.tbt, progressReturn(ret, cfg.again))
			if cfg.verbose {
				for _, d := range first.details {
					log.Printf("  first:  %s", d)
				}
				for _, d := range ret.details {
					log.Printf("  return: %s", d)
				}
			}
		}
	}
	if !cfg.trace {
		return nil
	}
	for _, w := range widgets {
		t, err := c.traced(base, w, p)
		if err != nil {
			return fmt.Errorf("%s, %s, traced load: %w", p.name, w.name, err)
		}
		r.traces[key(p, w)] = t
		log.Printf("%-6s %-28s traced: blocking %4.0f ms (Long Tasks API in the same load: %4.0f ms)", p.name, w.name, t.tbt, t.apiTBT)
	}
	return nil
}

func progressReturn(v visit, again bool) string {
	if !again {
		return ""
	}
	return fmt.Sprintf("  | return: bodies %d B, %s, applied %.0f ms", v.bodies, v.servedSummary(), v.mark("loader"))
}

func kib(b int64) float64 { return float64(b) / 1024 }
