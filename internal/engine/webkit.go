package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
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
	// Now and then, on a busy machine, a MiniBrowser never answers its
	// driver's new session; a second driver, with a MiniBrowser of its own,
	// does. Each attempt gets half the time.
	var err error
	for range 2 {
		actx, cancel := context.WithTimeout(ctx, launchTimeout/2)
		var d *webkitPage
		d, err = b.newSession(actx, opts)
		cancel()
		if err == nil || !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return d, err
		}
	}
	return nil, err
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
