package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/civic-consent/consent/internal/recipe"
)

// fileSize is one file of the bundle, raw and as each precompressed sibling.
type fileSize struct {
	name              string
	raw, gzip, brotli int64
}

// distSizes reads the sizes of every file of the bundle directory and of
// its .gz and .br siblings.
func distSizes(dir string) ([]fileSize, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	var out []fileSize
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".br") {
			continue
		}
		f := fileSize{name: name}
		for _, s := range []struct {
			suffix string
			dst    *int64
		}{{"", &f.raw}, {".gz", &f.gzip}, {".br", &f.brotli}} {
			info, err := os.Stat(filepath.Join(dir, name+s.suffix))
			if err != nil {
				return nil, fmt.Errorf("bundle: %w", err)
			}
			*s.dst = info.Size()
		}
		out = append(out, f)
	}
	return out, nil
}

// wasmBuild is one of the widget's programs built three ways, to show what
// wasm-opt and the name section weigh, and the code size of each package.
type wasmBuild struct {
	program    recipe.Program
	plain, opt fileSize // -s -w as build.sh builds it, without and with wasm-opt -Oz
	sections   map[string]int
	packages   []pkgSize
	codeTotal  int
	chains     map[string][]string // package → shortest import chain from the entry point
	exclusive  map[string]int      // package → code of it and of what only it imports
}

// buildWasm builds a program as build.sh does (internal/recipe), runs
// wasm-opt on it, and builds it once more with its symbol names to
// attribute the code to packages.
func buildWasm(tmp string, p recipe.Program) (*wasmBuild, error) {
	w := &wasmBuild{program: p}
	plain := filepath.Join(tmp, p.Name+".wasm")
	if err := p.Build(plain, recipe.LDFlags); err != nil {
		return nil, err
	}
	var err error
	if w.plain, err = measure(plain, p.Name+".wasm"); err != nil {
		return nil, err
	}
	opt := filepath.Join(tmp, p.Name+".opt.wasm")
	if err := recipe.Optimise(plain, opt); err != nil {
		return nil, err
	}
	if w.opt, err = measure(opt, p.Name+".wasm + wasm-opt -Oz"); err != nil {
		return nil, err
	}
	named := filepath.Join(tmp, p.Name+".named.wasm")
	if err := p.Build(named, ""); err != nil {
		return nil, err
	}
	return w, w.attribute(named)
}

// attribute reads a wasm built with its symbol names and attributes its
// code to packages.
func (w *wasmBuild) attribute(named string) error {
	bin, err := os.ReadFile(named)
	if err != nil {
		return err
	}
	layout, err := parseWasm(bin)
	if err != nil {
		return err
	}
	deps, err := loadDeps(w.program.Package)
	if err != nil {
		return err
	}
	w.chains = deps.chains()
	paths := make([]string, 0, len(deps.imports))
	for p := range deps.imports {
		paths = append(paths, p)
	}
	w.sections = layout.sections
	w.packages = packageSizes(layout.funcs, newSymbolPackages(paths, deps.root))
	code := map[string]int{}
	for _, p := range w.packages {
		w.codeTotal += p.bytes
		code[p.pkg] = p.bytes
	}
	// What each package brings in that nothing else needs.
	w.exclusive = map[string]int{}
	for p := range deps.imports {
		if p == deps.root {
			continue
		}
		for _, q := range deps.only(p) {
			w.exclusive[p] += code[q]
		}
	}
	return nil
}

// measure returns the raw size of a file and its size in each of
// recipe.Encodings, as build.sh compresses it.
func measure(path, label string) (fileSize, error) {
	f := fileSize{name: label}
	info, err := os.Stat(path)
	if err != nil {
		return f, err
	}
	f.raw = info.Size()
	for _, e := range recipe.Encodings {
		var n countWriter
		if err := e.Compress(path, &n); err != nil {
			return f, err
		}
		switch e.Suffix {
		case ".gz":
			f.gzip = int64(n)
		case ".br":
			f.brotli = int64(n)
		}
	}
	return f, nil
}

// countWriter counts what is written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// depGraph is the import graph of the wasm's packages.
type depGraph struct {
	root    string
	imports map[string][]string
}

// loadDeps lists the packages the main package pkg is built from, with
// their imports.
func loadDeps(pkg string) (*depGraph, error) {
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Imports", pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps %s: %w", pkg, err)
	}
	g := &depGraph{imports: map[string][]string{}}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list -deps: %w", err)
		}
		sort.Strings(p.Imports)
		g.imports[p.ImportPath] = p.Imports
		g.root = p.ImportPath // -deps lists the named package last
	}
	return g, nil
}

// chains returns, for every package, a shortest chain of imports that
// brings it in from the entry point (breadth first, imports in sorted
// order, so that it is reproducible).
func (g *depGraph) chains() map[string][]string {
	chains := map[string][]string{g.root: {g.root}}
	queue := []string{g.root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, q := range g.imports[p] {
			if _, seen := chains[q]; seen {
				continue
			}
			chains[q] = append(append([]string(nil), chains[p]...), q)
			queue = append(queue, q)
		}
	}
	return chains
}

// only returns the packages that every import chain to them goes
// through pkg: pkg itself and what would leave the build with it.
func (g *depGraph) only(pkg string) []string {
	reach := map[string]bool{g.root: true}
	queue := []string{g.root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, q := range g.imports[p] {
			if q != pkg && !reach[q] {
				reach[q] = true
				queue = append(queue, q)
			}
		}
	}
	var out []string
	for p := range g.imports {
		if !reach[p] {
			out = append(out, p)
		}
	}
	return out
}
