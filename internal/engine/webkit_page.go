package engine

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

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
