package domtest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/andybalholm/cascadia"
	"github.com/civic-consent/consent/wasm/dom"
	"golang.org/x/net/html"
)

// Element is a dom.Element over a node of a Document.
type Element struct {
	doc *Document
	n   *html.Node
	// handlers are the event listeners, by event name.
	handlers map[string][]func()
	// script holds what a script element keeps outside its attributes.
	nonce string
	async *bool
	// Trusted records the Trusted Types conversions a script asked for:
	// "src " + URL or "code " + code.
	Trusted []string
}

var _ dom.Element = (*Element)(nil)

// Node returns the element's node.
func (e *Element) Node() *html.Node { return e.n }

// Tag returns the lowercase tag name.
func (e *Element) Tag() string {
	if e.n.Type != html.ElementNode {
		return ""
	}
	return e.n.Data
}

// Attr returns an attribute.
func (e *Element) Attr(name string) (string, bool) {
	name = strings.ToLower(name)
	for _, a := range e.n.Attr {
		if a.Key == name && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

// SetAttr sets an attribute.
func (e *Element) SetAttr(name, value string) error {
	if e.n.Type != html.ElementNode {
		return errors.New("domtest: setAttribute on a node that is not an element")
	}
	name = strings.ToLower(name)
	for i, a := range e.n.Attr {
		if a.Key == name && a.Namespace == "" {
			e.n.Attr[i].Val = value
			return nil
		}
	}
	e.n.Attr = append(e.n.Attr, html.Attribute{Key: name, Val: value})
	return nil
}

// RemoveAttr removes an attribute.
func (e *Element) RemoveAttr(name string) error {
	name = strings.ToLower(name)
	for i, a := range e.n.Attr {
		if a.Key == name && a.Namespace == "" {
			e.n.Attr = append(e.n.Attr[:i], e.n.Attr[i+1:]...)
			return nil
		}
	}
	return nil
}

// Attrs returns the attributes.
func (e *Element) Attrs() []dom.Attribute {
	out := make([]dom.Attribute, 0, len(e.n.Attr))
	for _, a := range e.n.Attr {
		out = append(out, dom.Attribute{Name: a.Key, Value: a.Val})
	}
	return out
}

// Matches reports whether the element matches selector.
func (e *Element) Matches(selector string) (bool, error) {
	sel, err := cascadia.Compile(selector)
	if err != nil {
		return false, fmt.Errorf("SyntaxError: %q is not a valid selector", selector)
	}
	return e.n.Type == html.ElementNode && sel.Match(e.n), nil
}

// QueryAll returns the matching descendants.
func (e *Element) QueryAll(selector string) ([]dom.Element, error) {
	return e.doc.query(e.n, selector)
}

// Children returns the child elements.
func (e *Element) Children() []dom.Element {
	var out []dom.Element
	for c := e.n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			out = append(out, e.doc.wrap(c))
		}
	}
	return out
}

// Parent returns the parent element.
func (e *Element) Parent() dom.Element {
	if p := e.n.Parent; p != nil && p.Type == html.ElementNode {
		return e.doc.wrap(p)
	}
	return nil
}

// Connected reports whether the node is in the document, through shadow
// roots too.
func (e *Element) Connected() bool {
	n := e.n
	for n.Parent != nil {
		n = n.Parent
	}
	if n == e.doc.root {
		return true
	}
	for host, root := range e.doc.shadows {
		if root == n {
			return e.doc.wrap(host).Connected()
		}
	}
	return false
}

// Same reports whether other is this node.
func (e *Element) Same(other dom.Element) bool {
	o, ok := other.(*Element)
	return ok && o.n == e.n
}

// InDocument reports whether the element belongs to doc.
func (e *Element) InDocument(doc dom.Document) bool {
	d, ok := doc.(*Document)
	return ok && d == e.doc
}

func (e *Element) detach(nodes []dom.Element) ([]*html.Node, error) {
	out := make([]*html.Node, 0, len(nodes))
	for _, x := range nodes {
		o, ok := x.(*Element)
		if !ok || o.doc != e.doc {
			return nil, errors.New("domtest: a node of another document")
		}
		if o.n.Parent != nil {
			o.n.Parent.RemoveChild(o.n)
		}
		out = append(out, o.n)
	}
	return out, nil
}

// Append appends nodes.
func (e *Element) Append(nodes ...dom.Element) error {
	ns, err := e.detach(nodes)
	if err != nil {
		return err
	}
	for _, n := range ns {
		e.n.AppendChild(n)
	}
	return nil
}

// Before inserts nodes before the element.
func (e *Element) Before(nodes ...dom.Element) error {
	if e.n.Parent == nil {
		return nil
	}
	ns, err := e.detach(nodes)
	if err != nil {
		return err
	}
	for _, n := range ns {
		e.n.Parent.InsertBefore(n, e.n)
	}
	return nil
}

// After inserts nodes after the element.
func (e *Element) After(nodes ...dom.Element) error {
	if e.n.Parent == nil {
		return nil
	}
	ns, err := e.detach(nodes)
	if err != nil {
		return err
	}
	next := e.n.NextSibling
	for _, n := range ns {
		e.n.Parent.InsertBefore(n, next)
	}
	return nil
}

// ReplaceWith puts node where the element is.
func (e *Element) ReplaceWith(node dom.Element) error {
	if e.n.Parent == nil {
		return nil
	}
	if err := e.Before(node); err != nil {
		return err
	}
	return e.Remove()
}

// Remove takes the element out of the tree.
func (e *Element) Remove() error {
	if e.n.Parent != nil {
		e.n.Parent.RemoveChild(e.n)
	}
	return nil
}

// Clone returns a deep copy, without listeners, as cloneNode(true) does.
func (e *Element) Clone() (dom.Element, error) {
	return e.doc.wrap(cloneNode(e.n)), nil
}

func cloneNode(n *html.Node) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: append([]html.Attribute(nil), n.Attr...)}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		c.AppendChild(cloneNode(k))
	}
	return c
}

// Text returns the text content.
func (e *Element) Text() string {
	if e.n.Type == html.TextNode {
		return e.n.Data
	}
	var b strings.Builder
	for c := e.n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(e.doc.wrap(c).Text())
	}
	return b.String()
}

// SetText replaces the children by a text node.
func (e *Element) SetText(text string) error {
	for e.n.FirstChild != nil {
		e.n.RemoveChild(e.n.FirstChild)
	}
	if text != "" {
		e.n.AppendChild(&html.Node{Type: html.TextNode, Data: text})
	}
	return nil
}

// Fire calls the element's listeners of an event, as a click would.
func (e *Element) Fire(name string) {
	for _, f := range e.handlers[name] {
		f()
	}
}

// OnEvent adds a listener.
func (e *Element) OnEvent(name string, f func()) error {
	if e.handlers == nil {
		e.handlers = map[string][]func(){}
	}
	e.handlers[name] = append(e.handlers[name], f)
	return nil
}

// AttachShadow gives the element a shadow root, which OuterHTML shows as a
// <shadow-root> first child.
func (e *Element) AttachShadow() (dom.Element, error) {
	if _, ok := e.doc.shadows[e.n]; ok {
		return nil, errors.New("NotSupportedError: the element already has a shadow root")
	}
	root := &html.Node{Type: html.DocumentNode}
	e.doc.shadows[e.n] = root
	return e.doc.wrap(root), nil
}

// Shadow returns the element's shadow root, or nil.
func (e *Element) Shadow() *Element {
	if root, ok := e.doc.shadows[e.n]; ok {
		return e.doc.wrap(root)
	}
	return nil
}

// Reload does nothing: there is no media to choose.
func (e *Element) Reload() error { return nil }

// Script returns the element as a script.
func (e *Element) Script() dom.Script {
	if e.Tag() != "script" {
		return nil
	}
	return (*script)(e)
}

// OuterHTML renders the element, its shadow root first.
func (e *Element) OuterHTML() string {
	var b bytes.Buffer
	e.render(&b, e.n)
	return b.String()
}

func (e *Element) render(b *bytes.Buffer, n *html.Node) {
	if n.Type != html.ElementNode && n.Type != html.DocumentNode {
		_ = html.Render(b, n)
		return
	}
	if n.Type == html.ElementNode {
		b.WriteString("<" + n.Data)
		for _, a := range n.Attr {
			b.WriteString(" " + a.Key + `="` + html.EscapeString(a.Val) + `"`)
		}
		b.WriteString(">")
	}
	if root, ok := e.doc.shadows[n]; ok {
		b.WriteString("<shadow-root>")
		e.render(b, root)
		b.WriteString("</shadow-root>")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		e.render(b, c)
	}
	if n.Type == html.ElementNode {
		b.WriteString("</" + n.Data + ">")
	}
}

// script is an Element as a dom.Script.
type script Element

func (s *script) Nonce() string {
	if s.nonce != "" {
		return s.nonce
	}
	v, _ := (*Element)(s).Attr("nonce")
	return v
}

func (s *script) SetNonce(nonce string) error {
	s.nonce = nonce
	return nil
}

func (s *script) Code() string { return (*Element)(s).Text() }

func (s *script) SetCode(code string, _ dom.Element) error {
	s.Trusted = append(s.Trusted, "code "+code)
	return (*Element)(s).SetText(code)
}

func (s *script) SetSrc(url string) error {
	s.Trusted = append(s.Trusted, "src "+url)
	return (*Element)(s).SetAttr("src", url)
}

func (s *script) SetAsync(async bool) error {
	s.async = &async
	return nil
}

// Async reports the script's async property: true unless set false, as
// for a script a page inserts.
func (e *Element) Async() bool { return e.async == nil || *e.async }
