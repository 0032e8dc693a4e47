//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// trust is the loader's Trusted Types policy as the wasm reaches it
// (civicFrame.trust, see web/src/consent.js). Every script URL and inline
// script text the widget puts in the host page goes through it: on a page
// whose CSP requires Trusted Types, a plain string there is refused. Where
// the browser has none, it returns the string itself.
type trust struct {
	v safejs.Value
}

// ScriptURL returns url as the policy makes it: a TrustedScriptURL, or the
// string. The policy refuses a URL that consent.TrustScriptURL refuses.
func (t trust) ScriptURL(url string) (safejs.Value, error) {
	v, err := t.v.Call("scriptURL", url)
	if err != nil {
		return v, fmt.Errorf("script URL %s: %w", url, err)
	}
	return v, nil
}

// Script returns text, the code of the blocked inline script el, as the
// policy makes it: a TrustedScript, or the string.
func (t trust) Script(text string, el safejs.Value) (safejs.Value, error) {
	v, err := t.v.Call("script", text, el)
	if err != nil {
		return v, fmt.Errorf("inline script: %w", err)
	}
	return v, nil
}

// bindTrust hands the loader's policy the wasm's rules, once: a script URL
// must pass consent.TrustScriptURL for the host page, and a script text
// must be that of a blocked data-consent script that consent.ActivateScript
// lets run (the page's nonce). If rules were handed over already, by
// something else than this wasm, the widget does not trust the policy and
// stays off.
func bindTrust(f *frame, m *markup) (trust, error) {
	v, err := get(f.boot, "trust")
	if err != nil {
		return trust{}, fmt.Errorf("the frame's boot script has no Trusted Types policy: %w", err)
	}
	scriptURL, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) == 0 {
			return "no URL"
		}
		u, err := args[0].String()
		if err != nil {
			return "the URL is not a string"
		}
		return reason(m.svc.catalogue.TrustScriptURL(u, m.page().URL))
	})
	if err != nil {
		return trust{}, err
	}
	script, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) < 2 {
			return "no script element"
		}
		text, err := args[0].String()
		if err != nil {
			return "the script is not a string"
		}
		return reason(m.trustScript(text, args[1]))
	})
	if err != nil {
		return trust{}, err
	}
	first, err := v.Call("rules", map[string]any{"scriptURL": scriptURL, "script": script})
	if err != nil {
		return trust{}, err
	}
	if !truthy(first) {
		return trust{}, errors.New("the Trusted Types policy already had rules that are not the widget's")
	}
	return trust{v: v}, nil
}

// reason is what the policy's rules answer: "" to accept, else why not.
func reason(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// trustScript decides whether text may become the code of a running copy
// of el: el is a blocked data-consent script of the host page, text is its
// code, and consent.ActivateScript lets it run (it carries the page's
// nonce).
func (m *markup) trustScript(text string, el safejs.Value) error {
	if el.Type() != safejs.TypeObject {
		return errors.New("no script element")
	}
	owner, _ := prop(el, "ownerDocument")
	if !owner.Equal(m.svc.page.document) || !strings.EqualFold(str(prop(el, "tagName")), "script") ||
		!strings.EqualFold(attr(el, "type"), "text/plain") || !hasAttr(el, attrConsent) || hasAttr(el, "src") {
		return errors.New("not a blocked inline data-consent script of the page")
	}
	if str(prop(el, "text")) != text {
		return errors.New("the text is not that of the blocked script")
	}
	_, err := m.svc.catalogue.ActivateScript(consent.BlockedScript{ID: attr(el, attrConsent), Nonce: str(prop(el, "nonce"))}, m.page())
	return err
}
