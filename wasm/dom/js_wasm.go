//go:build js && wasm

package dom

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/hack-pad/safejs"
)

// reflect is JavaScript's Reflect. Properties are read and written through
// its functions: syscall/js turns an exception thrown by a call into an
// error that safejs returns, but one thrown by a plain property access (a
// getter such as document.cookie in a sandboxed frame) would crash the wasm.
var reflect = func() safejs.Value {
	r, _ := safejs.Global().Get("Reflect")
	return r
}()

// Prop reads a property; a throwing getter is an error.
func Prop(v safejs.Value, name string) (safejs.Value, error) {
	if v.IsUndefined() || v.IsNull() {
		return v, fmt.Errorf("reading %s of %s", name, v.Type())
	}
	return reflect.Call("get", v, name)
}

// SetProp writes a property; a throwing setter is an error.
func SetProp(v safejs.Value, name string, x any) error {
	if v.IsUndefined() || v.IsNull() {
		return fmt.Errorf("writing %s of %s", name, v.Type())
	}
	_, err := reflect.Call("set", v, name, x)
	return err
}

// Get reads a property and fails on undefined or null.
func Get(v safejs.Value, name string) (safejs.Value, error) {
	p, err := Prop(v, name)
	if err != nil {
		return safejs.Undefined(), err
	}
	if p.IsUndefined() || p.IsNull() {
		return p, fmt.Errorf("%s is %s", name, p.Type())
	}
	return p, nil
}

// Str is a JavaScript string value as Go, "" for anything else.
func Str(v safejs.Value, err error) string {
	if err != nil || v.Type() != safejs.TypeString {
		return ""
	}
	s, _ := v.String()
	return s
}

// Truthy reports whether a value is truthy.
func Truthy(v safejs.Value) bool {
	ok, _ := v.Truthy()
	return ok
}

// Items returns the entries of a NodeList, NamedNodeMap or array; an
// unreadable list is empty.
func Items(list safejs.Value) []safejs.Value {
	n, err := Prop(list, "length")
	if err != nil {
		return nil
	}
	count, _ := n.Int()
	out := make([]safejs.Value, 0, count)
	for i := range count {
		v, err := Prop(list, strconv.Itoa(i))
		if err == nil && !v.IsUndefined() && !v.IsNull() {
			out = append(out, v)
		}
	}
	return out
}

// Trust is the loader's Trusted Types policy as a program reaches it: on a
// page whose CSP requires Trusted Types, a script URL or code goes through
// it, and it refuses what the widget's current rules do not allow. Where
// the browser has none, it returns the string itself.
type Trust struct {
	// ScriptURL and Script are the policy's functions: (url) and (code,
	// blocked script element).
	ScriptURL, Script safejs.Value
	// Approve tells the policy, on a channel the page's scripts cannot
	// reach, the one script URL (kind ApproveURL) or code (ApproveCode)
	// it may make next: the policy makes nothing it was not told.
	Approve func(kind uint32, value string)
}

// Kinds of what Trust.Approve approves.
const (
	ApproveURL  = 1
	ApproveCode = 2
)

// jsDocument is a Document in the browser.
type jsDocument struct {
	window, document safejs.Value
	trust            Trust
}

// NewDocument binds the document of window, whose script URLs and code go
// through trust.
func NewDocument(window safejs.Value, trust Trust) (Document, error) {
	doc, err := Get(window, "document")
	if err != nil {
		return nil, fmt.Errorf("reading the host document (is the frame same-origin?): %w", err)
	}
	return &jsDocument{window: window, document: doc, trust: trust}, nil
}

func (d *jsDocument) Cookie() (string, error) {
	v, err := Prop(d.document, "cookie")
	if err != nil {
		return "", err
	}
	return v.String()
}

func (d *jsDocument) SetCookie(s string) error {
	return SetProp(d.document, "cookie", s)
}

func (d *jsDocument) Location() Location {
	loc, _ := Get(d.window, "location")
	protocol := Str(Prop(loc, "protocol"))
	return Location{
		Href: Str(Prop(loc, "href")), Origin: Str(Prop(loc, "origin")), Hostname: Str(Prop(loc, "hostname")),
		Path: Str(Prop(loc, "pathname")),
		Base: Str(Prop(d.document, "baseURI")), HTTPS: protocol == "https:",
	}
}

func (d *jsDocument) GPC() bool {
	nav, err := Get(d.window, "navigator")
	if err != nil {
		return false
	}
	v, err := Prop(nav, "globalPrivacyControl")
	if err != nil || v.Type() != safejs.TypeBoolean {
		return false
	}
	b, _ := v.Bool()
	return b
}

func (d *jsDocument) Root() (Element, error) {
	root, err := Get(d.document, "documentElement")
	if err != nil {
		return nil, err
	}
	return d.wrap(root), nil
}

func (d *jsDocument) QueryAll(selector string) ([]Element, error) {
	return queryAll(d, d.document, selector)
}

func queryAll(d *jsDocument, root safejs.Value, selector string) ([]Element, error) {
	list, err := root.Call("querySelectorAll", selector)
	if err != nil {
		return nil, fmt.Errorf("querySelectorAll(%q): %w", selector, err)
	}
	items := Items(list)
	out := make([]Element, len(items))
	for i, v := range items {
		out[i] = d.wrap(v)
	}
	return out, nil
}

func (d *jsDocument) CreateElement(tag string) (Element, error) {
	el, err := d.document.Call("createElement", tag)
	if err != nil {
		return nil, fmt.Errorf("createElement(%s): %w", tag, err)
	}
	return d.wrap(el), nil
}

func (d *jsDocument) CreateText(text string) (Element, error) {
	n, err := d.document.Call("createTextNode", text)
	if err != nil {
		return nil, err
	}
	return d.wrap(n), nil
}

func (d *jsDocument) Storage(session bool) (Storage, error) {
	name := "localStorage"
	if session {
		name = "sessionStorage"
	}
	store, err := Get(d.window, name)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return jsStorage{name: name, v: store}, nil
}

func (d *jsDocument) Dispatch(name string, detail map[string]any) error {
	ctor, err := Get(d.window, "CustomEvent")
	if err != nil {
		return err
	}
	ev, err := ctor.New(name, map[string]any{"detail": detail})
	if err != nil {
		return fmt.Errorf("creating %s: %w", name, err)
	}
	_, err = d.document.Call("dispatchEvent", ev)
	return err
}

func (d *jsDocument) Observe(f func(added, removed []Element)) error {
	ctor, err := Get(d.window, "MutationObserver")
	if err != nil {
		return err
	}
	fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 {
			return nil
		}
		var added, removed []Element
		for _, rec := range Items(args[0]) {
			for _, n := range Items(must(Prop(rec, "addedNodes"))) {
				if isElement(n) {
					added = append(added, d.wrap(n))
				}
			}
			for _, n := range Items(must(Prop(rec, "removedNodes"))) {
				if isElement(n) {
					removed = append(removed, d.wrap(n))
				}
			}
		}
		f(added, removed)
		return nil
	})
	if err != nil {
		return err
	}
	observer, err := ctor.New(fn)
	if err != nil {
		return fmt.Errorf("new MutationObserver: %w", err)
	}
	root, err := Get(d.document, "documentElement")
	if err != nil {
		return err
	}
	_, err = observer.Call("observe", root, map[string]any{"childList": true, "subtree": true})
	return err
}

func must(v safejs.Value, err error) safejs.Value {
	if err != nil {
		return safejs.Undefined()
	}
	return v
}

func isElement(v safejs.Value) bool {
	t, err := Prop(v, "nodeType")
	if err != nil {
		return false
	}
	n, _ := t.Int()
	return n == 1
}

func (d *jsDocument) Theme(el, from Element, names []string) error {
	computed, err := d.window.Call("getComputedStyle", from.(*jsElement).v)
	if err != nil {
		return fmt.Errorf("reading the host's theme: %w", err)
	}
	for _, name := range names {
		s := Str(computed.Call("getPropertyValue", name))
		if trimmed := trimSpace(s); trimmed != "" {
			if err := el.SetStyle(name, trimmed, ""); err != nil {
				return fmt.Errorf("setting %s: %w", name, err)
			}
		}
	}
	return nil
}

// trimSpace trims CSS white space, without package strings' Unicode
// tables.
func trimSpace(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// jsStorage is a Web Storage area.
type jsStorage struct {
	name string
	v    safejs.Value
}

func (s jsStorage) Keys() ([]string, error) {
	n, err := Prop(s.v, "length")
	if err != nil {
		return nil, err
	}
	count, _ := n.Int()
	keys := make([]string, 0, count)
	var errs []error
	for i := range count {
		k, err := s.v.Call("key", i)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		keys = append(keys, Str(k, nil))
	}
	return keys, errors.Join(errs...)
}

func (s jsStorage) Get(key string) (string, bool, error) {
	v, err := s.v.Call("getItem", key)
	if err != nil {
		return "", false, fmt.Errorf("%s.getItem(%q): %w", s.name, key, err)
	}
	if v.Type() != safejs.TypeString {
		return "", false, nil
	}
	return Str(v, nil), true, nil
}

func (s jsStorage) Set(key, value string) error {
	if _, err := s.v.Call("setItem", key, value); err != nil {
		return fmt.Errorf("%s.setItem(%q): %w", s.name, key, err)
	}
	return nil
}

func (s jsStorage) Remove(key string) error {
	if _, err := s.v.Call("removeItem", key); err != nil {
		return fmt.Errorf("%s.removeItem(%q): %w", s.name, key, err)
	}
	return nil
}

// JSConsole is the browser's console.
type JSConsole struct{}

// Error writes to the console's error stream, prefixed "consent: ".
func (JSConsole) Error(msg string) { logTo("error", msg) }

// Warn writes to the console's warning stream, prefixed "consent: ".
func (JSConsole) Warn(msg string) { logTo("warn", msg) }

func logTo(stream, msg string) {
	console, err := Get(safejs.Global(), "console")
	if err != nil {
		return
	}
	_, _ = console.Call(stream, "consent: "+msg)
}
