// Package recipe is how the widget's bundle is built, written once: how
// the wasm is compiled and optimised, and how every file of the bundle is
// precompressed. The bundle command (run by build.sh), the benchmark
// (web/bench) and the browser tests' variant bundles all follow it.
package recipe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Program is one of the widget's Go programs, compiled to WebAssembly.
type Program struct {
	// Name is the program's name in the bundle: its file is
	// Name.<hash>.wasm.
	Name string
	// Package is its main package.
	Package string
	// GCFlags are the compiler's flags for every package of the program.
	GCFlags string
}

// The widget's two programs: the page program, which every page that needs
// a decision runs, and the dialog program (go-app), which only opening the
// preferences starts.
//
// The page program is compiled without inlining: brotli then packs it
// 7 % smaller, and every page that must decide downloads it, while its
// code is not where its time goes (start-up is the engine compiling it).
var (
	PageProgram   = Program{Name: "page", Package: "github.com/civic-consent/consent/wasm", GCFlags: "all=-l"}
	DialogProgram = Program{Name: "dialog", Package: "github.com/civic-consent/consent/wasm/dialog"}
	Programs      = []Program{PageProgram, DialogProgram}
)

// LDFlags are the linker flags of the shipped wasm: no symbol table, no
// DWARF.
const LDFlags = "-s -w"

// wasmOptArgs optimise for size with the features Go's wasm uses.
var wasmOptArgs = []string{"-Oz", "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int"}

// ErrNoWasmOpt says that binaryen's wasm-opt is not installed. The build
// fails without it rather than ship another bundle than every other
// machine builds.
var ErrNoWasmOpt = errors.New("wasm-opt is not installed (Debian package binaryen; ./build.sh setup installs it)")

// Build compiles the program into out with the given linker flags
// (LDFlags for the shipped one; "" keeps the symbol names).
func (p Program) Build(out, ldflags string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-gcflags="+p.GCFlags, "-ldflags="+ldflags, "-o", out, p.Package)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s (GOOS=js GOARCH=wasm): %w: %s", p.Package, err, b)
	}
	return nil
}

// BuildShipped builds the program as the bundle ships it into dir, and
// returns its path: compiled with LDFlags, then optimised by wasm-opt.
func (p Program) BuildShipped(dir string) (string, error) {
	plain, opt := filepath.Join(dir, p.Name+".plain.wasm"), filepath.Join(dir, p.Name+".wasm")
	if err := p.Build(plain, LDFlags); err != nil {
		return "", err
	}
	if err := Optimise(plain, opt); err != nil {
		return "", err
	}
	return opt, os.Remove(plain)
}

// Optimise writes in, optimised for size by wasm-opt, into out. It returns
// ErrNoWasmOpt where wasm-opt is not installed.
func Optimise(in, out string) error {
	if _, err := exec.LookPath("wasm-opt"); err != nil {
		return ErrNoWasmOpt
	}
	args := append(append([]string(nil), wasmOptArgs...), in, "-o", out)
	if b, err := exec.Command("wasm-opt", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("wasm-opt %s: %w: %s", filepath.Base(in), err, b)
	}
	return nil
}

// Encoding is one precompressed sibling of every file of the bundle: the
// file name plus Suffix, made by Tool with Args (which write to stdout).
type Encoding struct {
	Suffix string
	Tool   string
	Args   []string
}

// Encodings are the precompressed siblings the server picks from (see
// internal/site): brotli at its best level and gzip at its best level, with no
// name or time in the header, so that a build is reproducible.
var Encodings = []Encoding{
	{Suffix: ".br", Tool: "brotli", Args: []string{"-q", "11", "-c"}},
	{Suffix: ".gz", Tool: "gzip", Args: []string{"-9", "-n", "-c"}},
}

// Compress writes the file at path, compressed, to w.
func (e Encoding) Compress(path string, w io.Writer) error {
	cmd := exec.Command(e.Tool, append(append([]string(nil), e.Args...), path)...)
	var stderr strings.Builder
	cmd.Stdout = w
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", e.Tool, filepath.Base(path), err, stderr.String())
	}
	return nil
}

// CompressDir writes every Encoding's sibling of each file of dir. A file
// that reuse (a folder, or "") holds with the same content and with its
// siblings gets copies of those, instead of being compressed again: the
// wasm, shared by bundles of different catalogues, takes brotli minutes.
func CompressDir(dir, reuse string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		path := filepath.Join(dir, entry.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, e := range Encodings {
			var out bytes.Buffer
			if reuse == "" || !reused(filepath.Join(reuse, entry.Name()), data, e.Suffix, &out) {
				out.Reset()
				if err := e.Compress(path, &out); err != nil {
					return err
				}
			}
			if err := os.WriteFile(path+e.Suffix, out.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// reused writes to out the sibling with suffix of the file at path, and
// reports whether there is one and the file holds data.
func reused(path string, data []byte, suffix string, out *bytes.Buffer) bool {
	same, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(same, data) {
		return false
	}
	sibling, err := os.ReadFile(path + suffix)
	if err != nil {
		return false
	}
	out.Write(sibling)
	return true
}
