package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"os"
	"strings"
	"sync"
)

// driver is what an engine implements; page builds the shared behaviour of
// Page on top of it, so that the engines differ only in transport.
type driver interface {
	// navigate loads url and waits for the load event.
	navigate(ctx context.Context, url string) error
	// evaluate runs expr, an expression yielding a Promise of a string, in
	// the top document and returns the string.
	evaluate(ctx context.Context, expr string) (string, error)
	// click sends a left click at a point of the viewport, in CSS pixels.
	click(ctx context.Context, x, y float64) error
	// press sends a key press, Shift held down if k.shift.
	press(ctx context.Context, k key) error
	// cookies returns all cookies of the page's store.
	cookies(ctx context.Context) ([]Cookie, error)
	// screenshot returns a PNG of the viewport.
	screenshot(ctx context.Context) ([]byte, error)
	// console returns the console messages so far, or ErrUnsupported.
	console() ([]ConsoleMessage, error)
	// close ends the page; it must not depend on the page's context.
	close() error
}

// page implements Page for every engine.
type page struct {
	engine string
	ctx    context.Context
	d      driver

	closeOnce sync.Once
	closeErr  error
}

func newPage(ctx context.Context, engine string, d driver) *page {
	return &page{engine: engine, ctx: ctx, d: d}
}

// op returns the context of one operation.
func (p *page) op() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, opTimeout)
}

// errorf prefixes an error with the engine and the operation.
func (p *page) errorf(op string, err error) error {
	return fmt.Errorf("engine %s: %s: %w", p.engine, op, err)
}

func (p *page) Navigate(url string) error {
	ctx, cancel := p.op()
	defer cancel()
	if err := p.d.navigate(ctx, url); err != nil {
		return p.errorf("navigate to "+url, err)
	}
	return nil
}

// evalPrefixOK and evalPrefixErr tag the string that wrapEval yields, so
// that an exception reads the same in every engine.
const (
	evalPrefixOK  = "ok:"
	evalPrefixErr = "err:"
)

// wrapEval turns an expression into one that yields a Promise of a tagged
// string: the JSON of its (awaited) value, or the exception. The newlines
// keep a trailing line comment in js from swallowing the closing paren.
func wrapEval(js string) string {
	return `(async () => {
const v = await (
` + js + `
);
const s = JSON.stringify(v);
return s === undefined ? "null" : s;
})().then(s => "` + evalPrefixOK + `" + s, e => "` + evalPrefixErr + `" + (e instanceof Error ? e.name + ": " + e.message : String(e)))`
}

func (p *page) Eval(js string, out any) error {
	ctx, cancel := p.op()
	defer cancel()
	raw, err := p.d.evaluate(ctx, wrapEval(js))
	if err != nil {
		return p.errorf("eval", err)
	}
	switch {
	case strings.HasPrefix(raw, evalPrefixErr):
		return p.errorf("eval", errors.New(strings.TrimPrefix(raw, evalPrefixErr)))
	case !strings.HasPrefix(raw, evalPrefixOK):
		return p.errorf("eval", fmt.Errorf("unexpected result %q", raw))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(raw, evalPrefixOK)), out); err != nil {
		return p.errorf("eval: decode result", err)
	}
	return nil
}

func (p *page) Click(selector string) error {
	js, err := locateJS(selector)
	if err != nil {
		return p.errorf("click", err)
	}
	var pt struct{ X, Y float64 }
	if err := p.Eval(js, &pt); err != nil {
		return err
	}
	ctx, cancel := p.op()
	defer cancel()
	if err := p.d.click(ctx, pt.X, pt.Y); err != nil {
		return p.errorf(fmt.Sprintf("click %q at (%.0f, %.0f)", selector, pt.X, pt.Y), err)
	}
	return nil
}

func (p *page) Press(name string) error {
	k, err := parseKey(name)
	if err != nil {
		return p.errorf("press", err)
	}
	ctx, cancel := p.op()
	defer cancel()
	if err := p.d.press(ctx, k); err != nil {
		return p.errorf("press "+name, err)
	}
	return nil
}

func (p *page) Cookies() ([]Cookie, error) {
	var loc string
	if err := p.Eval("location.href", &loc); err != nil {
		return nil, err
	}
	ctx, cancel := p.op()
	defer cancel()
	all, err := p.d.cookies(ctx)
	if err != nil {
		return nil, p.errorf("cookies", err)
	}
	return cookiesFor(all, loc)
}

func (p *page) Screenshot(path string) error {
	ctx, cancel := p.op()
	defer cancel()
	b, err := p.d.screenshot(ctx)
	if err != nil {
		return p.errorf("screenshot", err)
	}
	if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
		return p.errorf("screenshot: not a PNG", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return p.errorf("screenshot", err)
	}
	return nil
}

func (p *page) ConsoleMessages() ([]ConsoleMessage, error) {
	msgs, err := p.d.console()
	if err != nil {
		return nil, p.errorf("console messages", err)
	}
	return msgs, nil
}

func (p *page) Close() error {
	p.closeOnce.Do(func() {
		if err := p.d.close(); err != nil {
			p.closeErr = p.errorf("close", err)
		}
	})
	return p.closeErr
}

// viewport returns the page size asked for, or the default 1280×800.
func viewport(o PageOptions) (w, h int) {
	w, h = o.Width, o.Height
	if w <= 0 {
		w = 1280
	}
	if h <= 0 {
		h = 800
	}
	return w, h
}
