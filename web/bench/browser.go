package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"

	"github.com/civic-consent/consent/internal/engine"
)

//go:embed probe.js
var probeJS string

// chromium is one headless Chromium process; every visit gets a new browser
// context in it (an in-memory profile: no cookies, empty cache).
type chromium struct {
	ctx     context.Context
	cancel  context.CancelFunc
	dir     string
	version string
	out     *tailBuffer
}

// launch starts Chromium with nothing that calls out: no background
// services, and a host resolver that fails every name but 127.0.0.1, so
// that no request can leave the machine whatever a page asks.
func launch(execPath string) (*chromium, error) {
	dir, err := os.MkdirTemp("", "bench-chromium-")
	if err != nil {
		return nil, fmt.Errorf("chromium: %w", err)
	}
	out := &tailBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(dir),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		// Every tab is measured as a visible, foreground page.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.CombinedOutput(out),
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), append(engine.ChromiumQuietFlags(), opts...)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	c := &chromium{ctx: ctx, dir: dir, out: out, cancel: func() { cancel(); allocCancel() }}
	if err := chromedp.Do(ctx); err != nil {
		c.close()
		return nil, fmt.Errorf("chromium: launch %s: %w; output:\n%s", execPath, err, out)
	}
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		c.close()
		return nil, fmt.Errorf("chromium: version: %w", err)
	}
	c.version = v.Product
	return c, nil
}

func (c *chromium) close() {
	c.cancel()
	os.RemoveAll(c.dir)
}

// profile is a set of conditions a page loads under.
type profile struct {
	name string
	// latency is added to every request (ms); down and up are bytes per
	// second; zero means no network throttling.
	latency, down, up float64
	cpu               float64 // CPU slowdown factor, 1 for none
	width, height     int64
	scale             float64
	mobile            bool
	// tail is how long a visit is still observed after the widget is
	// done, so that the work that follows (long tasks) is counted.
	tail time.Duration
	// limit stops a visit that hangs; nothing is measured with it.
	limit time.Duration
}

// Lighthouse's mobile preset: "slow 4G" (150 ms, 1.6 Mbit/s down, 750
// kbit/s up, counted as Lighthouse does, 1 kbit = 1024 bit), a CPU 4×
// slower and a Moto G Power screen (412×823 at 1.75).
var profiles = []profile{
	{name: "fast", cpu: 1, width: 1350, height: 940, scale: 1,
		tail: time.Second, limit: time.Minute},
	{name: "mobile", latency: 150, down: 1.6 * 1024 * 1024 / 8, up: 750 * 1024 / 8, cpu: 4,
		width: 412, height: 823, scale: 1.75, mobile: true,
		tail: 2 * time.Second, limit: 3 * time.Minute},
}

// setupTab prepares a new tab: the probe in every frame, the metrics, the
// screen, and the profile's throttling. It runs before the first
// navigation.
func setupTab(p profile) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// chromedp turns the DOM and CSS domains on for its selectors; the
		// benchmark uses none, and they make the renderer do more work.
		if _, err := cdp.Call(ctx, t, dom.Disable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, css.Disable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: probeJS}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, performance.Enable, performance.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: p.width, Height: p.height, DeviceScaleFactor: p.scale, Mobile: p.mobile,
		}); err != nil {
			return err
		}
		if p.latency > 0 || p.down > 0 {
			if _, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{
					Latency: p.latency, DownloadThroughput: p.down, UploadThroughput: p.up,
				}},
			}); err != nil {
				return err
			}
		}
		if p.cpu > 1 {
			if _, err := cdp.Call(ctx, t, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: p.cpu}); err != nil {
				return err
			}
		}
		return nil
	})
}

// tailBuffer keeps the last few kilobytes of the browser's output, for
// error messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > 8192 {
		b.buf = b.buf[len(b.buf)-8192:]
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(string(b.buf))
}
