package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/civic-consent/consent/internal/recipe"
)

func (r *results) bundleTables(b *strings.Builder) {
	fmt.Fprintf(b, "## Bundle (%s)\n\n| file", r.distDir)
	b.WriteString(" | raw (B) | gzip -9 (B) | brotli -q 11 (B) |\n|---|---|---|---|\n")
	var tr, tg, tb int64
	for _, f := range r.dist {
		fmt.Fprintf(b, "| %s | %d | %d | %d |\n", f.name, f.raw, f.gzip, f.brotli)
		tr, tg, tb = tr+f.raw, tg+f.gzip, tb+f.brotli
	}
	fmt.Fprintf(b, "| **total** | %d | %d | %d |\n\n", tr, tg, tb)

	for _, w := range r.wasm {
		programTables(b, w)
	}
}

// programTables writes what wasm-opt does to a program and what it is made
// of, by package.
func programTables(b *strings.Builder, w *wasmBuild) {
	fmt.Fprintf(b, "### The %s program (`%s`)\n\n", w.program.Name, w.program.Package)
	b.WriteString("| wasm | raw (B) | gzip -9 (B) | brotli -q 11 (B) |\n|---|---|---|---|\n")
	fmt.Fprintf(b, "| `go build -trimpath -ldflags=\"%s\"` | %d | %d | %d |\n", recipe.LDFlags, w.plain.raw, w.plain.gzip, w.plain.brotli)
	fmt.Fprintf(b, "| + `wasm-opt -Oz` | %d | %d | %d |\n", w.opt.raw, w.opt.gzip, w.opt.brotli)
	fmt.Fprintf(b, "| change | %s | %s | %s |\n\n", pct(w.opt.raw, w.plain.raw), pct(w.opt.gzip, w.plain.gzip), pct(w.opt.brotli, w.plain.brotli))

	fmt.Fprintf(b, "What it is made of (build with symbol names, before wasm-opt). Sections: %s.\n\n", sectionList(w.sections))
	b.WriteString("Top 15 packages by code size; \"with what only it imports\": its code plus that of the packages no other import path reaches, which would leave the build with it.\n\n")
	b.WriteString("| package | code (KiB) | share of code | with what only it imports (KiB) | pulled in by (shortest import chain) |\n|---|---|---|---|---|\n")
	for i, p := range w.packages {
		if i == 15 {
			break
		}
		fmt.Fprintf(b, "| %s | %.1f | %.1f %% | %s | %s |\n", p.pkg, kib(int64(p.bytes)),
			100*float64(p.bytes)/float64(w.codeTotal), exclusiveCell(w, p.pkg), chain(w.chains[p.pkg]))
	}
	b.WriteString("\nHeaviest imports: the code that goes only with each.\n\n| package | with what only it imports (KiB) | share of code | pulled in by |\n|---|---|---|---|\n")
	type heavy struct {
		pkg   string
		bytes int
	}
	var hs []heavy
	for p, n := range w.exclusive {
		hs = append(hs, heavy{p, n})
	}
	sort.Slice(hs, func(i, j int) bool {
		if hs[i].bytes != hs[j].bytes {
			return hs[i].bytes > hs[j].bytes
		}
		return hs[i].pkg < hs[j].pkg
	})
	for i, h := range hs {
		if i == 10 {
			break
		}
		fmt.Fprintf(b, "| %s | %.1f | %.1f %% | %s |\n", h.pkg, kib(int64(h.bytes)), 100*float64(h.bytes)/float64(w.codeTotal), chain(w.chains[h.pkg]))
	}
	b.WriteString("\nCode only: the data section (type data, strings, the pclntab that maps code to lines) cannot be split by package here.\n\n")
}

func exclusiveCell(w *wasmBuild, pkg string) string {
	n, ok := w.exclusive[pkg]
	if !ok {
		return ""
	}
	return fmt.Sprintf("%.1f", kib(int64(n)))
}

func sectionList(s map[string]int) string {
	names := []string{"code", "data", "custom name"}
	var parts []string
	other := 0
	for n, size := range s {
		found := false
		for _, k := range names {
			found = found || k == n
		}
		if !found {
			other += size
		}
	}
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %.0f KiB", strings.TrimPrefix(n, "custom "), kib(int64(s[n]))))
	}
	parts = append(parts, fmt.Sprintf("other %.0f KiB", kib(int64(other))))
	return strings.Join(parts, ", ")
}

// chain shortens an import chain for the table.
func chain(c []string) string {
	if len(c) == 0 {
		return ""
	}
	short := make([]string, len(c))
	for i, p := range c {
		p = strings.Replace(p, "github.com/civic-consent/consent", "consent", 1)
		p = strings.Replace(p, "github.com/maxence-charriere/go-app/v10", "go-app", 1)
		short[i] = p
	}
	return strings.Join(short, " → ")
}
