//go:build js && wasm

package dom

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"
)

// jsElement is an Element in the browser.
type jsElement struct {
	doc *jsDocument
	v   safejs.Value
}

func (d *jsDocument) wrap(v safejs.Value) *jsElement { return &jsElement{doc: d, v: v} }

// Value returns the element's JavaScript value.
func Value(el Element) safejs.Value { return el.(*jsElement).v }

func (e *jsElement) Tag() string {
	t := Str(Prop(e.v, "localName"))
	return t
}

func (e *jsElement) Attr(name string) (string, bool) {
	v, err := e.v.Call("getAttribute", name)
	if err != nil || v.Type() != safejs.TypeString {
		return "", false
	}
	return Str(v, nil), true
}

func (e *jsElement) SetAttr(name, value string) error {
	if _, err := e.v.Call("setAttribute", name, value); err != nil {
		return fmt.Errorf("setting %s: %w", name, err)
	}
	return nil
}

func (e *jsElement) RemoveAttr(name string) error {
	_, err := e.v.Call("removeAttribute", name)
	return err
}

func (e *jsElement) Attrs() []Attribute {
	attrs, err := Prop(e.v, "attributes")
	if err != nil {
		return nil
	}
	var out []Attribute
	for _, a := range Items(attrs) {
		out = append(out, Attribute{Name: Str(Prop(a, "name")), Value: Str(Prop(a, "value"))})
	}
	return out
}

func (e *jsElement) Matches(selector string) (bool, error) {
	ok, err := e.v.Call("matches", selector)
	if err != nil {
		return false, err
	}
	return Truthy(ok), nil
}

func (e *jsElement) QueryAll(selector string) ([]Element, error) {
	return queryAll(e.doc, e.v, selector)
}

func (e *jsElement) Children() []Element {
	list, err := Prop(e.v, "children")
	if err != nil {
		return nil
	}
	var out []Element
	for _, c := range Items(list) {
		out = append(out, e.doc.wrap(c))
	}
	return out
}

func (e *jsElement) Parent() Element {
	p, err := Prop(e.v, "parentElement")
	if err != nil || p.IsNull() || p.IsUndefined() {
		return nil
	}
	return e.doc.wrap(p)
}

func (e *jsElement) Connected() bool {
	v, err := Prop(e.v, "isConnected")
	return err == nil && Truthy(v)
}

func (e *jsElement) Same(other Element) bool {
	o, ok := other.(*jsElement)
	return ok && e.v.Equal(o.v)
}

func (e *jsElement) InDocument(doc Document) bool {
	d, ok := doc.(*jsDocument)
	if !ok {
		return false
	}
	owner, err := Prop(e.v, "ownerDocument")
	return err == nil && owner.Equal(d.document)
}

func values(nodes []Element) []any {
	out := make([]any, len(nodes))
	for i, n := range nodes {
		out[i] = n.(*jsElement).v
	}
	return out
}

func (e *jsElement) Append(nodes ...Element) error {
	_, err := e.v.Call("append", values(nodes)...)
	return err
}

func (e *jsElement) Before(nodes ...Element) error {
	_, err := e.v.Call("before", values(nodes)...)
	return err
}

func (e *jsElement) After(nodes ...Element) error {
	_, err := e.v.Call("after", values(nodes)...)
	return err
}

func (e *jsElement) ReplaceWith(node Element) error {
	_, err := e.v.Call("replaceWith", node.(*jsElement).v)
	return err
}

func (e *jsElement) Remove() error {
	_, err := e.v.Call("remove")
	return err
}

func (e *jsElement) Clone() (Element, error) {
	c, err := e.v.Call("cloneNode", true)
	if err != nil {
		return nil, err
	}
	return e.doc.wrap(c), nil
}

func (e *jsElement) Text() string { return Str(Prop(e.v, "textContent")) }

func (e *jsElement) SetText(text string) error { return SetProp(e.v, "textContent", text) }

func (e *jsElement) style() (safejs.Value, error) { return Get(e.v, "style") }

func (e *jsElement) Style(name string) (value, priority string) {
	style, err := e.style()
	if err != nil {
		return "", ""
	}
	return Str(style.Call("getPropertyValue", name)), Str(style.Call("getPropertyPriority", name))
}

func (e *jsElement) SetStyle(name, value, priority string) error {
	style, err := e.style()
	if err != nil {
		return err
	}
	_, err = style.Call("setProperty", name, value, priority)
	return err
}

func (e *jsElement) RemoveStyle(name string) error {
	style, err := e.style()
	if err != nil {
		return err
	}
	_, err = style.Call("removeProperty", name)
	return err
}

func (e *jsElement) OnEvent(name string, f func()) error {
	fn, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		f()
		return nil
	})
	if err != nil {
		return err
	}
	_, err = e.v.Call("addEventListener", name, fn)
	return err
}

func (e *jsElement) AttachShadow() (Element, error) {
	root, err := e.v.Call("attachShadow", map[string]any{"mode": "open"})
	if err != nil {
		return nil, fmt.Errorf("attachShadow: %w", err)
	}
	return e.doc.wrap(root), nil
}

func (e *jsElement) Reload() error {
	_, err := e.v.Call("load")
	return err
}

func (e *jsElement) Script() Script {
	if e.Tag() != "script" {
		return nil
	}
	return jsScript{e}
}

// jsScript is a script element.
type jsScript struct{ *jsElement }

func (s jsScript) Nonce() string { return Str(Prop(s.v, "nonce")) }

func (s jsScript) SetNonce(nonce string) error { return SetProp(s.v, "nonce", nonce) }

func (s jsScript) Code() string { return Str(Prop(s.v, "text")) }

func (s jsScript) SetCode(code string, of Element) error {
	if s.doc.trust.Approve != nil {
		s.doc.trust.Approve(ApproveCode, code)
	}
	trusted, err := s.doc.trust.Script.Invoke(code, of.(*jsElement).v)
	if err != nil {
		return fmt.Errorf("inline script: %w", err)
	}
	return SetProp(s.v, "text", trusted)
}

func (s jsScript) SetSrc(url string) error {
	if s.doc.trust.Approve != nil {
		s.doc.trust.Approve(ApproveURL, url)
	}
	trusted, err := s.doc.trust.ScriptURL.Invoke(url)
	if err != nil {
		return fmt.Errorf("script URL %s: %w", url, err)
	}
	if _, err := s.v.Call("setAttribute", "src", trusted); err != nil {
		return fmt.Errorf("setting src on <script>: %w", err)
	}
	return nil
}

func (s jsScript) SetAsync(async bool) error { return SetProp(s.v, "async", async) }

// Post sends body to path on the page's origin with the page's own fetch,
// so that the request is the page's (its origin, its CSP's connect-src
// 'self': Firefox does not match 'self' from the srcdoc frame), with
// keepalive so that it outlives the page, and no credentials but the
// site's own: the body is all the endpoint learns.
func (d *jsDocument) Post(path string, body []byte, done func(ok bool)) error {
	init, err := safejs.ValueOf(map[string]any{
		"method":      "POST",
		"keepalive":   true,
		"credentials": "same-origin",
		"mode":        "same-origin",
		"cache":       "no-store",
		"headers":     map[string]any{"Content-Type": "application/json"},
		"body":        string(body),
	})
	if err != nil {
		return err
	}
	promise, err := d.window.Call("fetch", d.Location().Origin+path, init)
	if err != nil {
		return err
	}
	var onOK, onErr safejs.Func
	settle := func(ok bool) {
		onOK.Release()
		onErr.Release()
		done(ok)
	}
	onOK, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ok := false
		if len(args) > 0 {
			if v, err := Prop(args[0], "ok"); err == nil {
				ok, _ = v.Bool()
			}
		}
		settle(ok)
		return nil
	})
	if err != nil {
		return err
	}
	onErr, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		settle(false)
		return nil
	})
	if err != nil {
		onOK.Release()
		return err
	}
	if _, err := promise.Call("then", onOK, onErr); err != nil {
		onOK.Release()
		onErr.Release()
		return errors.Join(errors.New("waiting for the answer"), err)
	}
	return nil
}

// Wrap returns the node v, of the browser document doc, as an Element.
func Wrap(doc Document, v safejs.Value) Element { return doc.(*jsDocument).wrap(v) }

// DocumentValue returns doc's JavaScript document.
func DocumentValue(doc Document) safejs.Value { return doc.(*jsDocument).document }
