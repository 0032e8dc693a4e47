//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// Blocking by markup. The host page marks its own third-party content with
// data-consent="ID", ID being a service or a category of the catalogue:
//
//	<script type="text/plain" data-consent="matomo" src="…"></script>
//	<script type="text/plain" data-consent="matomo" nonce="…">…</script>
//	<iframe data-consent="vimeo" data-src="…" data-consent-link="…"></iframe>
//	<img data-consent="vimeo" data-src="…" data-srcset="… 2x">
//	<video data-consent="vimeo" data-poster="…"><source data-src="…"></video>
//
// (img, video and audio as iframe; the source children of a video, an
// audio, or the picture around an img, take data-src and data-srcset). A
// browser never runs a text/plain script nor loads an element without src,
// srcset or poster, so nothing leaves the page before the widget decides.
// Once ID is allowed, each script runs, once, as a copy with its attributes
// and its nonce, and each embed gets its src, srcset and poster; until then
// an embed is hidden behind a placeholder with "Autoriser". What is
// activated follows consent.ActivateURL and consent.ActivateScript: only
// http(s) URLs, external scripts from listed origins, inline scripts with
// the loader's nonce.
const (
	attrConsent = "data-consent"
	// attrRef pairs an embed with its placeholder.
	attrRef = "data-consent-ref"
	// attrDisplay keeps an embed's own inline display while it is hidden,
	// as "value!priority".
	attrDisplay = "data-consent-display"
	// attrLink is where the visitor can see the embed without allowing it.
	attrLink = "data-consent-link"
	// attrType is the type a blocked script gets when it runs (e.g. module).
	attrType = "data-type"

	// attrLoaded marks an embed the widget loaded.
	attrLoaded = "data-consent-loaded"

	blockedScripts = `script[type="text/plain"][data-consent]`
	blockedEmbeds  = `iframe[data-consent][data-src], img[data-consent][data-src], img[data-consent][data-srcset], video[data-consent], audio[data-consent]`
)

// loading pairs each blocked attribute with the one that loads, and says
// whether its value is a srcset list.
var loading = []struct {
	blocked, live string
	srcset        bool
}{
	{"data-src", "src", false},
	{"data-srcset", "srcset", true},
	{"data-poster", "poster", false},
}

// markup applies the choice to the host page's data-consent elements, now
// and, through a MutationObserver, to those added later.
type markup struct {
	// svc gives the page, catalogue, language, stylesheet and the
	// placeholders' "Autoriser" action.
	svc      *services
	decision consent.Decision
	// refs numbers the placeholders.
	refs int
	// queue holds the scripts to run, in document order; while an external
	// script loads (waiting), the scripts after it wait, as the parser would.
	queue   []safejs.Value
	waiting bool
	// ran holds the ids whose scripts ran on this page.
	ran map[string]bool
	// warned holds the unknown ids already reported.
	warned map[string]bool
	// observer is the MutationObserver once Observe ran.
	observer safejs.Value
	// nonce is the page's nonce (consent.PageNonce) once nonceRead.
	nonce     string
	nonceRead bool
}

func newMarkup(svc *services) *markup {
	return &markup{svc: svc, ran: map[string]bool{}, warned: map[string]bool{}}
}

// Apply brings every data-consent element of the page in line with d.
func (m *markup) Apply(d consent.Decision) error {
	m.decision = d
	errs := []error{m.scan(m.svc.page.document), m.clearWithdrawn()}
	errs = append(errs, m.run()...)
	return errors.Join(errs...)
}

// Observe handles the data-consent elements added to the page from now on
// (single-page apps) as Apply did the others, and drops the placeholder of
// an embed that leaves the page.
func (m *markup) Observe() error {
	ctor, err := get(m.svc.page.window, "MutationObserver")
	if err != nil {
		return err
	}
	fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) > 0 {
			if err := m.mutated(args[0]); err != nil {
				consoleError("applying the choice to new content: %v", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	observer, err := ctor.New(fn)
	if err != nil {
		return fmt.Errorf("new MutationObserver: %w", err)
	}
	root, err := get(m.svc.page.document, "documentElement")
	if err != nil {
		return err
	}
	if _, err = observer.Call("observe", root, map[string]any{"childList": true, "subtree": true}); err != nil {
		return err
	}
	m.observer = observer
	return nil
}

func (m *markup) mutated(records safejs.Value) error {
	var errs []error
	for _, rec := range items(records) {
		added, err := prop(rec, "addedNodes")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, node := range items(added) {
			if isElement(node) && !isPlaceholder(node) {
				errs = append(errs, m.scan(node))
			}
		}
		removed, err := prop(rec, "removedNodes")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, node := range items(removed) {
			if isElement(node) && !isPlaceholder(node) {
				errs = append(errs, m.orphans(node))
			}
		}
	}
	errs = append(errs, m.run()...)
	return errors.Join(errs...)
}

// scan handles the embeds in and at root and queues its blocked scripts.
func (m *markup) scan(root safejs.Value) error {
	embeds, err := within(root, blockedEmbeds)
	if err != nil {
		return err
	}
	var errs []error
	for _, el := range embeds {
		errs = append(errs, m.embed(el))
	}
	scripts, err := within(root, blockedScripts)
	if err != nil {
		return err
	}
	m.queue = append(m.queue, scripts...)
	return errors.Join(errs...)
}

// embed gives an allowed embed its src, and hides a refused one behind a
// placeholder; a withdrawn one is unloaded first.
func (m *markup) embed(el safejs.Value) error {
	id := attr(el, attrConsent)
	allowed, known := m.decision.Permits(id)
	if !known {
		m.warn(id)
		return nil
	}
	if hasAttr(el, attrRefused) {
		// Its URLs were refused once: they will be every time.
		return nil
	}
	loaded := hasAttr(el, attrLoaded)
	if allowed {
		if loaded {
			return m.dropPlaceholder(attr(el, attrRef))
		}
		sets, err := m.activation(el)
		if err != nil {
			// Allowed, but it would load what may not be loaded: it stays
			// as it is, blocked, and marked so as to be reported once.
			err = fmt.Errorf("data-consent=%q %s not loaded: %w", id, strings.ToLower(str(prop(el, "nodeName"))), err)
			if _, serr := el.Call("setAttribute", attrRefused, err.Error()); serr != nil {
				err = errors.Join(err, serr)
			}
			return err
		}
		if err := m.dropPlaceholder(attr(el, attrRef)); err != nil {
			return err
		}
		if err := show(el); err != nil {
			return err
		}
		return load(el, sets)
	}
	if loaded {
		// A copy without what loads replaces it: removing src alone leaves
		// a frame's document loaded and a video playing.
		clone, err := el.Call("cloneNode", true)
		if err != nil {
			return err
		}
		if err := unload(el, clone); err != nil {
			return err
		}
		if _, err := el.Call("replaceWith", clone); err != nil {
			return fmt.Errorf("unloading a withdrawn embed: %w", err)
		}
		el = clone
	}
	if err := hide(el); err != nil {
		return err
	}
	return m.placeholder(el, id)
}

// placeholder puts the notice of a refused embed before it, once.
func (m *markup) placeholder(el safejs.Value, id string) error {
	ref := attr(el, attrRef)
	if ref != "" {
		existing, err := m.svc.page.QueryAll(fmt.Sprintf(`civic-consent-placeholder[%s=%q]`, attrRef, ref))
		if err != nil || len(existing) > 0 {
			return err
		}
	} else {
		m.refs++
		ref = "m" + strconv.Itoa(m.refs)
		if _, err := el.Call("setAttribute", attrRef, ref); err != nil {
			return err
		}
	}
	s := m.svc
	var title, provider string
	catID := id
	if svc, ok := s.catalogue.Service(id); ok {
		catID = svc.Category
		provider = svc.Provider
		title = s.label(consent.LabelPlaceholderService, "provider", svc.Provider, "service", svc.Name.In(s.lang))
	}
	cat, _ := s.catalogue.Category(catID)
	if title == "" {
		title = s.label(consent.LabelPlaceholderCategory, "category", cat.Title.In(s.lang))
	}
	var extra []safejs.Value
	if link, host, ok := consent.ExternalLink(attr(el, attrLink)); ok {
		if provider == "" {
			provider = host
		}
		p, err := s.page.Element("p", map[string]string{"class": "cc-placeholder-contact"}, "")
		if err != nil {
			return err
		}
		a, err := s.page.Element("a", map[string]string{"href": link, "rel": "noopener noreferrer", "target": "_blank"}, s.label(consent.LabelPlaceholderLink, "provider", provider))
		if err != nil {
			return err
		}
		if err := Append(p, a); err != nil {
			return err
		}
		extra = append(extra, p)
	}
	attrs := map[string]string{attrService: id, attrPart: partPlaceholder, attrRef: ref}
	return s.insertPlaceholder(el, attrs, cat, title, extra...)
}

func (m *markup) dropPlaceholder(ref string) error {
	if ref == "" {
		return nil
	}
	els, err := m.svc.page.QueryAll(fmt.Sprintf(`civic-consent-placeholder[%s=%q]`, attrRef, ref))
	if err != nil {
		return err
	}
	return Remove(els...)
}

// orphans drops the placeholders of the embeds in a removed subtree that
// are no longer anywhere in the page.
func (m *markup) orphans(root safejs.Value) error {
	gone, err := within(root, "["+attrRef+"]")
	if err != nil {
		return err
	}
	var errs []error
	for _, el := range gone {
		ref := attr(el, attrRef)
		still, err := m.svc.page.QueryAll(fmt.Sprintf(`[%s=%q]:not(civic-consent-placeholder)`, attrRef, ref))
		if err != nil || len(still) > 0 {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, m.dropPlaceholder(ref))
	}
	return errors.Join(errs...)
}

// clearWithdrawn expires the first-party cookies of the services whose
// scripts ran on this page and are now withdrawn (R16); the scripts
// themselves stop with the next page load.
func (m *markup) clearWithdrawn() error {
	var errs []error
	for id := range m.ran {
		if allowed, _ := m.decision.Permits(id); allowed {
			continue
		}
		delete(m.ran, id)
		services := m.svc.catalogue.ServicesIn(id)
		if svc, ok := m.svc.catalogue.Service(id); ok {
			services = []consent.Service{svc}
		}
		for _, svc := range services {
			for _, c := range svc.Cookies {
				if !c.ThirdParty {
					errs = append(errs, m.svc.page.SetCookie(consent.ExpireCookieString(c.Name, consent.CookieOptions{})))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func (m *markup) warn(id string) {
	if m.warned[id] {
		return
	}
	m.warned[id] = true
	consoleError("data-consent=%q names no service or category of the catalogue; that content stays blocked", id)
}

// hide hides an embed with an important inline display, keeping its own.
func hide(el safejs.Value) error {
	style, err := get(el, "style")
	if err != nil {
		return err
	}
	if !hasAttr(el, attrDisplay) {
		value, _ := style.Call("getPropertyValue", "display")
		priority, _ := style.Call("getPropertyPriority", "display")
		saved := str(value, nil) + "!" + str(priority, nil)
		if _, err := el.Call("setAttribute", attrDisplay, saved); err != nil {
			return err
		}
	}
	_, err = style.Call("setProperty", "display", "none", "important")
	return err
}

// show gives a hidden embed its own display back.
func show(el safejs.Value) error {
	if !hasAttr(el, attrDisplay) {
		return nil
	}
	value, priority, _ := strings.Cut(attr(el, attrDisplay), "!")
	if _, err := el.Call("removeAttribute", attrDisplay); err != nil {
		return err
	}
	style, err := get(el, "style")
	if err != nil {
		return err
	}
	if value == "" {
		_, err = style.Call("removeProperty", "display")
	} else {
		_, err = style.Call("setProperty", "display", value, priority)
	}
	return err
}

// within returns root itself when it matches selector, then the matching
// elements inside it, in document order.
func within(root safejs.Value, selector string) ([]safejs.Value, error) {
	var out []safejs.Value
	if isElement(root) {
		if ok, err := root.Call("matches", selector); err != nil {
			return nil, err
		} else if truthy(ok) {
			out = append(out, root)
		}
	}
	list, err := root.Call("querySelectorAll", selector)
	if err != nil {
		return nil, fmt.Errorf("querySelectorAll(%q): %w", selector, err)
	}
	return append(out, items(list)...), nil
}

// items returns the entries of a NodeList, NamedNodeMap or array; an
// unreadable list is empty.
func items(list safejs.Value) []safejs.Value {
	n, err := prop(list, "length")
	if err != nil {
		return nil
	}
	count, _ := n.Int()
	out := make([]safejs.Value, 0, count)
	for i := range count {
		v, err := prop(list, strconv.Itoa(i))
		if err == nil && !v.IsUndefined() && !v.IsNull() {
			out = append(out, v)
		}
	}
	return out
}

func isElement(v safejs.Value) bool {
	t, err := prop(v, "nodeType")
	if err != nil {
		return false
	}
	n, _ := t.Int()
	return n == 1
}

func isPlaceholder(el safejs.Value) bool {
	return strings.EqualFold(str(prop(el, "nodeName")), "civic-consent-placeholder")
}

func attr(el safejs.Value, name string) string {
	return str(el.Call("getAttribute", name))
}

func hasAttr(el safejs.Value, name string) bool {
	v, err := el.Call("hasAttribute", name)
	return err == nil && truthy(v)
}

// str is a JavaScript string value as Go, "" for anything else.
func str(v safejs.Value, err error) string {
	if err != nil || v.Type() != safejs.TypeString {
		return ""
	}
	s, _ := v.String()
	return s
}
