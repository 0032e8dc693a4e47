//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// page is the host document, reached from the widget's frame through
// window.parent. Every call goes through safejs: a JavaScript exception (a
// sandboxed frame refusing document.cookie, a host that froze a prototype)
// becomes a Go error instead of a panic.
type page struct {
	window   safejs.Value
	document safejs.Value
}

// hostPage returns the page that loaded the widget: the frame's parent.
func hostPage() (*page, error) {
	parent, err := get(safejs.Global(), "parent")
	if err != nil {
		return nil, fmt.Errorf("reading window.parent: %w", err)
	}
	doc, err := get(parent, "document")
	if err != nil {
		return nil, fmt.Errorf("reading the host document (is the frame same-origin?): %w", err)
	}
	return &page{window: parent, document: doc}, nil
}

// reflect is JavaScript's Reflect. Properties are read and written through
// its functions: syscall/js turns an exception thrown by a call into an error
// that safejs returns, but one thrown by a plain property access (a getter
// such as document.cookie in a sandboxed frame) would crash the wasm.
var reflect = func() safejs.Value {
	r, _ := safejs.Global().Get("Reflect")
	return r
}()

// prop reads a property; a throwing getter is an error.
func prop(v safejs.Value, name string) (safejs.Value, error) {
	if v.IsUndefined() || v.IsNull() {
		return v, fmt.Errorf("reading %s of %s", name, v.Type())
	}
	return reflect.Call("get", v, name)
}

// setProp writes a property; a throwing setter is an error.
func setProp(v safejs.Value, name string, x any) error {
	if v.IsUndefined() || v.IsNull() {
		return fmt.Errorf("writing %s of %s", name, v.Type())
	}
	_, err := reflect.Call("set", v, name, x)
	return err
}

// get reads a property and fails on undefined or null.
func get(v safejs.Value, name string) (safejs.Value, error) {
	p, err := prop(v, name)
	if err != nil {
		return safejs.Undefined(), err
	}
	if p.IsUndefined() || p.IsNull() {
		return p, fmt.Errorf("%s is %s", name, p.Type())
	}
	return p, nil
}

// Cookie returns document.cookie.
func (p *page) Cookie() (string, error) {
	v, err := prop(p.document, "cookie")
	if err != nil {
		return "", fmt.Errorf("reading document.cookie: %w", err)
	}
	return v.String()
}

// SetCookie assigns one Set-Cookie style string to document.cookie.
func (p *page) SetCookie(s string) error {
	if err := setProp(p.document, "cookie", s); err != nil {
		return fmt.Errorf("writing document.cookie: %w", err)
	}
	return nil
}

// Hostname returns location.hostname, or "" if it cannot be read.
func (p *page) Hostname() string {
	loc, err := get(p.window, "location")
	if err != nil {
		return ""
	}
	v, err := get(loc, "hostname")
	if err != nil {
		return ""
	}
	s, _ := v.String()
	return s
}

// ExpireCookie deletes every copy of the cookie name that the page can
// clear (consent.ExpireCookieStrings): host-only and each parent domain.
func (p *page) ExpireCookie(name string) error {
	var errs []error
	for _, s := range consent.ExpireCookieStrings(name, p.Hostname(), p.HTTPS()) {
		errs = append(errs, p.SetCookie(s))
	}
	return errors.Join(errs...)
}

// HTTPS reports whether the page was served over https, so that the consent
// cookie gets the Secure attribute.
func (p *page) HTTPS() bool {
	loc, err := get(p.window, "location")
	if err != nil {
		return false
	}
	proto, err := get(loc, "protocol")
	if err != nil {
		return false
	}
	s, _ := proto.String()
	return s == "https:"
}

// GPC reports whether the browser sends the Global Privacy Control signal.
// Anything but a plain true counts as no signal.
func (p *page) GPC() bool {
	nav, err := get(p.window, "navigator")
	if err != nil {
		return false
	}
	v, err := prop(nav, "globalPrivacyControl")
	if err != nil || v.Type() != safejs.TypeBoolean {
		return false
	}
	b, _ := v.Bool()
	return b
}

// QueryAll returns the elements matching a CSS selector.
func (p *page) QueryAll(selector string) ([]safejs.Value, error) {
	list, err := p.document.Call("querySelectorAll", selector)
	if err != nil {
		return nil, fmt.Errorf("querySelectorAll(%q): %w", selector, err)
	}
	n, err := list.Length()
	if err != nil {
		return nil, err
	}
	out := make([]safejs.Value, 0, n)
	for i := range n {
		el, err := list.Index(i)
		if err != nil {
			return nil, err
		}
		out = append(out, el)
	}
	return out, nil
}

// Children returns the element children of el.
func Children(el safejs.Value) ([]safejs.Value, error) {
	list, err := get(el, "children")
	if err != nil {
		return nil, err
	}
	n, err := list.Length()
	if err != nil {
		return nil, err
	}
	out := make([]safejs.Value, 0, n)
	for i := range n {
		c, err := list.Index(i)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Element creates an element in the host document with the given
// attributes and text.
func (p *page) Element(tag string, attrs map[string]string, text string) (safejs.Value, error) {
	el, err := p.document.Call("createElement", tag)
	if err != nil {
		return el, fmt.Errorf("createElement(%s): %w", tag, err)
	}
	for k, v := range attrs {
		if _, err := el.Call("setAttribute", k, v); err != nil {
			return el, fmt.Errorf("setting %s on <%s>: %w", k, tag, err)
		}
	}
	if text != "" {
		if err := setProp(el, "textContent", text); err != nil {
			return el, err
		}
	}
	return el, nil
}

// Append appends children to a parent element, stopping at the first error.
func Append(parent safejs.Value, children ...safejs.Value) error {
	for _, c := range children {
		if _, err := parent.Call("appendChild", c); err != nil {
			return fmt.Errorf("appendChild: %w", err)
		}
	}
	return nil
}

// Remove detaches elements from the document.
func Remove(els ...safejs.Value) error {
	var errs []error
	for _, el := range els {
		if _, err := el.Call("remove"); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ClearStorage removes the keys starting with any of the prefixes from the
// host's localStorage and sessionStorage (R16).
func (p *page) ClearStorage(prefixes []string) error {
	var errs []error
	for _, name := range []string{"localStorage", "sessionStorage"} {
		store, err := get(p.window, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading %s: %w", name, err))
			continue
		}
		n, err := prop(store, "length")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		count, _ := n.Int()
		var doomed []string
		for i := range count {
			k, err := store.Call("key", i)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			key, _ := k.String()
			for _, prefix := range prefixes {
				if strings.HasPrefix(key, prefix) {
					doomed = append(doomed, key)
					break
				}
			}
		}
		for _, key := range doomed {
			if _, err := store.Call("removeItem", key); err != nil {
				errs = append(errs, fmt.Errorf("%s.removeItem(%q): %w", name, key, err))
			}
		}
	}
	return errors.Join(errs...)
}

// consoleError writes to the browser console's error stream.
func consoleError(format string, args ...any) {
	console, err := get(safejs.Global(), "console")
	if err != nil {
		return
	}
	_, _ = console.Call("error", "consent: "+fmt.Sprintf(format, args...))
}

// consoleWarn writes to the browser console's warning stream.
func consoleWarn(format string, args ...any) {
	console, err := get(safejs.Global(), "console")
	if err != nil {
		return
	}
	_, _ = console.Call("warn", "consent: "+fmt.Sprintf(format, args...))
}
