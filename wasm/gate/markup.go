package gate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/dom"
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
// activated follows consent.ActivateURL and consent.ActivateScript.
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
	// attrRefused marks a blocked script or embed the widget will not
	// activate although its id is allowed, with the reason.
	attrRefused = "data-consent-refused"

	blockedScripts = `script[type="text/plain"][data-consent]`
	blockedEmbeds  = `iframe[data-consent][data-src], img[data-consent][data-src], img[data-consent][data-srcset], video[data-consent], audio[data-consent]`
)

// markup applies the choice to the host page's data-consent elements, now
// and, through the page's observer, to those added later.
type markup struct {
	page     *Page
	decision consent.Decision
	// refs numbers the placeholders.
	refs int
	// queue holds the scripts to run, in document order; while an external
	// script loads (waiting), the scripts after it wait, as the parser would.
	queue   []dom.Element
	waiting bool
	// warned holds the unknown ids already reported.
	warned map[string]bool
}

func newMarkup(p *Page) *markup {
	return &markup{page: p, warned: map[string]bool{}}
}

// apply brings every data-consent element of the page in line with d.
func (m *markup) apply(d consent.Decision) error {
	m.decision = d
	root, err := m.page.doc.Root()
	if err != nil {
		return err
	}
	errs := []error{m.scan(root)}
	errs = append(errs, m.run()...)
	return errors.Join(errs...)
}

// mutated handles what the page added and removed: new data-consent
// elements as apply did the others, and the placeholders of embeds that
// left the page.
func (m *markup) mutated(added, removed []dom.Element) {
	var errs []error
	for _, el := range added {
		if el.Tag() != "" && el.Tag() != placeholderTag {
			errs = append(errs, m.scan(el))
		}
	}
	for _, el := range removed {
		if el.Tag() != "" && el.Tag() != placeholderTag {
			errs = append(errs, m.orphans(el))
		}
	}
	errs = append(errs, m.run()...)
	if err := errors.Join(errs...); err != nil {
		m.page.errorf("applying the choice to new content: %v", err)
	}
}

// scan handles the embeds in and at root and queues its blocked scripts.
func (m *markup) scan(root dom.Element) error {
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
func (m *markup) embed(el dom.Element) error {
	id, _ := el.Attr(attrConsent)
	allowed, known := m.decision.Permits(id)
	if !known {
		m.warn(id)
		return nil
	}
	if _, refused := el.Attr(attrRefused); refused {
		// Its URLs were refused once: they will be every time.
		return nil
	}
	if m.page.cat.Necessary(id) {
		err := fmt.Errorf("data-consent=%q %s names necessary content: the widget loads only what needs consent, so load it as ordinary markup", id, el.Tag())
		return errors.Join(err, el.SetAttr(attrRefused, err.Error()))
	}
	ref := refOf(el)
	_, loaded := el.Attr(attrLoaded)
	if allowed {
		if loaded {
			return m.dropPlaceholder(ref)
		}
		sets, err := m.activation(el)
		if err != nil {
			// Allowed, but it would load what may not be loaded: it stays
			// as it is, blocked, and marked so as to be reported once.
			err = fmt.Errorf("data-consent=%q %s not loaded: %w", id, el.Tag(), err)
			return errors.Join(err, el.SetAttr(attrRefused, err.Error()))
		}
		if err := m.dropPlaceholder(ref); err != nil {
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
		clone, err := el.Clone()
		if err != nil {
			return err
		}
		if err := unload(el, clone); err != nil {
			return err
		}
		if err := el.ReplaceWith(clone); err != nil {
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
func (m *markup) placeholder(el dom.Element, id string) error {
	ref := refOf(el)
	if ref != "" {
		existing, err := m.page.doc.QueryAll(placeholderTag + attrIs(attrRef, ref))
		if err != nil || len(existing) > 0 {
			return err
		}
	} else {
		m.refs++
		ref = "m" + strconv.Itoa(m.refs)
		if err := el.SetAttr(attrRef, ref); err != nil {
			return err
		}
	}
	ph := placeholder{id: id, category: id}
	if svc, ok := m.page.cat.Service(id); ok {
		ph.category, ph.provider = svc.Category, svc.Provider
	}
	raw, _ := el.Attr(attrLink)
	if link, host, ok := consent.ExternalLink(raw); ok {
		ph.link = link
		if ph.provider == "" {
			ph.provider = host
		}
	}
	return m.page.insertPlaceholder(el, ph, map[string]string{attrService: id, attrPart: partPlaceholder, attrRef: ref})
}

// refOf returns the placeholder reference the widget gave el: "m" and
// digits, or "" for none or for another value the page wrote.
func refOf(el dom.Element) string {
	ref, _ := el.Attr(attrRef)
	if len(ref) < 2 || ref[0] != 'm' || strings.Trim(ref[1:], "0123456789") != "" {
		return ""
	}
	return ref
}

func (m *markup) dropPlaceholder(ref string) error {
	if ref == "" {
		return nil
	}
	els, err := m.page.doc.QueryAll(placeholderTag + attrIs(attrRef, ref))
	if err != nil {
		return err
	}
	return removeAll(els)
}

// orphans drops the placeholders of the embeds in a removed subtree that
// are no longer anywhere in the page.
func (m *markup) orphans(root dom.Element) error {
	gone, err := within(root, "["+attrRef+"]")
	if err != nil {
		return err
	}
	var errs []error
	for _, el := range gone {
		ref := refOf(el)
		if ref == "" {
			continue
		}
		still, err := m.page.doc.QueryAll(attrIs(attrRef, ref) + ":not(" + placeholderTag + ")")
		if err != nil || len(still) > 0 {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, m.dropPlaceholder(ref))
	}
	return errors.Join(errs...)
}

func (m *markup) warn(id string) {
	if m.warned[id] {
		return
	}
	m.warned[id] = true
	m.page.errorf("data-consent=%q names no service or category of the catalogue; that content stays blocked", id)
}

// hide hides an embed with an important inline display, keeping its own.
func hide(el dom.Element) error {
	if _, kept := el.Attr(attrDisplay); !kept {
		value, priority := el.Style("display")
		if err := el.SetAttr(attrDisplay, value+"!"+priority); err != nil {
			return err
		}
	}
	return el.SetStyle("display", "none", "important")
}

// show gives a hidden embed its own display back.
func show(el dom.Element) error {
	saved, kept := el.Attr(attrDisplay)
	if !kept {
		return nil
	}
	value, priority, _ := strings.Cut(saved, "!")
	if err := el.RemoveAttr(attrDisplay); err != nil {
		return err
	}
	if value == "" {
		return el.RemoveStyle("display")
	}
	return el.SetStyle("display", value, priority)
}

// within returns root itself when it matches selector, then the matching
// elements inside it, in document order.
func within(root dom.Element, selector string) ([]dom.Element, error) {
	var out []dom.Element
	if root.Tag() != "" {
		ok, err := root.Matches(selector)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, root)
		}
	}
	inside, err := root.QueryAll(selector)
	if err != nil {
		return nil, fmt.Errorf("querySelectorAll(%q): %w", selector, err)
	}
	return append(out, inside...), nil
}
