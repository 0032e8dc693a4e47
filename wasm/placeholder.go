//go:build js && wasm

package main

import (
	"fmt"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// label returns the widget's label key in the page's language.
func (s *services) label(key consent.Label, vars ...string) string {
	return s.catalogue.Label(s.lang, key, vars...)
}

// placeholders puts a notice with an "Autoriser" button before each host
// element the refused service would fill (R17). It lives in a shadow root so
// that the host's styles cannot hide its button.
func (s *services) placeholders(svc consent.Service) error {
	if svc.Loader.Placeholder == "" {
		return nil
	}
	existing, err := s.own(svc, partPlaceholder)
	if err != nil || len(existing) > 0 {
		return err
	}
	targets, err := s.page.QueryAll(svc.Loader.Placeholder)
	if err != nil {
		return err
	}
	cat, _ := s.catalogue.Category(svc.Category)
	for _, target := range targets {
		other, err := s.contact(s.label(consent.LabelPlaceholderContact) + " ")
		if err != nil {
			return err
		}
		attrs := map[string]string{attrService: svc.ID, attrPart: partPlaceholder}
		title := s.label(consent.LabelPlaceholderService, "provider", svc.Provider, "service", svc.Name.In(s.lang))
		if err := s.insertPlaceholder(target, attrs, cat, title, other); err != nil {
			return err
		}
	}
	return nil
}

// insertPlaceholder puts before target a notice for a refused category: a
// title, why the category is asked for, an "Autoriser" button that allows
// it, then extra. It lives in a shadow root so that the host's styles cannot
// hide its button, and takes the host's theme.
func (s *services) insertPlaceholder(target safejs.Value, attrs map[string]string, cat consent.Category, title string, extra ...safejs.Value) error {
	attrs["role"] = "region"
	attrs["aria-label"] = cat.Title.In(s.lang)
	box, err := s.page.Element("civic-consent-placeholder", attrs, "")
	if err != nil {
		return err
	}
	root, err := box.Call("attachShadow", map[string]any{"mode": "open"})
	if err != nil {
		return fmt.Errorf("attachShadow: %w", err)
	}
	panel, err := s.page.Element("div", map[string]string{"class": "cc-placeholder"}, "")
	if err != nil {
		return err
	}
	head, err := s.page.Element("p", map[string]string{"class": "cc-placeholder-title"}, title)
	if err != nil {
		return err
	}
	why, err := s.page.Element("p", nil, cat.Description.In(s.lang))
	if err != nil {
		return err
	}
	button, err := s.page.Element("button", map[string]string{"type": "button", "class": "cc-btn"}, s.label(consent.LabelAllow))
	if err != nil {
		return err
	}
	if err := s.onClick(button, func() { s.allow(cat.ID) }); err != nil {
		return err
	}
	if err := Append(panel, append([]safejs.Value{head, why, button}, extra...)...); err != nil {
		return err
	}
	if err := s.style(root); err != nil {
		return err
	}
	if err := Append(root, panel); err != nil {
		return err
	}
	if err := s.page.Theme(box, target); err != nil {
		consoleWarn("%v", err)
	}
	if _, err := target.Call("before", box); err != nil {
		return fmt.Errorf("inserting the placeholder: %w", err)
	}
	return nil
}

// style gives a placeholder's shadow root the widget's stylesheet: the
// frame's constructed sheet where the browser can, so that the placeholder
// has its final size from the start, else a link to the file.
func (s *services) style(root safejs.Value) error {
	if s.adoptStyles != nil && s.adoptStyles(root) {
		return nil
	}
	link, err := s.page.Element("link", map[string]string{"rel": "stylesheet", "href": s.styleURL}, "")
	if err != nil {
		return err
	}
	return Append(root, link)
}

// contact is the other way to reach the site, from the catalogue.
func (s *services) contact(lead string) (safejs.Value, error) {
	p, err := s.page.Element("p", map[string]string{"class": "cc-placeholder-contact"}, lead)
	if err != nil {
		return p, err
	}
	text := s.catalogue.Site.Contact.In(s.lang)
	var value safejs.Value
	if s.catalogue.Site.ContactURL != "" {
		value, err = s.page.Element("a", map[string]string{"href": s.catalogue.Site.ContactURL}, text)
	} else {
		value, err = s.page.Element("span", nil, text)
	}
	if err != nil {
		return p, err
	}
	return p, Append(p, value)
}

// notices shows the service's own notice (Google's reCAPTCHA terms, R19)
// after each element it fills, while it runs.
func (s *services) notices(svc consent.Service) error {
	text := svc.Loader.Notice.In(s.lang)
	if text == "" || svc.Loader.Placeholder == "" {
		return nil
	}
	existing, err := s.own(svc, partNotice)
	if err != nil || len(existing) > 0 {
		return err
	}
	targets, err := s.page.QueryAll(svc.Loader.Placeholder)
	if err != nil {
		return err
	}
	for _, target := range targets {
		p, err := s.page.Element("p", map[string]string{attrService: svc.ID, attrPart: partNotice, "class": "consent-notice"}, text+" ")
		if err != nil {
			return err
		}
		for _, link := range svc.Loader.NoticeLinks {
			a, err := s.page.Element("a", map[string]string{"href": link.URL, "rel": "noopener noreferrer", "target": "_blank"}, link.Text.In(s.lang))
			if err != nil {
				return err
			}
			space, err := s.page.document.Call("createTextNode", " ")
			if err != nil {
				return err
			}
			if err := Append(p, a, space); err != nil {
				return err
			}
		}
		if _, err := target.Call("after", p); err != nil {
			return fmt.Errorf("inserting the notice: %w", err)
		}
	}
	return nil
}

// onClick runs f when el is clicked. The function lives as long as the page.
func (s *services) onClick(el safejs.Value, f func()) error {
	fn, err := safejs.FuncOf(func(this safejs.Value, args []safejs.Value) any {
		f()
		return nil
	})
	if err != nil {
		return err
	}
	_, err = el.Call("addEventListener", "click", fn)
	return err
}
