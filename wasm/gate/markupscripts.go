package gate

import (
	"errors"
	"fmt"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/dom"
)

// activationPage is what consent.ActivateScript needs to know of the host
// page.
func (m *markup) activationPage() consent.Page {
	loc := m.page.doc.Location()
	return consent.Page{URL: loc.Href, Base: loc.Base, Nonce: m.page.cfg.Nonce}
}

// run runs the queued scripts that are allowed, in order. A script that is
// not allowed stays text/plain in the page, to be found again by the next
// apply; one that already ran is no longer text/plain, so none runs twice.
// One that ActivateScript refuses is marked and never tried again.
func (m *markup) run() []error {
	var errs []error
	for !m.waiting && len(m.queue) > 0 {
		el := m.queue[0]
		m.queue = m.queue[1:]
		typ, _ := el.Attr("type")
		_, refused := el.Attr(attrRefused)
		if !el.Connected() || !strings.EqualFold(typ, "text/plain") || refused {
			continue
		}
		id, _ := el.Attr(attrConsent)
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
// (which the browser hides from attributes), same code. An external
// script keeps the scripts after it waiting until it has loaded or failed,
// unless it is async.
func (m *markup) runScript(old dom.Element, id string) error {
	src, external := old.Attr("src")
	blocked := old.Script()
	if blocked == nil {
		return fmt.Errorf("data-consent=%q: not a script", id)
	}
	url, err := m.page.cat.ActivateScript(consent.BlockedScript{
		ID: id, External: external, Src: src, Nonce: blocked.Nonce(),
	}, m.activationPage())
	if err != nil {
		return fmt.Errorf("not run: %w", errors.Join(err, old.SetAttr(attrRefused, err.Error())))
	}
	el, err := m.page.doc.CreateElement("script")
	if err != nil {
		return err
	}
	for _, a := range old.Attrs() {
		switch name := strings.ToLower(a.Name); {
		case name == "type", name == "nonce", name == "src", name == attrType:
			continue
		case strings.HasPrefix(name, "on"):
			// An event handler is inline code without a nonce.
			continue
		}
		if err := el.SetAttr(a.Name, a.Value); err != nil {
			return fmt.Errorf("copying %s to a script: %w", a.Name, err)
		}
	}
	if t, _ := old.Attr(attrType); t != "" {
		if err := el.SetAttr("type", t); err != nil {
			return err
		}
	}
	live := el.Script()
	if nonce := blocked.Nonce(); nonce != "" {
		if err := live.SetNonce(nonce); err != nil {
			return err
		}
	}
	_, async := old.Attr("async")
	if external {
		if err := live.SetSrc(url); err != nil {
			return err
		}
		// Inserted scripts are async by default; those that are not
		// marked async keep their order.
		if !async {
			if err := live.SetAsync(false); err != nil {
				return err
			}
		}
	} else if err := live.SetCode(blocked.Code(), old); err != nil {
		return err
	}
	if external && !async {
		if err := m.resumeAfter(el); err != nil {
			return err
		}
	}
	if err := old.ReplaceWith(el); err != nil {
		m.waiting = false
		return fmt.Errorf("running a data-consent=%q script: %w", id, err)
	}
	return nil
}

// resumeAfter makes the queue wait until script has loaded or failed.
func (m *markup) resumeAfter(script dom.Element) error {
	resume := func() {
		if !m.waiting {
			return
		}
		m.waiting = false
		if err := errors.Join(m.run()...); err != nil {
			m.page.errorf("running data-consent scripts: %v", err)
		}
	}
	for _, ev := range []string{"load", "error"} {
		if err := script.OnEvent(ev, resume); err != nil {
			return err
		}
	}
	m.waiting = true
	return nil
}
