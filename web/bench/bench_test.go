package main

import (
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummarizeIgnoresWhatWasNotReached(t *testing.T) {
	s := summarize([]float64{3, math.NaN(), 1, 2})
	assert.Equal(t, 2.0, s.med)
	assert.Equal(t, 1.0, s.min)
	assert.Equal(t, 3.0, s.max)
	assert.Equal(t, 3, s.n)
	assert.Equal(t, 4, s.of)

	assert.Equal(t, 2.5, summarize([]float64{4, 1, 3, 2}).med)
	none := summarize([]float64{math.NaN()})
	assert.Zero(t, none.n)
	assert.True(t, math.IsNaN(none.med))
}

// wasmModule assembles a module with one imported function and two
// defined ones, named in a name section as the Go linker names them.
func wasmModule() []byte {
	uleb := func(n int) []byte {
		var b []byte
		for {
			c := byte(n & 0x7f)
			n >>= 7
			if n != 0 {
				b = append(b, c|0x80)
				continue
			}
			return append(b, c)
		}
	}
	name := func(s string) []byte { return append(uleb(len(s)), s...) }
	section := func(id byte, body ...[]byte) []byte {
		var content []byte
		for _, b := range body {
			content = append(content, b...)
		}
		return append(append([]byte{id}, uleb(len(content))...), content...)
	}
	var m []byte
	m = append(m, "\x00asm\x01\x00\x00\x00"...)
	m = append(m, section(1, []byte{1, 0x60, 0, 0})...)                                    // type: () → ()
	m = append(m, section(2, []byte{1}, name("go"), name("debug"), []byte{0, 0})...)       // one imported function
	m = append(m, section(3, []byte{2, 0, 0})...)                                          // two functions
	m = append(m, section(10, []byte{2}, []byte{2, 0, 0x0b}, []byte{4, 0, 1, 1, 0x0b})...) // their bodies: 2 and 4 bytes
	names := append([]byte{2}, append(append(uleb(1), name("main.main")...), append(uleb(2), name("github.com_x_go_y.__T_.M")...)...)...)
	m = append(m, section(0, name("name"), []byte{1}, uleb(len(names)), names)...)
	return m
}

func TestParseWasmAttributesCodeToNamedFunctions(t *testing.T) {
	l, err := parseWasm(wasmModule())
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"main.main": 2, "github.com_x_go_y.__T_.M": 4}, l.funcs)
	assert.Equal(t, 11, l.sections["code"], "the section's id and size bytes count")
	assert.Contains(t, l.sections, "custom name")

	_, err = parseWasm([]byte("not wasm"))
	assert.Error(t, err)
	_, err = parseWasm(wasmModule()[:30])
	assert.Error(t, err, "a truncated module is refused, not misread")
}

func TestSymbolPackagesUndoTheLinkersMangling(t *testing.T) {
	sp := newSymbolPackages([]string{"fmt", "github.com/x/go-y", "github.com/x/go-y/z", "github.com/c/wasm"}, "github.com/c/wasm")
	tests := map[string]string{
		"main.main":                     "github.com/c/wasm",
		"github.com_x_go_y.__T_.M":      "github.com/x/go-y",
		"github.com_x_go_y_z.F":         "github.com/x/go-y/z",
		"fmt.Fprintf":                   "fmt",
		"fmt.Sort_go.shape.string_":     "fmt",
		"type_.eq.github.com_x_go_y.T":  "(type equality and hash functions)",
		"wasm_pc_f_loop":                "(runtime assembly and wasm glue)",
		"fmtx.F":                        "(runtime assembly and wasm glue)",
		"func[12]":                      "(unnamed)",
		"github.com_x_go_y_z_extra.Fun": "(runtime assembly and wasm glue)",
	}
	for sym, want := range tests {
		assert.Equal(t, want, sp.of(sym), sym)
	}
}

func TestDepGraphOnly(t *testing.T) {
	g := &depGraph{root: "r", imports: map[string][]string{
		"r": {"a", "b"}, "a": {"c", "d"}, "b": {"c"}, "c": nil, "d": {"e"}, "e": nil,
	}}
	only := g.only("a")
	sort.Strings(only)
	assert.Equal(t, []string{"a", "d", "e"}, only, "c is also reached through b")
	assert.Equal(t, []string{"c"}, g.only("c"))
	assert.Equal(t, []string{"r", "a", "d", "e"}, g.chains()["e"])
}

func TestBlockingCountsATaskBothFramesSawOnce(t *testing.T) {
	var v visit
	v.blocking(pageData{
		LongTasks: []longTask{{T: 100, D: 300}, {T: 1000, D: 60}},
		// The frame exists from 150 on: it sees the first task from there,
		// and one task the host did not report.
		FrameOffset:    150,
		FrameLongTasks: []longTask{{T: 0, D: 250}, {T: 1000, D: 80}},
	})
	assert.Equal(t, 3, v.longTasks)
	assert.Equal(t, 1, v.frameOnlyTasks)
	assert.InDelta(t, 250+10+30, v.tbt, 1e-9)
}

func TestAnalyseFindsTheLongTasksOfTheBusiestRendererThread(t *testing.T) {
	events := []traceEvent{
		{Name: "thread_name", Ph: "M", Pid: 1, Tid: 1, Args: []byte(`{"name":"CrRendererMain"}`)},
		{Name: "thread_name", Ph: "M", Pid: 2, Tid: 1, Args: []byte(`{"name":"CrRendererMain"}`)},
		{Name: "RunTask", Ph: "X", Pid: 1, Tid: 1, Ts: 0, Dur: 120e3},
		{Name: "wasm.CompileLazy", Ph: "X", Pid: 1, Tid: 1, Ts: 10e3, Dur: 70e3},
		{Name: "RunTask", Ph: "X", Pid: 1, Tid: 1, Ts: 200e3, Dur: 30e3},
		{Name: "RunTask", Ph: "X", Pid: 2, Tid: 1, Ts: 0, Dur: 60e3},
	}
	bt := analyse(events)
	assert.Equal(t, []float64{120}, bt.longTasks)
	assert.InDelta(t, 70, bt.tbt, 1e-9)
	require.Len(t, bt.self, 2)
	assert.Equal(t, namedTime{"wasm.CompileLazy", 70}, bt.self[0])
	assert.Equal(t, namedTime{"RunTask", 50}, bt.self[1])
}
