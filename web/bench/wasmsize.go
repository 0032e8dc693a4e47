package main

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// wasmLayout is what a wasm binary is made of: the size of each section,
// and the code size of each function that the name section names.
type wasmLayout struct {
	sections map[string]int // section name → bytes, header included
	funcs    map[string]int // function name → code bytes
}

// sectionNames are the standard sections by id; custom sections go by
// their own name.
var sectionNames = map[byte]string{
	1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount", 13: "tag",
}

// parseWasm reads the sections of a wasm binary, and with the name section
// (a Go build without -s keeps it) the code size of every function.
func parseWasm(bin []byte) (*wasmLayout, error) {
	if len(bin) < 8 || !bytes.Equal(bin[:4], []byte("\x00asm")) {
		return nil, errors.New("wasm: not a wasm binary")
	}
	l := &wasmLayout{sections: map[string]int{}, funcs: map[string]int{}}
	var imported int
	var bodies []int
	names := map[int]string{}
	r := &wasmReader{b: bin, off: 8}
	for r.off < len(r.b) {
		start := r.off
		id := r.byte()
		size := int(r.uleb())
		if r.err != nil || r.off+size > len(r.b) {
			return nil, fmt.Errorf("wasm: section at byte %d is truncated", start)
		}
		body := &wasmReader{b: r.b[r.off : r.off+size]}
		r.off += size
		name := sectionNames[id]
		switch id {
		case 0:
			name = "custom " + body.name()
			if name == "custom name" {
				body.functionNames(names)
			}
		case 2:
			imported = body.importedFuncs()
		case 10:
			bodies = body.codeSizes()
		}
		if body.err != nil {
			return nil, fmt.Errorf("wasm: %s section: %w", name, body.err)
		}
		l.sections[name] += r.off - start
	}
	for i, size := range bodies {
		name, ok := names[imported+i]
		if !ok {
			name = fmt.Sprintf("func[%d]", imported+i)
		}
		l.funcs[name] += size
	}
	return l, nil
}

// wasmReader decodes the parts of the format that the layout needs; the
// first error stops it and stays in err.
type wasmReader struct {
	b   []byte
	off int
	err error
}

func (r *wasmReader) byte() byte {
	if r.err != nil || r.off >= len(r.b) {
		r.fail()
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *wasmReader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("truncated at byte %d", r.off)
	}
}

func (r *wasmReader) uleb() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 || r.err != nil {
			return v
		}
	}
	r.fail()
	return v
}

func (r *wasmReader) name() string {
	n := int(r.uleb())
	if r.err != nil || r.off+n > len(r.b) {
		r.fail()
		return ""
	}
	s := string(r.b[r.off : r.off+n])
	r.off += n
	return s
}

func (r *wasmReader) limits() {
	flags := r.byte()
	r.uleb()
	if flags&1 != 0 {
		r.uleb()
	}
}

// importedFuncs counts the imported functions: they come first in the
// function index space.
func (r *wasmReader) importedFuncs() int {
	count := int(r.uleb())
	funcs := 0
	for i := 0; i < count && r.err == nil; i++ {
		r.name()
		r.name()
		switch kind := r.byte(); kind {
		case 0: // function: type index
			r.uleb()
			funcs++
		case 1: // table: reference type, limits
			r.byte()
			r.limits()
		case 2: // memory
			r.limits()
		case 3: // global: value type, mutability
			r.byte()
			r.byte()
		case 4: // tag: attribute, type index
			r.byte()
			r.uleb()
		default:
			r.err = fmt.Errorf("unknown import kind %d", kind)
		}
	}
	return funcs
}

func (r *wasmReader) codeSizes() []int {
	count := int(r.uleb())
	sizes := make([]int, 0, count)
	for i := 0; i < count && r.err == nil; i++ {
		n := int(r.uleb())
		if r.off+n > len(r.b) {
			r.fail()
			break
		}
		r.off += n
		sizes = append(sizes, n)
	}
	return sizes
}

// functionNames reads the function-names subsection (id 1) of the name
// section.
func (r *wasmReader) functionNames(names map[int]string) {
	for r.off < len(r.b) && r.err == nil {
		id := r.byte()
		size := int(r.uleb())
		if r.err != nil || r.off+size > len(r.b) {
			r.fail()
			return
		}
		end := r.off + size
		if id == 1 {
			count := int(r.uleb())
			for i := 0; i < count && r.err == nil; i++ {
				idx := int(r.uleb())
				names[idx] = r.name()
			}
		}
		r.off = end
	}
}

// symbolPackages maps the names the Go linker gives functions in the wasm
// name section back to import paths: it writes a function as its package
// path and name with every character but [0-9A-Za-z_.] turned into "_"
// ("github.com/x/go-app.(*T).M" → "github.com_x_go_app.__T_.M"), and the
// main package as "main".
type symbolPackages struct {
	mangled []string          // longest first
	paths   map[string]string // mangled → import path
}

func newSymbolPackages(importPaths []string, mainPath string) *symbolPackages {
	sp := &symbolPackages{paths: map[string]string{"main": mainPath}}
	for _, p := range importPaths {
		if p == mainPath {
			continue
		}
		sp.paths[mangle(p)] = p
	}
	for m := range sp.paths {
		sp.mangled = append(sp.mangled, m)
	}
	sort.Slice(sp.mangled, func(i, j int) bool { return len(sp.mangled[i]) > len(sp.mangled[j]) })
	return sp
}

func mangle(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b[i] = '_'
		}
	}
	return string(b)
}

// of returns the import path of a function, or a group for what belongs
// to no package: the compiler's type helpers, the runtime's wasm glue.
func (sp *symbolPackages) of(sym string) string {
	for _, m := range sp.mangled {
		if strings.HasPrefix(sym, m+".") {
			return sp.paths[m]
		}
	}
	switch {
	case strings.HasPrefix(sym, "type_."):
		return "(type equality and hash functions)"
	case strings.HasPrefix(sym, "func["):
		return "(unnamed)"
	}
	return "(runtime assembly and wasm glue)"
}

// pkgSize is the code size attributed to one package.
type pkgSize struct {
	pkg   string
	bytes int
}

// packageSizes sums the code size of the functions by package, largest
// first.
func packageSizes(funcs map[string]int, sp *symbolPackages) []pkgSize {
	sums := map[string]int{}
	for name, size := range funcs {
		sums[sp.of(name)] += size
	}
	out := make([]pkgSize, 0, len(sums))
	for p, n := range sums {
		out = append(out, pkgSize{p, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].bytes != out[j].bytes {
			return out[i].bytes > out[j].bytes
		}
		return out[i].pkg < out[j].pkg
	})
	return out
}
