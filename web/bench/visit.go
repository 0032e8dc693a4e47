package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"
)

// widget is one of the two compared widgets, and how the benchmark knows
// where it stands: the marks of probe.js that say it is done, and the
// scripts that store a choice.
type widget struct {
	name string
	path string // host page
	// coldDone and returnDone are the marks that end a first and a
	// return visit.
	coldDone, returnDone []string
	// accept clicks "Tout accepter"; stored is true once the choice is
	// stored and applied.
	accept, stored string
}

var widgets = []widget{
	{
		name:       "civic-consent",
		path:       pathOurs,
		coldDone:   []string{"banner", "live"},
		returnDone: []string{"live", "mode:button", "loader"},
		accept:     `document.querySelector('civic-consent iframe').contentDocument.querySelector('.cc-actions [data-action=accept]').click()`,
		stored: `/(?:^|;\s*)cookies_preferences=/.test(document.cookie) &&
			document.querySelector('civic-consent iframe').getAttribute('data-mode') === 'button'`,
	},
	{
		name:       "vanilla-cookieconsent 3.1.0",
		path:       pathVanilla,
		coldDone:   []string{"bannerWhole"},
		returnDone: []string{"loader"},
		accept:     `document.querySelector('#cc-main .cm [data-role=all]').click()`,
		stored:     `/(?:^|;\s*)cc_cookie=/.test(document.cookie) && !!document.querySelector('script[src*="recaptcha/api.js"]')`,
	},
}

// visit is what one page load measured. Times are milliseconds since the
// host page's navigation started, in the page's own clock; NaN when the
// state was never reached.
type visit struct {
	marks map[string]float64
	// Widget requests: every request but the host page itself. wire
	// counts bytes received with headers (encodedDataLength).
	wireBefore, wireTotal int64
	reqsBefore, reqsTotal int
	bodies                int64          // response bodies downloaded
	served                map[string]int // "200", "304", "cache" → requests
	blocked               []string       // requests for other hosts, which failed on the machine
	cls, frameCLS         float64
	shiftSources          []string
	tbt                   float64 // Σ (long task − 50 ms)
	longest               float64 // the longest task (ms)
	longTasks             int
	wasmRequests          int // requests for the widget's .wasm
	frameOnlyTasks        int // long tasks only the widget frame's observer saw
	taskMS                float64
	jsHeap, wasmMemory    float64
	timedOut              bool
	probeInFrame          bool
	// details lists the requests, shifts and long tasks, for -v.
	details []string
}

func (v visit) mark(name string) float64 {
	if t, ok := v.marks[name]; ok {
		return t
	}
	return math.NaN()
}

// firstAndReturn measures a first visit of a widget's page in a new browser
// context, and, when again is set, stores "accept all" and measures a
// return visit in a new tab of the same context (same cookies and cache).
func (c *chromium) firstAndReturn(base string, w widget, p profile, again bool) (first, ret visit, err error) {
	tab, cancel := chromedp.NewContext(c.ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	// A hung browser stops here; nothing is measured with this deadline.
	limit, stop := context.WithTimeout(context.Background(), 3*p.limit)
	defer stop()
	defer context.AfterFunc(limit, cancel)()

	url := base + strings.TrimPrefix(w.path, "/")
	if first, err = load(tab, url, p, w.coldDone); err != nil || !again {
		return first, ret, err
	}
	if err := store(tab, w, p); err != nil {
		return first, ret, err
	}
	// The visitor leaves; the return visit is a new tab, later.
	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		return first, ret, fmt.Errorf("leave %s: %w", url, err)
	}
	tab2, cancel2 := chromedp.NewContext(tab)
	defer cancel2()
	ret, err = load(tab2, url, p, w.returnDone)
	return first, ret, err
}

// store clicks "Tout accepter" and waits until the choice is stored.
func store(tab context.Context, w widget, p profile) error {
	ctx, cancel := context.WithTimeout(tab, p.limit)
	defer cancel()
	js := fmt.Sprintf(`new Promise(function (resolve) {
		(function click() {
			try { %s; } catch (e) { return setTimeout(click, 50); }
			(function wait() { if (%s) resolve(true); else setTimeout(wait, 50); })();
		})();
	})`, w.accept, w.stored)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil {
		return fmt.Errorf("%s: store a choice: %w", w.name, err)
	}
	return nil
}

// pageData is what probe.js gathered, read from the host page.
type pageData struct {
	Marks          map[string]float64 `json:"marks"`
	Shifts         []shift            `json:"shifts"`
	LongTasks      []longTask         `json:"longtasks"`
	FrameShifts    []shift            `json:"frameShifts"`
	FrameLongTasks []longTask         `json:"frameLongtasks"`
	FrameOffset    float64            `json:"frameOffset"`
	FrameProbe     bool               `json:"frameProbe"`
	RequestStart   float64            `json:"requestStart"`
	Wasm           float64            `json:"wasm"`
	Error          string             `json:"error"`
}

type shift struct {
	T       float64 `json:"t"`
	Value   float64 `json:"value"`
	Input   bool    `json:"input"`
	Sources string  `json:"sources"`
}

type longTask struct {
	T         float64 `json:"t"`
	D         float64 `json:"d"`
	Name      string  `json:"name"`
	Container string  `json:"container"`
}

const collectJS = `(function () {
	var b = window.__bench;
	var nav = performance.getEntriesByType('navigation')[0];
	var f = document.querySelector('civic-consent iframe');
	var fw = f && f.contentWindow;
	var fb = fw && fw.__bench;
	return JSON.stringify({
		marks: b.marks, shifts: b.shifts, longtasks: b.longtasks, error: b.error || '',
		requestStart: nav ? nav.requestStart : -1,
		frameProbe: !!fb,
		frameShifts: fb ? fb.shifts : [], frameLongtasks: fb ? fb.longtasks : [],
		frameOffset: fb ? fw.performance.timeOrigin - performance.timeOrigin : 0,
		wasm: b.wasmMemory() + (fb ? fb.wasmMemory() : 0)
	});
})()`

// load loads url in a fresh tab and measures it until the done marks
// are set, and for the profile's tail after.
func load(tab context.Context, url string, p profile, done []string) (visit, error) {
	v := visit{}
	if err := chromedp.Do(tab, setupTab(p)); err != nil {
		return v, fmt.Errorf("set up a tab: %w", err)
	}
	log := newNetLog(url)
	if err := chromedp.Listen(tab, log.record); err != nil {
		return v, err
	}
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		return v, fmt.Errorf("load %s: %w", url, err)
	}
	names, _ := json.Marshal(done)
	wait, cancel := context.WithTimeout(tab, p.limit)
	_, err := chromedp.Run(wait, chromedp.Evaluate[bool]("window.__bench.when("+string(names)+")", chromedp.EvalAwaitPromise))
	cancel()
	switch {
	case err != nil && wait.Err() != nil && tab.Err() == nil:
		v.timedOut = true
	case err != nil:
		return v, fmt.Errorf("wait for %v on %s: %w", done, url, err)
	}
	if err := chromedp.Do(tab, chromedp.Sleep(p.tail)); err != nil {
		return v, err
	}

	raw, err := chromedp.Run(tab, chromedp.Evaluate[string](collectJS))
	if err != nil {
		return v, fmt.Errorf("read the probe on %s: %w", url, err)
	}
	var d pageData
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return v, fmt.Errorf("read the probe on %s: %w", url, err)
	}
	if d.Error != "" {
		return v, fmt.Errorf("probe on %s: %s", url, d.Error)
	}
	metrics, err := chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) (map[string]float64, error) {
		// Retained memory: what stays once the load's garbage is gone.
		if _, err := cdp.Call(ctx, t, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
			return nil, err
		}
		res, err := cdp.Call(ctx, t, performance.GetMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		m := map[string]float64{}
		for _, x := range res.Metrics {
			m[x.Name] = x.Value
		}
		return m, nil
	})
	if err != nil {
		return v, fmt.Errorf("metrics of %s: %w", url, err)
	}

	v.marks = d.Marks
	v.probeInFrame = d.FrameProbe
	v.jsHeap = metrics["JSHeapUsedSize"]
	v.taskMS = metrics["TaskDuration"] * 1000
	v.wasmMemory = d.Wasm
	v.shifts(d)
	v.blocking(d)
	err = v.network(log.snapshot(), d.RequestStart)
	for _, s := range d.Shifts {
		v.details = append(v.details, fmt.Sprintf("shift (host) %.0f ms %.4f %s", s.T, s.Value, s.Sources))
	}
	for _, s := range d.FrameShifts {
		v.details = append(v.details, fmt.Sprintf("shift (frame) %.0f ms %.4f %s", s.T+d.FrameOffset, s.Value, s.Sources))
	}
	for _, t := range d.LongTasks {
		v.details = append(v.details, fmt.Sprintf("long task (host) %.0f ms +%.0f ms %s %s", t.T, t.D, t.Name, t.Container))
	}
	for _, t := range d.FrameLongTasks {
		v.details = append(v.details, fmt.Sprintf("long task (frame) %.0f ms +%.0f ms %s %s", t.T+d.FrameOffset, t.D, t.Name, t.Container))
	}
	v.details = append(v.details, fmt.Sprintf("marks %v; probe in frame: %v; long tasks only the frame saw: %d; JS heap %.0f B; TaskDuration %.0f ms; ScriptDuration %.0f ms",
		d.Marks, d.FrameProbe, v.frameOnlyTasks, v.jsHeap, v.taskMS, metrics["ScriptDuration"]*1000))
	return v, err
}

// shifts sums the layout shifts of the host page (what the widget moves
// there) and, apart, those inside the widget's frame.
func (v *visit) shifts(d pageData) {
	for _, s := range d.Shifts {
		if !s.Input {
			v.cls += s.Value
			v.shiftSources = append(v.shiftSources, s.Sources)
		}
	}
	for _, s := range d.FrameShifts {
		if !s.Input {
			v.frameCLS += s.Value
		}
	}
}

// blocking sums the long tasks the host page and the widget's frame saw.
// The frame shares the host's main thread, so both may report one task,
// the frame from its own creation on when the task created it: tasks that
// overlap are one, counted with its longest report.
func (v *visit) blocking(d pageData) {
	tasks := append([]longTask(nil), d.LongTasks...)
	for _, f := range d.FrameLongTasks {
		f.T += d.FrameOffset
		same := -1
		for i, h := range tasks {
			if f.T < h.T+h.D-1 && h.T < f.T+f.D-1 {
				same = i
				break
			}
		}
		switch {
		case same < 0:
			v.frameOnlyTasks++
			tasks = append(tasks, f)
		case f.D > tasks[same].D:
			tasks[same] = f
		}
	}
	for _, t := range tasks {
		v.tbt += math.Max(0, t.D-50)
		v.longest = math.Max(v.longest, t.D)
	}
	v.longTasks = len(tasks)
}

// network adds up the widget's requests. The host document's send time,
// known both to the Network domain (monotonic clock) and to the page
// (requestStart), ties the two clocks, so each request's end can be
// compared with the banner's mark.
func (v *visit) network(reqs []request, requestStart float64) error {
	navStart := math.NaN()
	for _, r := range reqs {
		if r.document && r.sendStart > 0 && requestStart >= 0 {
			navStart = r.sendStart - requestStart/1000
		}
	}
	if math.IsNaN(navStart) {
		return errors.New("no timing for the host page's request")
	}
	banner := v.mark("banner")
	v.served = map[string]int{}
	for _, r := range reqs {
		switch {
		case !loopback(r.url):
			v.blocked = append(v.blocked, r.url)
			continue
		case r.document || strings.HasPrefix(r.url, "data:") || strings.HasSuffix(r.url, "/favicon.ico"):
			// The host page and the browser's own favicon request are
			// the same with either widget.
			continue
		}
		v.reqsTotal++
		v.wireTotal += r.wire
		if strings.HasSuffix(fileName(r.url), ".wasm") {
			v.wasmRequests++
		}
		v.bodies += r.body
		switch {
		case r.failed != "":
			v.served["failed"]++
		case r.fromCache:
			v.served["cache"]++
		default:
			v.served[fmt.Sprint(r.status)]++
		}
		end := (r.finished - navStart) * 1000
		if r.finished > 0 && r.failed == "" && end <= banner {
			v.reqsBefore++
			v.wireBefore += r.wire
		}
		v.details = append(v.details, fmt.Sprintf("request %s: status %d, cache %v, wire %d B, body %d B, end %.0f ms %s",
			fileName(r.url), r.status, r.fromCache, r.wire, r.body, end, r.failed))
	}
	sort.Strings(v.blocked)
	return nil
}

// servedSummary is, e.g., "1×304, 4×cache".
func (v visit) servedSummary() string {
	keys := make([]string, 0, len(v.served))
	for k := range v.served {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d×%s", v.served[k], k))
	}
	return strings.Join(parts, ", ")
}

// fileName is the last element of a URL's path, for messages.
func fileName(u string) string { return path.Base(strings.SplitN(u, "?", 2)[0]) }
