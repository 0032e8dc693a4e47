package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/app"
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// firstLayer prerenders the first layer a first visitor sees in lang, as
// the loader writes it into the body of the widget's frame, and checks it.
//
// go-app's HTML writer quotes attribute values with Go string quoting,
// which does not end an HTML attribute at a \", so a value that the
// catalogue's validation missed could add attributes to the page. The
// check does not trust it: it parses the markup back as the browser will,
// and compares it with the same components rendered from a probe copy of
// the catalogue whose every free text is a harmless token. The two must
// have the same elements, the same attributes and the same texts, except
// that where the probe shows a token the page shows exactly the catalogue's
// string. On top of that no attribute may be an event handler and no URL
// attribute may have a scheme other than https, http or mailto.
func firstLayer(c *consent.Catalogue, lang string) (string, error) {
	return prerender(c, "first layer", lang, func(c *consent.Catalogue) goapp.UI { return widget(c, lang, true) })
}

// button prerenders the persistent button, as the loader shows it on a
// return visit, and checks it as firstLayer does.
func button(c *consent.Catalogue, lang string) (string, error) {
	return prerender(c, "button", lang, func(c *consent.Catalogue) goapp.UI { return widget(c, lang, false) })
}

// prerender renders what ui makes of c, checked against what it makes of a
// probe copy of c as firstLayer says; what names it in errors.
func prerender(c *consent.Catalogue, what, lang string, ui func(*consent.Catalogue) goapp.UI) (string, error) {
	body := goapp.HTMLString(ui(c))
	probe, tokens, err := probeCatalogue(c)
	if err != nil {
		return "", err
	}
	got, err := parseBody(body)
	if err != nil {
		return "", err
	}
	want, err := parseBody(goapp.HTMLString(ui(probe)))
	if err != nil {
		return "", err
	}
	fail := func(err error) (string, error) {
		return "", fmt.Errorf("the prerendered %s (%s) is not what the components meant: %w", what, lang, err)
	}
	if err := sameNodes(got, want, strings.NewReplacer(tokens...), "body"); err != nil {
		return fail(err)
	}
	for _, n := range got {
		if err := inert(n, "body"); err != nil {
			return fail(err)
		}
	}
	return body, nil
}

// widget is the widget with no stored choice: the first layer when ask,
// else the persistent button (what a Global Privacy Control signal with no
// stored choice shows).
func widget(c *consent.Catalogue, lang string, ask bool) goapp.UI {
	d := consent.Decide(c, "", time.Now(), !ask)
	return &app.Widget{Session: app.NewSession(c, lang, d)}
}

// parseBody parses markup as the children of a document's body, where the
// loader puts it.
func parseBody(markup string) ([]*html.Node, error) {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(markup), body)
	if err != nil {
		return nil, fmt.Errorf("parse the prerendered first layer: %w", err)
	}
	return nodes, nil
}

// structural names the catalogue's fields that are not free text: ids,
// references and enumerations, which decide what the components render
// rather than being shown as they are, and which validation restricts to
// plain ASCII words.
var structural = map[reflect.Type][]string{
	reflect.TypeFor[consent.Site]():     {"Position", "Theme"},
	reflect.TypeFor[consent.Category](): {"ID", "ConsentMode"},
	reflect.TypeFor[consent.Service]():  {"ID", "Category"},
	reflect.TypeFor[consent.Loader]():   {"Placement"},
}

// probeCatalogue returns a copy of c in which every free string (texts,
// URLs, names; not ids nor map keys) is replaced by a distinct token, and
// the token-to-string pairs that turn the probe's strings back into c's.
func probeCatalogue(c *consent.Catalogue) (*consent.Catalogue, []string, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, nil, fmt.Errorf("copy the catalogue: %w", err)
	}
	var probe consent.Catalogue
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, nil, fmt.Errorf("copy the catalogue: %w", err)
	}
	var tokens []string
	replace := func(v reflect.Value) {
		if v.String() == "" {
			// Nothing to show: the components may leave it out.
			return
		}
		// Fixed width, so that no token is the start of another.
		token := fmt.Sprintf("ccprobe%06dz", len(tokens)/2)
		tokens = append(tokens, token, v.String())
		v.SetString(token)
	}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for f, fv := range v.Fields() {
				if !slices.Contains(structural[v.Type()], f.Name) {
					walk(fv)
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(v.MapIndex(k))
				if v.Type() == labelSetType {
					// A label's {name} placeholders stay, for the
					// components to fill; the text around them is probed.
					e.SetString(probeLabel(e.String(), replace))
				} else {
					walk(e)
				}
				v.SetMapIndex(k, e)
			}
		case reflect.String:
			replace(v)
		}
	}
	walk(reflect.ValueOf(&probe))
	return &probe, tokens, nil
}

var labelSetType = reflect.TypeFor[consent.LabelSet]()

// labelVar matches a label's {name} placeholders.
var labelVar = regexp.MustCompile(`\{[A-Za-z]+\}`)

// probeLabel returns label with each stretch of text between its
// placeholders replaced by a token, as replace makes them.
func probeLabel(label string, replace func(reflect.Value)) string {
	var b strings.Builder
	last := 0
	segment := func(s string) {
		v := reflect.New(reflect.TypeFor[string]()).Elem()
		v.SetString(s)
		replace(v)
		b.WriteString(v.String())
	}
	for _, m := range labelVar.FindAllStringIndex(label, -1) {
		segment(label[last:m[0]])
		b.WriteString(label[m[0]:m[1]])
		last = m[1]
	}
	segment(label[last:])
	return b.String()
}

// sameNodes compares the parsed page (got) with the parsed probe (want),
// whose tokens expand turns back into the catalogue's strings. path names
// the parent element in errors.
func sameNodes(got, want []*html.Node, expand *strings.Replacer, path string) error {
	for i := range max(len(got), len(want)) {
		if i >= len(want) {
			return fmt.Errorf("%s: unexpected %s", path, describe(got[i]))
		}
		if i >= len(got) {
			return fmt.Errorf("%s: missing %s", path, describe(want[i]))
		}
		if err := sameNode(got[i], want[i], expand, path); err != nil {
			return err
		}
	}
	return nil
}

func sameNode(got, want *html.Node, expand *strings.Replacer, path string) error {
	if got.Type != want.Type || (got.Type == html.ElementNode && got.Data != want.Data) {
		return fmt.Errorf("%s: %s where the components put %s", path, describe(got), describe(want))
	}
	if got.Type != html.ElementNode {
		if w := expand.Replace(want.Data); got.Data != w {
			return fmt.Errorf("%s: %s, want %q", path, describe(got), w)
		}
		return nil
	}
	path += " > " + elementName(got)
	if got.Namespace != want.Namespace {
		return fmt.Errorf("%s: namespace %q, want %q", path, got.Namespace, want.Namespace)
	}
	wantAttrs := make(map[string]string)
	for _, a := range want.Attr {
		wantAttrs[attrName(a)] = expand.Replace(a.Val)
	}
	// Attributes the components did not set first: they are the attack.
	for _, a := range got.Attr {
		if _, ok := wantAttrs[attrName(a)]; !ok {
			return fmt.Errorf("%s: attribute %s=%q is not one the components set", path, attrName(a), a.Val)
		}
	}
	for _, a := range got.Attr {
		if w := wantAttrs[attrName(a)]; a.Val != w {
			return fmt.Errorf("%s: attribute %s is %q, want %q", path, attrName(a), a.Val, w)
		}
		delete(wantAttrs, attrName(a))
	}
	if len(wantAttrs) > 0 {
		return fmt.Errorf("%s: attribute %s is missing", path, slices.Sorted(maps.Keys(wantAttrs))[0])
	}
	return sameNodes(slices.Collect(got.ChildNodes()), slices.Collect(want.ChildNodes()), expand, path)
}

// urlAttributes are the attributes a browser loads or follows as a URL.
var urlAttributes = []string{"href", "src", "srcset", "action", "formaction", "poster", "data", "cite", "background", "ping", "xlink:href", "codebase", "manifest"}

// inert checks that n and its descendants hold no event handler attribute
// and no URL whose scheme runs anything (javascript:, data:, vbscript:, …).
func inert(n *html.Node, path string) error {
	if n.Type != html.ElementNode {
		return nil
	}
	path += " > " + elementName(n)
	for _, a := range n.Attr {
		name := attrName(a)
		if strings.HasPrefix(strings.ToLower(a.Key), "on") {
			return fmt.Errorf("%s: event handler attribute %s=%q", path, name, a.Val)
		}
		if slices.Contains(urlAttributes, strings.ToLower(name)) && !safeURL(a.Val) {
			return fmt.Errorf("%s: attribute %s=%q is not a path, https, http or mailto URL", path, name, a.Val)
		}
	}
	for c := range n.ChildNodes() {
		if err := inert(c, path); err != nil {
			return err
		}
	}
	return nil
}

// safeURL reports whether a browser would read v as a relative URL or one
// with the scheme https, http or mailto. Like a browser, it ignores the
// tabs, line breaks and leading control characters and spaces it strips
// before reading a scheme.
func safeURL(v string) bool {
	v = strings.TrimLeftFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	colon := strings.IndexByte(v, ':')
	if colon < 0 || strings.ContainsAny(v[:colon], "/?#") {
		return true // no scheme: relative
	}
	switch strings.ToLower(v[:colon]) {
	case "https", "http", "mailto":
		return true
	}
	return false
}

// describe names a node for an error message.
func describe(n *html.Node) string {
	switch n.Type {
	case html.ElementNode:
		return "element <" + n.Data + ">"
	case html.TextNode:
		return fmt.Sprintf("text %q", n.Data)
	case html.CommentNode:
		return fmt.Sprintf("comment %q", n.Data)
	default:
		return fmt.Sprintf("node %q", n.Data)
	}
}

// elementName names an element as a CSS selector would: its tag and id, or
// its tag and first class.
func elementName(n *html.Node) string {
	for _, a := range n.Attr {
		if a.Key == "id" && a.Namespace == "" {
			return n.Data + "#" + a.Val
		}
	}
	for _, a := range n.Attr {
		if a.Key == "class" && a.Namespace == "" {
			if class, _, _ := strings.Cut(strings.TrimSpace(a.Val), " "); class != "" {
				return n.Data + "." + class
			}
		}
	}
	return n.Data
}

func attrName(a html.Attribute) string {
	if a.Namespace != "" {
		return a.Namespace + ":" + a.Key
	}
	return a.Key
}
