package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// traceCategories are those of DevTools' Performance panel, with V8's
// compilation and wasm events.
var traceCategories = []string{
	"toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline",
	"blink", "loading", "v8", "v8.wasm", "disabled-by-default-v8.compile",
}

// traceEvent is the part of a Chrome trace event the analysis reads.
type traceEvent struct {
	Name string          `json:"name"`
	Ph   string          `json:"ph"`
	Ts   float64         `json:"ts"`  // µs
	Dur  float64         `json:"dur"` // µs
	Pid  int             `json:"pid"`
	Tid  int             `json:"tid"`
	Args json.RawMessage `json:"args"`
}

// blockingTrace is what a traced load says about the main thread.
type blockingTrace struct {
	tbt       float64 // Σ (task − 50 ms) over the renderer main thread's tasks
	apiTBT    float64 // the Long Tasks API's figure for the same load
	longTasks []float64
	// self is the time spent in each kind of work inside the long
	// tasks, by trace event name, largest first.
	self []namedTime
	// mainCompiles and workerCompiles count V8's lazy compiles of wasm
	// functions (wasm.CompileLazy) on the page's main thread and on
	// dedicated workers (the warm-up worker): a count, not a time.
	mainCompiles, workerCompiles int
}

type namedTime struct {
	name string
	ms   float64
}

// traced loads a widget's page once more with a trace of the browser, to
// check the Long Tasks API's blocking time against the main thread's own
// tasks and to say what fills those tasks. Tracing slows the page: its
// times are not the table's.
func (c *chromium) traced(base string, w widget, p profile) (*blockingTrace, error) {
	tab, cancel := chromedp.NewContext(c.ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	return traceLoad(tab, base+strings.TrimPrefix(w.path, "/"), w.coldDone, p)
}

// traceLoad loads url in a new tab of tab's browser context with a trace
// of the browser, until the marks done and the profile's tail.
func traceLoad(tab context.Context, url string, done []string, p profile) (*blockingTrace, error) {
	if err := chromedp.Do(tab, setupTab(p)); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var events []traceEvent
	var bad error
	complete := make(chan struct{})
	err := chromedp.Listen(tab, func(ev any) {
		switch ev := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			defer mu.Unlock()
			for _, raw := range ev.Value {
				var e traceEvent
				if err := json.Unmarshal(raw, &e); err != nil && bad == nil {
					bad = err
				}
				events = append(events, e)
			}
		case *tracing.EventTracingComplete:
			close(complete)
		}
	})
	if err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(tab, tracing.Start, tracing.StartParams{
		TraceConfig: &tracing.TraceConfig{IncludedCategories: traceCategories},
	}); err != nil {
		return nil, fmt.Errorf("start tracing: %w", err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		return nil, fmt.Errorf("load %s: %w", url, err)
	}
	names, _ := json.Marshal(done)
	wait, stop := context.WithTimeout(tab, p.limit)
	_, err = chromedp.Run(wait, chromedp.Evaluate[bool]("window.__bench.when("+string(names)+")", chromedp.EvalAwaitPromise))
	stop()
	if err != nil {
		return nil, fmt.Errorf("wait for %v on %s: %w", done, url, err)
	}
	if err := chromedp.Do(tab, chromedp.Sleep(p.tail)); err != nil {
		return nil, err
	}
	raw, err := chromedp.Run(tab, chromedp.Evaluate[string](collectJS))
	if err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(tab, tracing.End, cdp.Empty{}); err != nil {
		return nil, fmt.Errorf("end tracing: %w", err)
	}
	limit, cancelLimit := context.WithTimeout(tab, p.limit)
	defer cancelLimit()
	select {
	case <-complete:
	case <-limit.Done():
		return nil, fmt.Errorf("the trace of %s never completed", url)
	}
	var d pageData
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	if bad != nil {
		return nil, fmt.Errorf("trace of %s: %w", url, bad)
	}
	bt := analyse(events)
	var v visit
	v.blocking(d)
	bt.apiTBT = v.tbt
	return bt, nil
}

// analyse finds the renderer main thread that worked most (the page's),
// its tasks over 50 ms, and the self time of each event inside them.
func analyse(events []traceEvent) *blockingTrace {
	type thread struct{ pid, tid int }
	names := map[thread]string{}
	for _, e := range events {
		if e.Ph == "M" && e.Name == "thread_name" {
			var a struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(e.Args, &a) == nil {
				names[thread{e.Pid, e.Tid}] = a.Name
			}
		}
	}
	busy := map[thread]float64{}
	for _, e := range events {
		t := thread{e.Pid, e.Tid}
		if e.Ph == "X" && e.Name == "RunTask" && names[t] == "CrRendererMain" {
			busy[t] += e.Dur
		}
	}
	var main thread
	for t, b := range busy {
		if b > busy[main] {
			main = t
		}
	}
	var th []traceEvent
	for _, e := range events {
		if e.Ph == "X" && (thread{e.Pid, e.Tid}) == main {
			th = append(th, e)
		}
	}
	// Parents before children: earlier first, longer first at a tie.
	sort.Slice(th, func(i, j int) bool {
		if th[i].Ts != th[j].Ts {
			return th[i].Ts < th[j].Ts
		}
		return th[i].Dur > th[j].Dur
	})
	bt := &blockingTrace{}
	self := map[string]float64{}
	var stack []int
	selfTime := make([]float64, len(th))
	inLong := make([]bool, len(th))
	for i, e := range th {
		selfTime[i] = e.Dur
		for len(stack) > 0 {
			top := th[stack[len(stack)-1]]
			if e.Ts < top.Ts+top.Dur {
				break
			}
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			parent := stack[len(stack)-1]
			selfTime[parent] -= e.Dur
			inLong[i] = inLong[parent]
		}
		// The outermost RunTask over 50 ms is a long task.
		if !inLong[i] && e.Name == "RunTask" && e.Dur > 50e3 {
			inLong[i] = true
			bt.longTasks = append(bt.longTasks, e.Dur/1e3)
			bt.tbt += e.Dur/1e3 - 50
		}
		stack = append(stack, i)
	}
	for i, e := range th {
		if inLong[i] {
			self[e.Name] += selfTime[i] / 1e3
		}
	}
	for n, ms := range self {
		bt.self = append(bt.self, namedTime{n, ms})
	}
	sort.Slice(bt.self, func(i, j int) bool { return bt.self[i].ms > bt.self[j].ms })
	for _, e := range events {
		if e.Ph != "X" || e.Name != "wasm.CompileLazy" {
			continue
		}
		switch t := (thread{e.Pid, e.Tid}); {
		case t == main:
			bt.mainCompiles++
		case names[t] == "DedicatedWorker thread":
			bt.workerCompiles++
		}
	}
	return bt
}
