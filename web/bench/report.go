package main

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/civic-consent/consent/internal/recipe"
)

// results holds every visit and the bundle's sizes, for the report.
type results struct {
	started, finished time.Time
	loadStart         string // /proc/loadavg's 1-minute figure, before and after
	loadEnd           string
	distDir           string
	version           string // the widget's source, from git
	n                 int
	chromium          string
	profiles          []profile
	first, ret        map[string][]visit // by key(profile, widget)
	cost              map[string][]costRun
	traces            map[string]*blockingTrace
	dist              []fileSize
	wasm              []*wasmBuild
}

func key(p profile, w widget) string { return p.name + "/" + w.name }

// markdown is the whole report, ready to paste into the README.
func (r *results) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark: civic-consent vs vanilla-cookieconsent 3.1.0\n\n")
	fmt.Fprintf(&b, "civic-consent at %s, bundle %s · ", r.version, r.distDir)
	fmt.Fprintf(&b, "%s · %s (nproc %d) · %s · %s · %d cold loads per cell, median (min–max) · run took %s, load average %s before the loads, %s after\n\n",
		r.started.UTC().Format("2006-01-02 15:04 MST"), cpuModel(), runtime.NumCPU(),
		browserName(r.chromium), runtime.Version(), r.n, r.finished.Sub(r.started).Round(time.Second), r.loadStart, r.loadEnd)
	if len(r.profiles) > 0 {
		r.firstTable(&b)
		if len(r.ret) > 0 {
			r.returnTable(&b)
		}
		if len(r.traces) > 0 {
			r.traceTable(&b)
		}
		if len(r.cost) > 0 {
			r.costTable(&b)
		}
		r.targets(&b)
		r.notes(&b)
	}
	if len(r.wasm) > 0 {
		r.bundleTables(&b)
	}
	b.WriteString(method)
	return b.String()
}

func (r *results) firstTable(b *strings.Builder) {
	b.WriteString("## First visit (cold cache, new browser context)\n\n")
	b.WriteString("| profile | widget | time to banner (ms) | banner in place (ms) | wasm live (ms) | bytes before banner (KiB) | total bytes (KiB) | requests before / total | blocking time (ms) | long tasks | main thread busy (ms) | CLS host (frame) | JS heap (MiB) | wasm memory (MiB) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range r.profiles {
		var meds [2][]float64
		for i, w := range widgets {
			vs := r.first[key(p, w)]
			cols := []summary{
				column(vs, func(v visit) float64 { return v.mark("banner") }),
				column(vs, func(v visit) float64 { return v.mark("bannerWhole") }),
				column(vs, func(v visit) float64 { return kib(v.wireBefore) }),
				column(vs, func(v visit) float64 { return kib(v.wireTotal) }),
				column(vs, func(v visit) float64 { return v.tbt }),
				column(vs, func(v visit) float64 { return v.taskMS }),
				column(vs, func(v visit) float64 { return v.jsHeap / (1 << 20) }),
			}
			for _, c := range cols {
				meds[i] = append(meds[i], c.med)
			}
			reqs := fmt.Sprintf("%s / %s",
				num(column(vs, func(v visit) float64 { return float64(v.reqsBefore) }).med, 0),
				num(column(vs, func(v visit) float64 { return float64(v.reqsTotal) }).med, 0))
			lt := column(vs, func(v visit) float64 { return float64(v.longTasks) })
			cls := column(vs, func(v visit) float64 { return v.cls })
			fcls := column(vs, func(v visit) float64 { return v.frameCLS })
			wasm := column(vs, func(v visit) float64 { return v.wasmMemory / (1 << 20) })
			live := "–"
			if w.path == pathOurs {
				live = cell(column(vs, func(v visit) float64 { return v.mark("live") }), 0)
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s |\n",
				p.name, w.name, cell(cols[0], 0), cell(cols[1], 0), live, cell(cols[2], 1), cell(cols[3], 1), reqs,
				cell(cols[4], 0), num(lt.med, 0), cell(cols[5], 0), num(cls.max, 3), num(fcls.max, 3),
				cell(cols[6], 1), wasmCell(wasm))
		}
		ratio := func(j int) string { return times(meds[0][j] / meds[1][j]) }
		fmt.Fprintf(b, "| %s | **ratio** | **%s** | %s | | %s | %s | | %s | | %s | | %s | |\n",
			p.name, ratio(0), ratio(1), ratio(2), ratio(3), ratio(4), ratio(5), ratio(6))
	}
	b.WriteString("\nRatio: civic-consent's median ÷ vanilla-cookieconsent's. Wasm live: civicFrame.live, the wasm running and the stored choice applied. CLS: the largest of the loads (host page; the widget's own frame in brackets). Bytes are those of the page's network log, which does not see the warm-up worker's requests: in Chromium the wasm (see the bundle table) is downloaded there, after the banner, and is not in the total.\n\n")
}

func (r *results) returnTable(b *strings.Builder) {
	b.WriteString("## Return visit (choice stored: \"Tout accepter\"; same browser context, new tab)\n\n")
	b.WriteString("| profile | widget | banner shown | bodies downloaded again (B) | widget bytes on the wire (B) | widget requests | reCAPTCHA loader inserted (ms) | frame in button mode (ms) | wasm live (ms) | JS heap (MiB) | wasm memory (MiB) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range r.profiles {
		for _, w := range widgets {
			vs := r.ret[key(p, w)]
			shown := 0
			for _, v := range vs {
				if !math.IsNaN(v.mark("banner")) {
					shown++
				}
			}
			served := map[string]bool{}
			var list []string
			for _, v := range vs {
				if s := v.servedSummary(); !served[s] {
					served[s] = true
					list = append(list, s)
				}
			}
			ours := w.path == pathOurs
			na := func(s summary) string {
				if !ours {
					return "–"
				}
				return cell(s, 0)
			}
			fmt.Fprintf(b, "| %s | %s | %d of %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				p.name, w.name, shown, len(vs),
				cell(column(vs, func(v visit) float64 { return float64(v.bodies) }), 0),
				cell(column(vs, func(v visit) float64 { return float64(v.wireTotal) }), 0),
				strings.Join(list, "; "),
				cell(column(vs, func(v visit) float64 { return v.mark("loader") }), 0),
				na(column(vs, func(v visit) float64 { return v.mark("mode:button") })),
				na(column(vs, func(v visit) float64 { return v.mark("live") })),
				cell(column(vs, func(v visit) float64 { return v.jsHeap / (1 << 20) }), 1),
				wasmCell(column(vs, func(v visit) float64 { return v.wasmMemory / (1 << 20) })))
		}
	}
	b.WriteString("\nBytes on the wire include response headers (a 304 is headers only); bodies count only responses downloaded with status 200.\n\n")
}

func (r *results) traceTable(b *strings.Builder) {
	b.WriteString("## What blocks the main thread (one traced first visit per cell)\n\n")
	b.WriteString("Tracing slows the page, so these loads are not in the tables above. Blocking time from the renderer main thread's own tasks, next to the Long Tasks API's figure for the same load; then where the long tasks' time goes (self time by trace event).\n\n")
	b.WriteString("| profile | widget | blocking, trace (ms) | blocking, Long Tasks API (ms) | long tasks (ms) | wasm lazy compiles: main thread / worker | largest shares of the long tasks (ms) |\n|---|---|---|---|---|---|---|\n")
	for _, p := range r.profiles {
		for _, w := range widgets {
			t := r.traces[key(p, w)]
			if t == nil {
				continue
			}
			tasks := make([]string, len(t.longTasks))
			for i, d := range t.longTasks {
				tasks[i] = fmt.Sprintf("%.0f", d)
			}
			var top []string
			for i, s := range t.self {
				if i == 6 || s.ms < 5 {
					break
				}
				top = append(top, fmt.Sprintf("%s %.0f", s.name, s.ms))
			}
			fmt.Fprintf(b, "| %s | %s | %.0f | %.0f | %s | %d / %d | %s |\n", p.name, w.name, t.tbt, t.apiTBT,
				strings.Join(tasks, ", "), t.mainCompiles, t.workerCompiles, strings.Join(top, "; "))
		}
	}
	b.WriteString("\n")
}

// notes says what else the visits saw: requests that tried to leave the
// machine, states never reached, the sources of layout shifts.
func (r *results) notes(b *strings.Builder) {
	blocked := map[string]int{}
	sources := map[string]int{}
	var timeouts, noProbe int
	for i, set := range []map[string][]visit{r.first, r.ret} {
		kind := [...]string{"first visit", "return visit"}[i]
		for k, vs := range set {
			for _, v := range vs {
				for _, u := range v.blocked {
					blocked[u]++
				}
				for _, src := range v.shiftSources {
					sources[k+", "+kind+": "+src]++
				}
				if v.timedOut {
					timeouts++
				}
				if strings.Contains(k, widgets[0].name) && !v.probeInFrame {
					noProbe++
				}
			}
		}
	}
	b.WriteString("## Notes\n\n")
	if len(blocked) == 0 {
		b.WriteString("- No request for another host.\n")
	}
	for _, u := range sortedKeys(blocked) {
		fmt.Fprintf(b, "- %d× a request for %s, which failed on the machine (no name resolves but 127.0.0.1).\n", blocked[u], u)
	}
	for _, k := range sortedKeys(sources) {
		fmt.Fprintf(b, "- Layout shift in the host page, %d×, %s (the shifted nodes).\n", sources[k], k)
	}
	if timeouts > 0 {
		fmt.Fprintf(b, "- %d visits never reached their end state within the profile's limit; their missing times show as \"k of n\".\n", timeouts)
	}
	if noProbe > 0 {
		fmt.Fprintf(b, "- %d civic-consent visits had no probe in the widget's frame: their frame CLS, long tasks and wasm memory are missing.\n", noProbe)
	}
	b.WriteString("\n")
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// targets checks civic-consent's numbers against its performance targets.
func (r *results) targets(b *strings.Builder) {
	ours := widgets[0]
	b.WriteString("## Targets (civic-consent)\n\n| target | measured | met |\n|---|---|---|\n")
	row := func(target, measured string, met bool) {
		m := "no"
		if met {
			m = "yes"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", target, measured, m)
	}
	for _, w := range r.wasm {
		if w.program == recipe.PageProgram {
			row("the page program, which a return visit to the contact page runs: ≤ 800 KB brotli", fmt.Sprintf("%d B", w.opt.brotli), w.opt.brotli <= 800*1000)
		}
	}
	for _, p := range r.profiles {
		vs := r.first[key(p, ours)]
		before := column(vs, func(v visit) float64 { return kib(v.wireBefore) })
		row(fmt.Sprintf("≤ 30 KiB before the banner (%s)", p.name), num(before.max, 1)+" KiB (worst load)", before.max <= 30)
		cls := column(vs, func(v visit) float64 { return v.cls })
		row(fmt.Sprintf("CLS 0 on the host page (%s)", p.name), num(cls.max, 4)+" (worst load)", cls.max == 0)
		fcls := column(vs, func(v visit) float64 { return v.frameCLS })
		row(fmt.Sprintf("CLS 0 inside the widget's frame (%s; field CLS counts iframes, the host's observer cannot)", p.name), num(fcls.max, 4)+" (worst load)", fcls.max == 0)
		tbt := column(vs, func(v visit) float64 { return v.tbt })
		if p.name == "mobile" {
			row("blocking time < 100 ms (mobile)", num(tbt.med, 0)+" ms (median)", tbt.med < 100)
		}
		wasm := column(vs, func(v visit) float64 { return v.wasmMemory / (1 << 20) })
		row(fmt.Sprintf("wasm memory < 32 MiB (%s)", p.name), num(wasm.max, 1)+" MiB (largest)", wasm.max < 32)
		if rv := r.ret[key(p, ours)]; len(rv) > 0 {
			bodies := column(rv, func(v visit) float64 { return float64(v.bodies) })
			shown := column(rv, func(v visit) float64 {
				if math.IsNaN(v.mark("banner")) {
					return 0
				}
				return 1
			})
			applied := column(rv, func(v visit) float64 { return v.mark("loader") })
			row(fmt.Sprintf("return visit: 0 bytes again, no banner, decision applied (%s)", p.name),
				fmt.Sprintf("%s B, banner in %s of %d, applied in %d of %d (%s ms)", num(bodies.max, 0), num(shown.max*float64(len(rv)), 0), len(rv), applied.n, len(rv), num(applied.med, 0)),
				bodies.max == 0 && shown.max == 0 && applied.n == len(rv))
		}
	}
	b.WriteString("\n")
}

const method = `## Method

- One local server (127.0.0.1) serves one host page twice, identical but for the widget's tags, and
  both widgets' files through the same handler (internal/site): brotli -q 11 precompressed, hashed names
  immutable, the rest no-cache with an ETag. vanilla-cookieconsent is included as its documentation
  says (stylesheet in the head, scripts deferred, reCAPTCHA as a managed text/plain script), as a
  bottom bar with the same two categories and the same French texts, and hideFromBots off (headless
  Chromium reports navigator.webdriver, which would hide its banner for good).
- Headless Chromium, one process; every first visit in a new browser context (no cookies, empty
  cache), widgets alternating. Nothing leaves the machine: every name but 127.0.0.1 fails to resolve.
- fast: no throttling, 1350×940. mobile: Lighthouse's preset through the DevTools protocol: 150 ms
  latency per request, 1.6 Mbit/s down, 750 kbit/s up (Network.emulateNetworkConditionsByRule), CPU
  4× slower (Emulation.setCPUThrottlingRate), 412×823 at 1.75. Chromium's CPU throttle slows the
  renderer's main thread; work on other threads (streaming wasm compilation) may run at full speed.
- Times are taken in the page (performance.now(), since navigation start) by a probe that Chromium
  runs in every frame before the page's scripts. Time to banner is the first animation frame in
  which the banner has a visible, non-empty box in the viewport: for civic-consent the frame
  ` + "`civic-consent iframe[data-mode=banner]`" + ` with its ` + "`#cc-banner`" + ` laid out; for vanilla-cookieconsent ` + "`#cc-main .cm`" + `,
  which it shows after a 100 ms timer and slides in over 0.35 s ("banner in place": wholly in view).
- Bytes: encodedDataLength of the Network domain (compressed, headers included) of every request
  but the host page; "before banner" counts those finished before the banner's frame (the host
  document's send time ties the protocol's clock to the page's).
- Blocking time: Σ (duration − 50 ms) of the long tasks the Long Tasks API reports to the host page
  and to the widget's frame (they share one main thread; a task both report counts once), from
  navigation start to the widget being done (banner in place; for civic-consent, its wasm running)
  plus 1 s (fast) or 2 s (mobile). The API cannot see the tasks that create the host document
  (before the probe runs): the traced loads show how much that leaves out, the same for both
  widgets. Main thread busy: Performance.getMetrics TaskDuration, every task of the renderer's
  main thread over the same span.
- CLS: layout-shift entries without recent input, in the host page and in the widget's frame.
- Memory, after a forced garbage collection: JSHeapUsedSize (one V8 heap for the host and its
  same-origin frame); wasm linear memory, read from the instances the probe keeps by wrapping
  WebAssembly.instantiate*.
- Return visit: after "Tout accepter", a new tab in the same context loads the page again.
`
