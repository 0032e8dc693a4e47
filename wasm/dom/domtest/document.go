// Package domtest implements package dom's interfaces on Linux, for tests:
// a document parsed from HTML (golang.org/x/net/html) whose selectors are
// matched by cascadia, a cookie jar with the browser's rules for Domain,
// Path, Secure and Max-Age (net/http/cookiejar), Web Storage, and a console
// that keeps what it is told. Only what the widget does to a page is
// implemented; what a browser would do on its own (run a script, load a
// frame) is left to the test, which can see what the widget asked for.
package domtest

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/andybalholm/cascadia"
	"github.com/civic-consent/consent/wasm/dom"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Document is a dom.Document over a parsed HTML page.
type Document struct {
	root     *html.Node
	loc      dom.Location
	url      *url.URL
	jar      *cookiejar.Jar
	storages [2]*Storage
	// GPCSignal is what navigator.globalPrivacyControl says.
	GPCSignal bool
	// Events are the events dispatched on the document, in order.
	Events []Event
	// Posts are the requests sent with Post, in order; Answer, when set,
	// says whether each one is acknowledged (the default is yes).
	Posts  []Post
	Answer func(path string, body []byte) bool
	// Computed gives the custom properties Theme reads, by name.
	Computed map[string]string
	// FailCookie, when set, makes reading and writing document.cookie
	// fail, as in a sandboxed frame.
	FailCookie error

	elements  map[*html.Node]*Element
	shadows   map[*html.Node]*html.Node
	observers []func(added, removed []dom.Element)
}

// Event is an event dispatched on the document.
type Event struct {
	Name   string
	Detail map[string]any
}

// Post is a request sent with Document.Post.
type Post struct {
	Path string
	Body string
}

// Parse returns the document of page, at address href.
func Parse(href, page string) (*Document, error) {
	u, err := url.Parse(href)
	if err != nil {
		return nil, fmt.Errorf("domtest: %w", err)
	}
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("domtest: parsing the page: %w", err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	d := &Document{
		root: root, url: u, jar: jar,
		loc: dom.Location{
			Href: u.String(), Origin: u.Scheme + "://" + u.Host, Hostname: u.Hostname(), Path: u.EscapedPath(), Base: u.String(),
			HTTPS: u.Scheme == "https",
		},
		storages: [2]*Storage{NewStorage(), NewStorage()},
		elements: map[*html.Node]*Element{},
		shadows:  map[*html.Node]*html.Node{},
	}
	return d, nil
}

// MustParse is Parse for a test's fixed page.
func MustParse(href, page string) *Document {
	d, err := Parse(href, page)
	if err != nil {
		panic(err)
	}
	return d
}

// wrap returns the Element of a node, the same one each time.
func (d *Document) wrap(n *html.Node) *Element {
	if n == nil {
		return nil
	}
	if e, ok := d.elements[n]; ok {
		return e
	}
	e := &Element{doc: d, n: n}
	d.elements[n] = e
	return e
}

// Cookie returns the cookies the page sees, as document.cookie does.
func (d *Document) Cookie() (string, error) {
	if d.FailCookie != nil {
		return "", d.FailCookie
	}
	var pairs []string
	for _, c := range d.jar.Cookies(d.url) {
		if c.Name == "" {
			pairs = append(pairs, c.Value)
			continue
		}
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	return strings.Join(pairs, "; "), nil
}

// SetCookie stores a cookie as document.cookie = s does.
func (d *Document) SetCookie(s string) error {
	if d.FailCookie != nil {
		return d.FailCookie
	}
	c, err := http.ParseSetCookie(s)
	if err != nil {
		// A browser ignores what it cannot parse.
		return nil
	}
	d.jar.SetCookies(d.url, []*http.Cookie{c})
	return nil
}

// SetCookieAt stores a cookie as the page at href would: a sibling
// subdomain's, or another path's.
func (d *Document) SetCookieAt(href, s string) error {
	u, err := url.Parse(href)
	if err != nil {
		return err
	}
	c, err := http.ParseSetCookie(s)
	if err != nil {
		return err
	}
	d.jar.SetCookies(u, []*http.Cookie{c})
	return nil
}

// Location returns the page's address.
func (d *Document) Location() dom.Location { return d.loc }

// GPC returns GPCSignal.
func (d *Document) GPC() bool { return d.GPCSignal }

// Root returns the <html> element.
func (d *Document) Root() (dom.Element, error) {
	for c := d.root.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return d.wrap(c), nil
		}
	}
	return nil, fmt.Errorf("domtest: no document element")
}

// QueryAll returns the elements of the document matching selector.
func (d *Document) QueryAll(selector string) ([]dom.Element, error) {
	return d.query(d.root, selector)
}

func (d *Document) query(n *html.Node, selector string) ([]dom.Element, error) {
	sel, err := cascadia.Compile(selector)
	if err != nil {
		return nil, fmt.Errorf("SyntaxError: %q is not a valid selector", selector)
	}
	var out []dom.Element
	for _, m := range cascadia.QueryAll(n, sel) {
		out = append(out, d.wrap(m))
	}
	return out, nil
}

// CreateElement returns a new element of the document.
func (d *Document) CreateElement(tag string) (dom.Element, error) {
	return d.wrap(&html.Node{Type: html.ElementNode, Data: strings.ToLower(tag)}), nil
}

// CreateText returns a new text node.
func (d *Document) CreateText(text string) (dom.Element, error) {
	return d.wrap(&html.Node{Type: html.TextNode, Data: text}), nil
}

// Storage returns the page's localStorage or sessionStorage.
func (d *Document) Storage(session bool) (dom.Storage, error) {
	if session {
		return d.storages[1], nil
	}
	return d.storages[0], nil
}

// Local is the page's localStorage.
func (d *Document) Local() *Storage { return d.storages[0] }

// Session is the page's sessionStorage.
func (d *Document) Session() *Storage { return d.storages[1] }

// Dispatch records the event.
func (d *Document) Dispatch(name string, detail map[string]any) error {
	d.Events = append(d.Events, Event{Name: name, Detail: detail})
	return nil
}

// Observe keeps f, which Insert and Delete call as a MutationObserver
// would.
func (d *Document) Observe(f func(added, removed []dom.Element)) error {
	d.observers = append(d.observers, f)
	return nil
}

// Post records the request and answers it at once, as Answer says.
func (d *Document) Post(path string, body []byte, done func(ok bool)) error {
	d.Posts = append(d.Posts, Post{Path: path, Body: string(body)})
	ok := d.Answer == nil || d.Answer(path, body)
	done(ok)
	return nil
}

// Theme copies the Computed values of names onto el's inline style.
func (d *Document) Theme(el, _ dom.Element, names []string) error {
	for _, name := range names {
		if v, ok := d.Computed[name]; ok {
			if err := el.SetStyle(name, v, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// Insert parses markup and appends it to the first element matching
// parent, then tells the observers, as a page's own script adding content
// would.
func (d *Document) Insert(parent, markup string) ([]dom.Element, error) {
	targets, err := d.QueryAll(parent)
	if err != nil || len(targets) == 0 {
		return nil, fmt.Errorf("domtest: no %s to insert into (%v)", parent, err)
	}
	p := targets[0].(*Element)
	nodes, err := html.ParseFragment(strings.NewReader(markup), p.n)
	if err != nil {
		return nil, err
	}
	var added []dom.Element
	for _, n := range nodes {
		p.n.AppendChild(n)
		if n.Type == html.ElementNode {
			added = append(added, d.wrap(n))
		}
	}
	d.notify(added, nil)
	return added, nil
}

// Delete removes el from the tree and tells the observers.
func (d *Document) Delete(el dom.Element) error {
	if err := el.Remove(); err != nil {
		return err
	}
	d.notify(nil, []dom.Element{el})
	return nil
}

func (d *Document) notify(added, removed []dom.Element) {
	for _, f := range d.observers {
		f(added, removed)
	}
}

// HTML renders the document's body, shadow roots included as
// <shadow-root> children, for assertions.
func (d *Document) HTML() string {
	body, _ := d.QueryAll("body")
	if len(body) == 0 {
		return ""
	}
	return body[0].(*Element).OuterHTML()
}

// Storage is a Web Storage area.
type Storage struct {
	keys  []string
	items map[string]string
}

// NewStorage returns an empty storage area.
func NewStorage() *Storage { return &Storage{items: map[string]string{}} }

// Keys returns the keys in insertion order.
func (s *Storage) Keys() ([]string, error) { return append([]string(nil), s.keys...), nil }

// Get returns a key's value.
func (s *Storage) Get(key string) (string, bool, error) {
	v, ok := s.items[key]
	return v, ok, nil
}

// Set stores a key.
func (s *Storage) Set(key, value string) error {
	if _, ok := s.items[key]; !ok {
		s.keys = append(s.keys, key)
	}
	s.items[key] = value
	return nil
}

// Remove deletes a key.
func (s *Storage) Remove(key string) error {
	if _, ok := s.items[key]; !ok {
		return nil
	}
	delete(s.items, key)
	for i, k := range s.keys {
		if k == key {
			s.keys = append(s.keys[:i], s.keys[i+1:]...)
			break
		}
	}
	return nil
}

// Console keeps the messages it is given.
type Console struct {
	Errors, Warnings []string
}

// Error keeps an error message.
func (c *Console) Error(msg string) { c.Errors = append(c.Errors, msg) }

// Warn keeps a warning.
func (c *Console) Warn(msg string) { c.Warnings = append(c.Warnings, msg) }

// Fragment parses markup holding one element, as a template's content, and
// returns that element, not inserted.
func (d *Document) Fragment(markup string) (*Element, error) {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(markup), body)
	if err != nil {
		return nil, fmt.Errorf("domtest: %w", err)
	}
	var out *html.Node
	for _, n := range nodes {
		if n.Type != html.ElementNode {
			continue
		}
		if out != nil {
			return nil, fmt.Errorf("domtest: %q holds more than one element", markup)
		}
		out = n
	}
	if out == nil {
		return nil, fmt.Errorf("domtest: %q holds no element", markup)
	}
	return d.wrap(out), nil
}
