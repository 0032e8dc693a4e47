// Package engine drives the three browser engines the widget must work in
// (Chromium through chromedp, Firefox through WebDriver BiDi, WebKit through
// W3C WebDriver) behind one small interface, so that a scenario is written
// once and run by each engine.
//
// Every engine sends its non-loopback traffic through a netrec.Proxy and
// reaches 127.0.0.1 and localhost directly: a test serves its pages on
// loopback and proves, from the proxy's record, which third parties the page
// contacted. A browser that cannot start is an error, never a skip.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/civic-consent/consent/internal/netrec"
)

// Engine names, as accepted by Launch and E2E_ENGINES.
const (
	Chromium = "chromium"
	Firefox  = "firefox"
	WebKit   = "webkit"
)

// EnvEngines names the environment variable that selects the engines to
// run, as a comma-separated list of engine names; unset or empty means all.
const EnvEngines = "E2E_ENGINES"

// ErrUnsupported reports a page option or operation that an engine cannot
// honour.
var ErrUnsupported = errors.New("not supported by this engine")

// errClosed reports an operation on a closed browser.
var errClosed = errors.New("browser is closed")

// Timeouts. They only bound waiting for a browser that hangs; no test result
// depends on them. The machine is small, so they are generous.
const (
	launchTimeout = 2 * time.Minute
	opTimeout     = time.Minute
)

// Browser is one running browser of an engine. Its methods are safe for
// concurrent use.
type Browser interface {
	// Name returns the engine name: "chromium", "firefox" or "webkit".
	Name() string
	// NewPage opens a page with fresh state (no cookies, no storage, no
	// cache) that shares nothing with the other pages. ctx bounds every later
	// operation on the page, and each operation also has its own timeout.
	NewPage(ctx context.Context, opts PageOptions) (Page, error)
	// Close ends the browser and removes its temporary files.
	Close() error
}

// PageOptions sets up a new page.
type PageOptions struct {
	// Width and Height are the viewport size in CSS pixels; zero means
	// 1280×800.
	Width, Height int
	// GPC makes navigator.globalPrivacyControl true in every document of
	// the page (frames included) before any page script runs. WebKit cannot:
	// there NewPage fails with ErrUnsupported.
	GPC bool
}

// Page is one browser tab (top-level browsing context). Use a page from one
// goroutine at a time.
//
// A selector given to Click is a CSS selector, or a chain that reaches into
// same-origin frames: "iframe#consent >>> button.accept" selects the first
// <iframe> matching "iframe#consent" in the top document, then the first
// "button.accept" in that frame's document. Each part but the last must
// match a frame element; chains may be nested.
type Page interface {
	// Navigate loads url and waits for its load event.
	Navigate(url string) error
	// Eval evaluates the JavaScript expression js in the top document; if
	// it yields a Promise, Eval waits for it. The value goes through
	// JSON.stringify and is decoded into out (unless out is nil). A thrown
	// exception or a rejection is an error.
	Eval(js string, out any) error
	// Click scrolls the selected element into view and clicks its centre
	// with real (trusted) mouse input. It fails if no element matches, if
	// the element has no size, or if another element covers its centre.
	Click(selector string) error
	// Press presses and releases a key as real keyboard input to the
	// focused element. Keys: Tab, Enter, Escape, Space, ArrowUp, ArrowDown,
	// ArrowLeft, ArrowRight, Home, End, PageUp, PageDown, Backspace, Delete;
	// a "Shift+" prefix holds Shift down (e.g. "Shift+Tab").
	Press(key string) error
	// Cookies returns the cookies whose domain and path match the current
	// page URL, HttpOnly ones included.
	Cookies() ([]Cookie, error)
	// Screenshot writes a PNG of the viewport to path.
	Screenshot(path string) error
	// ConsoleMessages returns, in order, every console message of the
	// page's documents and their frames since the page opened, across
	// navigations: console calls, uncaught exceptions and unhandled
	// rejections, and the browser's own messages as far as the engine
	// reports them (Chromium: failed loads, refused scripts, CSP; Firefox:
	// refused scripts, CSP). WebKit cannot (WebDriver classic has no log,
	// and WebKitGTK does not print the console of automation sessions):
	// there it fails with ErrUnsupported.
	ConsoleMessages() ([]ConsoleMessage, error)
	// Close closes the page and discards its state.
	Close() error
}

// Cookie is a cookie as the browser stores it.
type Cookie struct {
	Name   string
	Value  string
	Domain string // without a leading dot
	Path   string
	// Expires is when the cookie expires (from Expires or Max-Age); zero
	// for a session cookie.
	Expires  time.Time
	Secure   bool
	HTTPOnly bool
	// SameSite is "Strict", "Lax" or "None", or "" when the engine does not
	// tell which (Chromium for a cookie set without the attribute).
	SameSite string
}

// Names returns the engines selected by E2E_ENGINES, in the order given;
// all three when it is unset or empty. An unknown or repeated name is an
// error.
func Names() ([]string, error) {
	v := strings.TrimSpace(os.Getenv(EnvEngines))
	if v == "" {
		return []string{Chromium, Firefox, WebKit}, nil
	}
	var names []string
	seen := map[string]bool{}
	for _, n := range strings.Split(v, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		switch {
		case n != Chromium && n != Firefox && n != WebKit:
			return nil, fmt.Errorf("engine: %s: unknown engine %q (want %s, %s or %s)", EnvEngines, n, Chromium, Firefox, WebKit)
		case seen[n]:
			return nil, fmt.Errorf("engine: %s: %q given twice", EnvEngines, n)
		}
		seen[n] = true
		names = append(names, n)
	}
	return names, nil
}

// Launch starts a browser of the named engine whose non-loopback traffic
// all goes through proxy. The proxy is required: without it no request
// could be proven absent.
func Launch(name string, proxy *netrec.Proxy) (Browser, error) {
	if proxy == nil {
		return nil, fmt.Errorf("engine: launch %s: a netrec proxy is required", name)
	}
	switch name {
	case Chromium:
		return launchChromium(proxy)
	case Firefox:
		return launchFirefox(proxy)
	case WebKit:
		return launchWebKit(proxy)
	}
	return nil, fmt.Errorf("engine: launch: unknown engine %q", name)
}
