package engine

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/civic-consent/consent/internal/netrec"
)

// firefoxPath is Debian's Firefox ESR.
const firefoxPath = "/usr/bin/firefox-esr"

// firefoxBrowser is one Firefox process driven over WebDriver BiDi; each
// page is a tab in its own user context (separate cookies and storage).
type firefoxBrowser struct {
	marker  string // carried by every process of this browser
	proc    *process
	profile string
	bidi    *bidiConn
	console *firefoxConsole

	closeOnce sync.Once
	closeErr  error
}

// bidiListening starts the line Firefox prints once BiDi is up.
const bidiListening = "WebDriver BiDi listening on "

func launchFirefox(proxy *netrec.Proxy) (Browser, error) {
	b, err := startFirefox(proxy)
	if err != nil {
		return nil, fmt.Errorf("engine firefox: launch: %w", err)
	}
	return b, nil
}

func startFirefox(proxy *netrec.Proxy) (_ *firefoxBrowser, err error) {
	host, portStr, err := net.SplitHostPort(proxy.Addr())
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("proxy port %q: %w", portStr, err)
	}
	prefs, err := userJS(firefoxPrefs(host, port))
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "e2e-firefox-")
	if err != nil {
		return nil, err
	}
	b := &firefoxBrowser{marker: newMarker(), profile: dir, console: newFirefoxConsole()}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, "user.js"), []byte(prefs), 0o644); err != nil {
		return nil, err
	}

	wsURL := make(chan string, 1)
	cmd := exec.Command(firefoxPath, "--headless", "--no-remote", "--profile", dir,
		"--remote-debugging-port=0", "about:blank")
	// MOZ_DISABLE_NONLOCAL_CONNECTIONS is Firefox's own test switch: it
	// refuses any socket to a non-loopback address (the proxy is on
	// loopback), and lets the Remote Settings client skip all remote
	// activity when its server is the dummy one set in the prefs.
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1", "MOZ_DISABLE_NONLOCAL_CONNECTIONS=1")
	b.proc, err = startProcess("firefox", cmd, b.marker, func(line string) {
		if u, ok := strings.CutPrefix(line, bidiListening); ok {
			select {
			case wsURL <- strings.TrimSpace(u):
			default:
			}
		}
	})
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(context.Background(), launchTimeout)
	defer cancel()
	var u string
	select {
	case u = <-wsURL:
	case <-b.proc.done:
		return nil, b.proc.exited()
	case <-ctx.Done():
		return nil, fmt.Errorf("no %q line after %v; output:\n%s", bidiListening, launchTimeout, b.proc.out.tail())
	}
	ws, err := dialBidi(ctx, u+"/session")
	if err != nil {
		return nil, err
	}
	b.bidi = newBidiConn(ws, b.console.event)
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		// The proxy's certificates are minted by a CA Firefox does not know.
		"acceptInsecureCerts": true,
	}}}
	if err := b.bidi.call(ctx, "session.new", caps, nil); err != nil {
		return nil, err
	}
	if err := b.bidi.call(ctx, "session.subscribe", map[string]any{"events": firefoxEvents}, nil); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *firefoxBrowser) Name() string { return Firefox }

func (b *firefoxBrowser) NewPage(ctx context.Context, opts PageOptions) (Page, error) {
	d, err := b.newPage(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("engine firefox: new page: %w", err)
	}
	return newPage(ctx, Firefox, d), nil
}

func (b *firefoxBrowser) newPage(ctx context.Context, opts PageOptions) (_ *firefoxPage, err error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	var uc struct {
		UserContext string `json:"userContext"`
	}
	if err := b.bidi.call(ctx, "browser.createUserContext", nil, &uc); err != nil {
		return nil, err
	}
	d := &firefoxPage{bidi: b.bidi, userContext: uc.UserContext, consoles: b.console, log: b.console.open(uc.UserContext)}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	if opts.GPC {
		// Preload scripts run in every new document of the user context,
		// frames included, before the page's own scripts.
		var res struct {
			Script string `json:"script"`
		}
		err := b.bidi.call(ctx, "script.addPreloadScript", map[string]any{
			"functionDeclaration": "() => { " + gpcJS + " }",
			"userContexts":        []string{uc.UserContext},
		}, &res)
		if err != nil {
			return nil, err
		}
		d.preload = res.Script
	}
	var bc struct {
		Context string `json:"context"`
	}
	if err := b.bidi.call(ctx, "browsingContext.create", map[string]any{"type": "tab", "userContext": uc.UserContext}, &bc); err != nil {
		return nil, err
	}
	d.context = bc.Context
	d.consoles.own(d.context, d.userContext)
	w, h := viewport(opts)
	if err := b.bidi.call(ctx, "browsingContext.setViewport", map[string]any{
		"context":  d.context,
		"viewport": map[string]int{"width": w, "height": h},
	}, nil); err != nil {
		return nil, err
	}
	return d, nil
}

func (b *firefoxBrowser) Close() error {
	b.closeOnce.Do(func() {
		var errs []error
		if b.bidi != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			// Best effort: the process is stopped below either way.
			_ = b.bidi.call(ctx, "browser.close", nil, nil)
			cancel()
			_ = b.bidi.close()
		}
		if b.proc != nil {
			errs = append(errs, b.proc.stop())
		}
		// Content processes that left the group, if any.
		errs = append(errs, sweep(b.marker))
		errs = append(errs, os.RemoveAll(b.profile))
		if err := errors.Join(errs...); err != nil {
			b.closeErr = fmt.Errorf("engine firefox: close: %w", err)
		}
	})
	return b.closeErr
}

// firefoxPage drives one tab through BiDi.
type firefoxPage struct {
	bidi        *bidiConn
	userContext string
	context     string
	preload     string
	consoles    *firefoxConsole
	log         *consoleLog
}

func (d *firefoxPage) navigate(ctx context.Context, url string) error {
	return d.bidi.call(ctx, "browsingContext.navigate", map[string]any{
		"context": d.context, "url": url, "wait": "complete",
	}, nil)
}

func (d *firefoxPage) evaluate(ctx context.Context, expr string) (string, error) {
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := d.bidi.call(ctx, "script.evaluate", map[string]any{
		"expression":      expr,
		"target":          map[string]string{"context": d.context},
		"awaitPromise":    true,
		"resultOwnership": "none",
	}, &res)
	if err != nil {
		return "", err
	}
	if res.Type == "exception" {
		return "", errors.New(res.ExceptionDetails.Text)
	}
	s, ok := res.Result.Value.(string)
	if res.Result.Type != "string" || !ok {
		return "", fmt.Errorf("want a string result, got %s", res.Result.Type)
	}
	return s, nil
}

// perform runs one input source's actions, then releases all input so that
// no key or button stays down for the next call.
func (d *firefoxPage) perform(ctx context.Context, source map[string]any) error {
	err := d.bidi.call(ctx, "input.performActions", map[string]any{
		"context": d.context, "actions": []any{source},
	}, nil)
	return errors.Join(err, d.bidi.call(ctx, "input.releaseActions", map[string]any{"context": d.context}, nil))
}

func (d *firefoxPage) click(ctx context.Context, x, y float64) error {
	return d.perform(ctx, pointerClick(x, y))
}

func (d *firefoxPage) press(ctx context.Context, k key) error {
	return d.perform(ctx, keyPress(k))
}

func (d *firefoxPage) cookies(ctx context.Context) ([]Cookie, error) {
	var res struct {
		Cookies []struct {
			Name  string `json:"name"`
			Value struct {
				Type  string `json:"type"`
				Value string `json:"value"`
			} `json:"value"`
			Domain   string   `json:"domain"`
			Path     string   `json:"path"`
			HTTPOnly bool     `json:"httpOnly"`
			Secure   bool     `json:"secure"`
			SameSite string   `json:"sameSite"`
			Expiry   *float64 `json:"expiry"`
		} `json:"cookies"`
	}
	err := d.bidi.call(ctx, "storage.getCookies", map[string]any{
		"partition": map[string]string{"type": "context", "context": d.context},
	}, &res)
	if err != nil {
		return nil, err
	}
	out := make([]Cookie, 0, len(res.Cookies))
	for _, c := range res.Cookies {
		value := c.Value.Value
		if c.Value.Type == "base64" {
			b, err := base64.StdEncoding.DecodeString(value)
			if err != nil {
				return nil, fmt.Errorf("cookie %s: %w", c.Name, err)
			}
			value = string(b)
		}
		var exp time.Time
		if c.Expiry != nil {
			exp = unixTime(*c.Expiry)
		}
		out = append(out, Cookie{
			Name: c.Name, Value: value, Domain: trimDot(c.Domain), Path: c.Path,
			Expires: exp, Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: normSameSite(c.SameSite),
		})
	}
	return out, nil
}

func (d *firefoxPage) screenshot(ctx context.Context) ([]byte, error) {
	var res struct {
		Data string `json:"data"`
	}
	if err := d.bidi.call(ctx, "browsingContext.captureScreenshot", map[string]any{
		"context": d.context, "origin": "viewport",
	}, &res); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(res.Data)
}

func (d *firefoxPage) console() ([]ConsoleMessage, error) { return d.log.all(), nil }

// close removes the user context, which closes its tab and drops its
// cookies and storage. After the browser has closed there is nothing left
// to remove.
func (d *firefoxPage) close() error {
	defer d.consoles.close(d.userContext)
	select {
	case <-d.bidi.done:
		return nil
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var errs []error
	if d.preload != "" {
		errs = append(errs, d.bidi.call(ctx, "script.removePreloadScript", map[string]string{"script": d.preload}, nil))
	}
	errs = append(errs, d.bidi.call(ctx, "browser.removeUserContext", map[string]string{"userContext": d.userContext}, nil))
	return errors.Join(errs...)
}

// pointerClick is a WebDriver input source (the same in BiDi and classic)
// that moves the mouse to a viewport point and clicks the left button.
func pointerClick(x, y float64) map[string]any {
	return map[string]any{
		"type":       "pointer",
		"id":         "mouse",
		"parameters": map[string]string{"pointerType": "mouse"},
		"actions": []map[string]any{
			{"type": "pointerMove", "x": int(math.Round(x)), "y": int(math.Round(y)), "origin": "viewport", "duration": 0},
			{"type": "pointerDown", "button": 0},
			{"type": "pointerUp", "button": 0},
		},
	}
}

// keyPress is a WebDriver input source that presses and releases k, Shift
// held around it if asked.
func keyPress(k key) map[string]any {
	var acts []map[string]any
	if k.shift {
		acts = append(acts, map[string]any{"type": "keyDown", "value": w3cShift})
	}
	acts = append(acts,
		map[string]any{"type": "keyDown", "value": k.w3c},
		map[string]any{"type": "keyUp", "value": k.w3c})
	if k.shift {
		acts = append(acts, map[string]any{"type": "keyUp", "value": w3cShift})
	}
	return map[string]any{"type": "key", "id": "keyboard", "actions": acts}
}
