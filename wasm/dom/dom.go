// Package dom is the part of a web page the widget's page program uses,
// behind interfaces: the host document's cookie, location, storage and
// elements, and the browser's console. The browser implements them in
// js_wasm.go, through safejs, so that a JavaScript exception becomes an
// error; package domtest implements them on Linux over a parsed HTML
// document, so that everything the widget decides and does to a page is
// tested without a browser.
package dom

// Document is the host page: the document the site loaded the widget into.
type Document interface {
	// Cookie returns document.cookie.
	Cookie() (string, error)
	// SetCookie assigns one Set-Cookie style string to document.cookie.
	SetCookie(s string) error
	// Location returns where the page is.
	Location() Location
	// GPC reports whether the browser sends the Global Privacy Control
	// signal (navigator.globalPrivacyControl is exactly true).
	GPC() bool
	// Root returns the document element.
	Root() (Element, error)
	// QueryAll returns the elements matching a CSS selector, in document
	// order.
	QueryAll(selector string) ([]Element, error)
	// CreateElement creates an element of the document, not yet inserted.
	CreateElement(tag string) (Element, error)
	// CreateText creates a text node.
	CreateText(text string) (Element, error)
	// Storage returns the page's localStorage (session false) or
	// sessionStorage (session true).
	Storage(session bool) (Storage, error)
	// Dispatch dispatches a CustomEvent named name on the document, with
	// detail as its event.detail (plain data: maps, slices, strings,
	// numbers and booleans).
	Dispatch(name string, detail map[string]any) error
	// Observe calls f with the elements added to and removed from the
	// document's tree from now on, once per batch of changes.
	Observe(f func(added, removed []Element)) error
	// Post sends body as JSON to path on the page's own origin, without
	// waiting, and calls done with whether a 2xx answer came, once one
	// comes or the request fails. The request outlives the page.
	Post(path string, body []byte, done func(ok bool)) error
	// Theme copies the values of the custom properties names, as computed
	// on from, onto el's inline style; a property from does not set is
	// left alone.
	Theme(el, from Element, names []string) error
}

// Location is the page's address.
type Location struct {
	// Href is the whole URL, Origin its scheme, host and port, Hostname
	// its host without port, Path its path, Base the document's base URL.
	Href, Origin, Hostname, Path, Base string
	// HTTPS is true when the page was served over https.
	HTTPS bool
}

// Element is an element (or a text node, or a shadow root) of a document.
// Its methods fail rather than panic when the browser throws.
type Element interface {
	// Tag returns the element's lowercase tag name, "" for a text node or
	// a shadow root.
	Tag() string
	// Attr returns an attribute's value and whether it is set.
	Attr(name string) (string, bool)
	// SetAttr sets an attribute.
	SetAttr(name, value string) error
	// RemoveAttr removes an attribute.
	RemoveAttr(name string) error
	// Attrs returns every attribute, in order.
	Attrs() []Attribute
	// Matches reports whether the element matches a CSS selector.
	Matches(selector string) (bool, error)
	// QueryAll returns the descendants matching a CSS selector, in
	// document order.
	QueryAll(selector string) ([]Element, error)
	// Children returns the child elements.
	Children() []Element
	// Parent returns the parent element, or nil.
	Parent() Element
	// Connected reports whether the element is in a document.
	Connected() bool
	// Same reports whether other is the same node.
	Same(other Element) bool
	// InDocument reports whether the element belongs to doc.
	InDocument(doc Document) bool
	// Append appends nodes as the last children, Before and After insert
	// them next to the element, ReplaceWith puts a node in its place and
	// Remove takes it out of the tree.
	Append(nodes ...Element) error
	Before(nodes ...Element) error
	After(nodes ...Element) error
	ReplaceWith(node Element) error
	Remove() error
	// Clone returns a deep copy, not inserted.
	Clone() (Element, error)
	// Text returns the text content; SetText replaces the children by
	// one text node.
	Text() string
	SetText(text string) error
	// Style returns an inline style property's value and priority, and
	// SetStyle and RemoveStyle change it.
	Style(name string) (value, priority string)
	SetStyle(name, value, priority string) error
	RemoveStyle(name string) error
	// OnEvent calls f each time the event name fires on the element, for
	// as long as the page lives.
	OnEvent(name string, f func()) error
	// AttachShadow gives the element an open shadow root, the element
	// returned.
	AttachShadow() (Element, error)
	// Reload makes a media element choose among its sources again.
	Reload() error
	// Script is the element as a script, or nil if it is none.
	Script() Script
}

// Attribute is an attribute of an element.
type Attribute struct{ Name, Value string }

// Script is a script element: its properties that attributes do not show
// or that the page's Trusted Types policy guards.
type Script interface {
	// Nonce returns the nonce, which the browser hides from attributes.
	Nonce() string
	SetNonce(nonce string) error
	// Code returns the script's inline code.
	Code() string
	// SetCode sets the inline code of a new script, of, the blocked script
	// it copies, passed through the page's Trusted Types policy.
	SetCode(code string, of Element) error
	// SetSrc sets the URL of a new script, through the page's Trusted
	// Types policy.
	SetSrc(url string) error
	// SetAsync sets the async property: an inserted script is async
	// unless set false.
	SetAsync(async bool) error
}

// Storage is a Web Storage area (localStorage, sessionStorage).
type Storage interface {
	// Keys returns every key.
	Keys() ([]string, error)
	// Get returns a key's value and whether it is set.
	Get(key string) (string, bool, error)
	Set(key, value string) error
	Remove(key string) error
}

// Console is where the widget says what went wrong: the browser's console,
// each message prefixed "consent: ".
type Console interface {
	Error(msg string)
	Warn(msg string)
}
