//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// attrRefused marks a blocked script or embed the widget will not activate
// although its id is allowed, with the reason: consent.ActivateScript or
// consent.ActivateURL refused it.
const attrRefused = "data-consent-refused"

// page returns what consent.ActivateScript needs to know of the host page.
// The page's nonce is read once, from the loader's script tags.
func (m *markup) page() consent.Page {
	loc, _ := prop(m.svc.page.window, "location")
	p := consent.Page{URL: str(prop(loc, "href")), Base: str(prop(m.svc.page.document, "baseURI"))}
	if !m.nonceRead {
		m.nonceRead = true
		var tags []consent.ScriptTag
		scripts, _ := m.svc.page.QueryAll("script[src]")
		for _, s := range scripts {
			tags = append(tags, consent.ScriptTag{Src: str(prop(s, "src")), Nonce: str(prop(s, "nonce"))})
		}
		m.nonce = consent.PageNonce(m.svc.styleURL, tags)
	}
	p.Nonce = m.nonce
	return p
}

// run runs the queued scripts that are allowed, in order. A script that is
// not allowed stays text/plain in the page, to be found again by the next
// Apply; one that already ran is no longer text/plain, so none runs twice.
// One that ActivateScript refuses is marked and never tried again.
func (m *markup) run() []error {
	var errs []error
	for !m.waiting && len(m.queue) > 0 {
		el := m.queue[0]
		m.queue = m.queue[1:]
		if connected, _ := prop(el, "isConnected"); !truthy(connected) || !strings.EqualFold(attr(el, "type"), "text/plain") || hasAttr(el, attrRefused) {
			continue
		}
		id := attr(el, attrConsent)
		allowed, known := m.decision.Permits(id)
		if !known {
			m.warn(id)
		}
		if !allowed {
			continue
		}
		if err := m.runScript(el, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// runScript replaces a blocked script with a live copy: same attributes
// but type, src (resolved, as checked) and event handlers, same nonce
// (which the browser hides from getAttribute), same code. An external
// script keeps the scripts after it waiting until it has loaded or failed,
// unless it is async.
func (m *markup) runScript(old safejs.Value, id string) error {
	external := hasAttr(old, "src")
	src, err := m.svc.catalogue.ActivateScript(consent.BlockedScript{
		ID: id, External: external, Src: attr(old, "src"), Nonce: str(prop(old, "nonce")),
	}, m.page())
	if err != nil {
		if _, serr := old.Call("setAttribute", attrRefused, err.Error()); serr != nil {
			err = errors.Join(err, serr)
		}
		return fmt.Errorf("not run: %w", err)
	}
	doc := m.svc.page.document
	s, err := doc.Call("createElement", "script")
	if err != nil {
		return err
	}
	attrs, err := prop(old, "attributes")
	if err != nil {
		return err
	}
	for _, a := range items(attrs) {
		name, value := str(prop(a, "name")), str(prop(a, "value"))
		switch {
		case name == "type", name == "nonce", name == "src", name == attrType:
			continue
		case strings.HasPrefix(strings.ToLower(name), "on"):
			// An event handler is inline code without a nonce.
			continue
		}
		if _, err := s.Call("setAttribute", name, value); err != nil {
			return fmt.Errorf("copying %s to a script: %w", name, err)
		}
	}
	if t := attr(old, attrType); t != "" {
		if _, err := s.Call("setAttribute", "type", t); err != nil {
			return err
		}
	}
	if nonce := str(prop(old, "nonce")); nonce != "" {
		if err := setProp(s, "nonce", nonce); err != nil {
			return err
		}
	}
	async := hasAttr(old, "async")
	if external {
		url, err := m.svc.trust.ScriptURL(src)
		if err != nil {
			return err
		}
		if _, err := s.Call("setAttribute", "src", url); err != nil {
			return err
		}
		// Inserted scripts are async by default; those that are not
		// marked async keep their order.
		if !async {
			if err := setProp(s, "async", false); err != nil {
				return err
			}
		}
	} else {
		text, err := m.svc.trust.Script(str(prop(old, "text")), old)
		if err != nil {
			return err
		}
		if err := setProp(s, "text", text); err != nil {
			return err
		}
	}
	if external && !async {
		if err := m.resumeAfter(s); err != nil {
			return err
		}
	}
	m.ran[id] = true
	if _, err := old.Call("replaceWith", s); err != nil {
		m.waiting = false
		return fmt.Errorf("running a data-consent=%q script: %w", id, err)
	}
	return nil
}

// resumeAfter makes the queue wait until script has loaded or failed.
func (m *markup) resumeAfter(script safejs.Value) error {
	var fn safejs.Func
	fn, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		if !m.waiting {
			return nil
		}
		fn.Release()
		m.waiting = false
		if err := errors.Join(m.run()...); err != nil {
			consoleError("running data-consent scripts: %v", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, ev := range []string{"load", "error"} {
		if _, err := script.Call("addEventListener", ev, fn); err != nil {
			fn.Release()
			return err
		}
	}
	m.waiting = true
	return nil
}
