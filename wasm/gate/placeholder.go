package gate

import (
	"fmt"
	"strings"

	"github.com/civic-consent/consent/wasm/dom"
)

// Slots of a prerendered placeholder that the gate fills or removes.
const (
	slotAttr    = "data-consent-slot"
	slotContact = "contact"
	slotLink    = "link"
	// providerVar is where the link's text names the provider.
	providerVar = "{provider}"
	// actionAllow marks a placeholder's "Autoriser" button.
	actionAllow = `[data-action="allow"]`
)

// placeholder is what a placeholder shows beyond its prerendered text.
type placeholder struct {
	// id is the service or category whose notice it is; category is the
	// category its "Autoriser" button allows.
	id, category string
	// contact keeps the site's other way to reach it (a form's
	// placeholder, R17).
	contact bool
	// link and provider, when link is set, are where the visitor can see
	// the content without allowing it, and who serves it.
	link, provider string
}

// insertPlaceholder puts a placeholder before target: the prerendered
// notice of ph.id, in a shadow root of its own element (so that the host's
// styles cannot hide its button), carrying attrs and the host's theme.
func (p *Page) insertPlaceholder(target dom.Element, ph placeholder, attrs map[string]string) error {
	panel, err := p.cfg.Parts.Placeholder(ph.id)
	if err != nil {
		return err
	}
	if err := fill(panel, ph); err != nil {
		return err
	}
	buttons, err := panel.QueryAll(actionAllow)
	if err != nil {
		return err
	}
	for _, b := range buttons {
		category := ph.category
		if err := b.OnEvent("click", func() { p.allowFromPlaceholder(category) }); err != nil {
			return err
		}
	}
	box, err := p.doc.CreateElement(placeholderTag)
	if err != nil {
		return err
	}
	for name, value := range attrs {
		if err := box.SetAttr(name, value); err != nil {
			return err
		}
	}
	root, err := box.AttachShadow()
	if err != nil {
		return fmt.Errorf("attachShadow: %w", err)
	}
	if err := p.cfg.Parts.Style(root); err != nil {
		return err
	}
	if err := root.Append(panel); err != nil {
		return err
	}
	if err := p.doc.Theme(box, target, themeProperties); err != nil {
		p.warnf("reading the host's theme: %v", err)
	}
	if err := target.Before(box); err != nil {
		return fmt.Errorf("inserting the placeholder: %w", err)
	}
	return nil
}

// fill keeps the slots ph uses and removes the others.
func fill(panel dom.Element, ph placeholder) error {
	slots, err := panel.QueryAll("[" + slotAttr + "]")
	if err != nil {
		return err
	}
	for _, slot := range slots {
		name, _ := slot.Attr(slotAttr)
		switch {
		case name == slotContact && ph.contact:
		case name == slotLink && ph.link != "":
			if err := fillLink(slot, ph); err != nil {
				return err
			}
		default:
			if err := slot.Remove(); err != nil {
				return err
			}
		}
	}
	return nil
}

// fillLink points the slot's link at ph.link, naming ph.provider.
func fillLink(slot dom.Element, ph placeholder) error {
	links, err := slot.QueryAll("a")
	if err != nil {
		return err
	}
	if len(links) != 1 {
		return fmt.Errorf("the prerendered placeholder of %s has %d links in its link slot, want 1", ph.id, len(links))
	}
	a := links[0]
	if err := a.SetAttr("href", ph.link); err != nil {
		return err
	}
	return a.SetText(strings.ReplaceAll(a.Text(), providerVar, ph.provider))
}

// allowFromPlaceholder records the current choice with one more category,
// as a placeholder's "Autoriser" asks.
func (p *Page) allowFromPlaceholder(category string) {
	_ = p.Record(p.AllowCategory(category))
}
