package engine

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/civic-consent/consent/internal/netrec"
)

// Debian's WebKitGTK WebDriver and the browser it drives.
const (
	webkitDriverPath = "/usr/bin/WebKitWebDriver"
	miniBrowserPath  = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
)

// webkitBrowser holds the X display WebKit draws on. WebKitWebDriver
// serves one session at a time, so each page gets its own driver and its
// own MiniBrowser process: pages are isolated and may run side by side.
//
// Starting those takes seconds, so the browser keeps one session started
// ahead, unused (a spare): NewPage takes it and starts the next one, which
// gets ready while the page is in use.
type webkitBrowser struct {
	marker  string // carried by every process of this browser
	proxy   string // host:port
	xvfb    *process
	display string
	ctx     context.Context // ends with Close: stops a spare starting
	cancel  context.CancelFunc

	mu     sync.Mutex
	closed bool
	pages  map[*webkitPage]bool // open, closed by Close if left open
	spare  chan spareSession    // the session started ahead, if any
}

// spareSession is the outcome of starting a session ahead.
type spareSession struct {
	d   *webkitPage
	err error
}

func launchWebKit(proxy *netrec.Proxy) (Browser, error) {
	for _, p := range []string{webkitDriverPath, miniBrowserPath, xvfbPath} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("engine webkit: launch: %w", err)
		}
	}
	b := &webkitBrowser{marker: newMarker(), proxy: proxy.Addr(), display: os.Getenv("DISPLAY"), pages: map[*webkitPage]bool{}}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	ctx, cancel := context.WithTimeout(b.ctx, launchTimeout)
	defer cancel()
	if b.display == "" {
		var err error
		if b.xvfb, b.display, err = startXvfb(ctx, b.marker); err != nil {
			b.cancel()
			return nil, fmt.Errorf("engine webkit: launch: %w", err)
		}
	}
	// The first session is started here, so that a browser that cannot
	// start fails here rather than in the first test; it is the first
	// spare.
	d, err := b.newSession(ctx, PageOptions{})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("engine webkit: launch: %w", err)
	}
	b.spare = make(chan spareSession, 1)
	b.spare <- spareSession{d: d}
	return b, nil
}

// startSpare starts a session ahead, for the next NewPage. b.mu is held.
func (b *webkitBrowser) startSpare() {
	ch := make(chan spareSession, 1)
	b.spare = ch
	go func() {
		ctx, cancel := context.WithTimeout(b.ctx, launchTimeout)
		defer cancel()
		d, err := b.newSession(ctx, PageOptions{})
		ch <- spareSession{d: d, err: err}
	}()
}

// takeSpare returns the spare session, once it has started, and starts the
// next one; nil if there is none, it failed, or ctx ended first (then the
// spare is closed once it has started).
func (b *webkitBrowser) takeSpare(ctx context.Context) *webkitPage {
	b.mu.Lock()
	ch := b.spare
	b.spare = nil
	b.mu.Unlock()
	if ch == nil {
		return nil
	}
	var s spareSession
	select {
	case s = <-ch:
	case <-ctx.Done():
		go closeSpare(ch)
		return nil
	}
	b.mu.Lock()
	if !b.closed {
		b.startSpare()
	}
	b.mu.Unlock()
	return s.d // nil when it failed: NewPage starts its own, which says why
}

// closeSpare closes a spare session once it has started.
func closeSpare(ch chan spareSession) {
	if s := <-ch; s.d != nil {
		_ = s.d.close()
	}
}

func (b *webkitBrowser) Name() string { return WebKit }

func (b *webkitBrowser) NewPage(ctx context.Context, opts PageOptions) (Page, error) {
	if opts.GPC {
		// WebKit has no Global Privacy Control, and WebDriver classic has no
		// way to run a script before the page's own.
		return nil, fmt.Errorf("engine webkit: new page: GPC: %w", ErrUnsupported)
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("engine webkit: new page: %w", errClosed)
	}
	octx, cancel := context.WithTimeout(ctx, launchTimeout)
	defer cancel()
	d, err := b.pageSession(octx, opts)
	if err != nil {
		return nil, fmt.Errorf("engine webkit: new page: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		d.close()
		return nil, fmt.Errorf("engine webkit: new page: %w", errClosed)
	}
	b.pages[d] = true
	d.onClose = func() {
		b.mu.Lock()
		delete(b.pages, d)
		b.mu.Unlock()
	}
	return newPage(ctx, WebKit, d), nil
}

// pageSession returns a session for a new page: the spare, sized to opts,
// or else a new one.
func (b *webkitBrowser) pageSession(ctx context.Context, opts PageOptions) (*webkitPage, error) {
	if d := b.takeSpare(ctx); d != nil {
		w, h := viewport(opts)
		if dw, dh := viewport(PageOptions{}); w != dw || h != dh {
			if err := d.setViewport(ctx, w, h); err != nil {
				d.close()
				return nil, err
			}
		}
		return d, nil
	}
	return b.newSession(ctx, opts)
}

// newSession starts a driver and a session in a fresh MiniBrowser.
func (b *webkitBrowser) newSession(ctx context.Context, opts PageOptions) (_ *webkitPage, err error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(webkitDriverPath, "--port="+strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "DISPLAY="+b.display)
	proc, err := startProcess("WebKitWebDriver", cmd, b.marker, nil)
	if err != nil {
		return nil, err
	}
	d := &webkitPage{proc: proc, wd: &wdClient{base: "http://127.0.0.1:" + strconv.Itoa(port), http: &http.Client{}}}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	if err := waitPort(ctx, proc, "127.0.0.1:"+strconv.Itoa(port)); err != nil {
		return nil, err
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		// The proxy's certificates are minted by a CA WebKit does not know.
		"acceptInsecureCerts": true,
		"timeouts":            map[string]int{"script": int(opTimeout / time.Millisecond), "pageLoad": int(opTimeout / time.Millisecond), "implicit": 0},
		"webkitgtk:browserOptions": map[string]any{
			"binary": miniBrowserPath,
			// The proxy goes on MiniBrowser's command line: the WebDriver
			// "proxy" capability sends HTTPS to sslProxy as a TLS proxy,
			// which never gets the CONNECT. Loopback stays direct.
			"args": []string{"--automation", "--proxy=http://" + b.proxy,
				"--ignore-host=127.0.0.1", "--ignore-host=localhost", "--ignore-host=::1"},
		},
	}}}
	var sess struct {
		SessionID string `json:"sessionId"`
	}
	if err := d.wd.do(ctx, http.MethodPost, "/session", caps, &sess); err != nil {
		return nil, fmt.Errorf("%w; driver output:\n%s", err, proc.out.tail())
	}
	d.session = "/session/" + sess.SessionID
	w, h := viewport(opts)
	if err := d.setViewport(ctx, w, h); err != nil {
		return nil, err
	}
	return d, nil
}

func (b *webkitBrowser) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	var open []*webkitPage
	for d := range b.pages {
		open = append(open, d)
	}
	spare := b.spare
	b.spare = nil
	b.mu.Unlock()

	b.cancel() // a spare still starting gives up
	if spare != nil {
		closeSpare(spare)
	}
	var errs []error
	for _, d := range open {
		errs = append(errs, d.close())
	}
	if b.xvfb != nil {
		errs = append(errs, b.xvfb.stop())
	}
	// MiniBrowser and its web and network processes, if any left the
	// drivers' groups.
	errs = append(errs, sweep(b.marker))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("engine webkit: close: %w", err)
	}
	return nil
}

// webkitPage is one WebDriver session, with its own driver process.
type webkitPage struct {
	proc    *process
	wd      *wdClient
	session string // "/session/<id>", empty until created
	onClose func() // tells the browser, if set

	closeOnce sync.Once
	closeErr  error
}

// setViewport sizes the window so that the viewport (the window less
// MiniBrowser's own bars) is w×h. The window manager applies a new size a
// little later, so the size is read until it holds still before the window
// is grown or shrunk by the difference.
func (d *webkitPage) setViewport(ctx context.Context, w, h int) error {
	rect := map[string]int{"width": w, "height": h}
	if err := d.wd.do(ctx, http.MethodPost, d.session+"/window/rect", rect, nil); err != nil {
		return err
	}
	var last []int
	for range 100 {
		var inner []int
		if err := d.wd.do(ctx, http.MethodPost, d.session+"/execute/sync", map[string]any{
			"script": "return [innerWidth, innerHeight]", "args": []any{},
		}, &inner); err != nil {
			return err
		}
		if len(inner) != 2 {
			return fmt.Errorf("viewport: unexpected size %v", inner)
		}
		if inner[0] == w && inner[1] == h {
			return nil
		}
		if slices.Equal(inner, last) {
			rect["width"] += w - inner[0]
			rect["height"] += h - inner[1]
			if err := d.wd.do(ctx, http.MethodPost, d.session+"/window/rect", rect, nil); err != nil {
				return err
			}
			inner = nil
		}
		last = inner
		select {
		case <-ctx.Done():
			return fmt.Errorf("viewport: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("viewport: cannot get %d×%d (window %d×%d)", w, h, rect["width"], rect["height"])
}

func (d *webkitPage) navigate(ctx context.Context, url string) error {
	return d.wd.do(ctx, http.MethodPost, d.session+"/url", map[string]string{"url": url}, nil)
}

func (d *webkitPage) evaluate(ctx context.Context, expr string) (string, error) {
	var s string
	err := d.wd.do(ctx, http.MethodPost, d.session+"/execute/async", map[string]any{
		"script": "const done = arguments[arguments.length - 1];\n(" + expr + ").then(done);",
		"args":   []any{},
	}, &s)
	return s, err
}

// perform runs one input source's actions, then releases all input.
func (d *webkitPage) perform(ctx context.Context, source map[string]any) error {
	err := d.wd.do(ctx, http.MethodPost, d.session+"/actions", map[string]any{"actions": []any{source}}, nil)
	return errors.Join(err, d.wd.do(ctx, http.MethodDelete, d.session+"/actions", nil, nil))
}

// click clicks at (x, y). Now and then WebKitWebDriver answers a pointer
// action with "unknown error" and no message (one click, in two of four
// full runs, both on a saturated machine); the click is then tried once
// more. Each test then checks what the click did.
func (d *webkitPage) click(ctx context.Context, x, y float64) error {
	err := d.perform(ctx, pointerClick(x, y))
	if err != nil && strings.Contains(err.Error(), "/actions: unknown error: ") {
		err = d.perform(ctx, pointerClick(x, y))
	}
	return err
}

func (d *webkitPage) press(ctx context.Context, k key) error {
	return d.perform(ctx, keyPress(k))
}

func (d *webkitPage) cookies(ctx context.Context) ([]Cookie, error) {
	var res []struct {
		Name     string   `json:"name"`
		Value    string   `json:"value"`
		Domain   string   `json:"domain"`
		Path     string   `json:"path"`
		Secure   bool     `json:"secure"`
		HTTPOnly bool     `json:"httpOnly"`
		Expiry   *float64 `json:"expiry"`
		SameSite string   `json:"sameSite"`
	}
	if err := d.wd.do(ctx, http.MethodGet, d.session+"/cookie", nil, &res); err != nil {
		return nil, err
	}
	out := make([]Cookie, 0, len(res))
	for _, c := range res {
		var exp time.Time
		if c.Expiry != nil {
			exp = unixTime(*c.Expiry)
		}
		out = append(out, Cookie{
			Name: c.Name, Value: c.Value, Domain: trimDot(c.Domain), Path: c.Path,
			Expires: exp, Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: normSameSite(c.SameSite),
		})
	}
	return out, nil
}

func (d *webkitPage) screenshot(ctx context.Context) ([]byte, error) {
	var s string
	if err := d.wd.do(ctx, http.MethodGet, d.session+"/screenshot", nil, &s); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s)
}

// console is not possible: WebDriver classic has no log, and WebKitGTK
// writes the console to stdout (MiniBrowser's
// --enable-write-console-messages-to-stdout) only for pages that are not
// ephemeral, which automation sessions always are. A script injected after
// a load would miss what ran before it, so it would be a partial log.
func (d *webkitPage) console() ([]ConsoleMessage, error) {
	return nil, ErrUnsupported
}

// close ends the session (and its MiniBrowser), then the driver. It may
// be called by the page and by the browser; only the first call acts.
func (d *webkitPage) close() error {
	d.closeOnce.Do(func() {
		var err error
		if d.session != "" {
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			err = d.wd.do(ctx, http.MethodDelete, d.session, nil, nil)
			cancel()
		}
		d.closeErr = errors.Join(err, d.proc.stop())
		if d.onClose != nil {
			d.onClose()
		}
	})
	return d.closeErr
}
