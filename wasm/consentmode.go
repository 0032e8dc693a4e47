//go:build js && wasm

package main

import (
	"errors"
	"fmt"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// gtagProperty is the property of the widget's <iframe> element where the
// loader leaves its gtag function: a function of the host's realm, whose
// arguments object is what Google's tags read from dataLayer.
const gtagProperty = "civicGtag"

// googleConsent sends Google Consent Mode v2 "update" commands when the
// catalogue asks for Consent Mode. The loader already sent "default", every
// type denied, before any Google tag could run; until an update grants a
// type, it stays denied.
type googleConsent struct {
	catalogue *consent.Catalogue
	gtag      safejs.Value
}

// newGoogleConsent finds the loader's gtag function when Consent Mode is on.
// Without it no update can be sent, so every type stays denied.
func newGoogleConsent(c *consent.Catalogue) (*googleConsent, error) {
	g := &googleConsent{catalogue: c, gtag: safejs.Undefined()}
	if !c.Site.ConsentMode {
		return g, nil
	}
	el, err := get(safejs.Global(), "frameElement")
	if err != nil {
		return g, fmt.Errorf("Consent Mode: no frame element: %w", err)
	}
	fn, err := prop(el, gtagProperty)
	if err != nil || fn.Type() != safejs.TypeFunction {
		return g, errors.New("Consent Mode: the loader left no gtag function; Google's consent types stay denied")
	}
	g.gtag = fn
	return g, nil
}

// Update sends the state of the decision: gtag('consent', 'update', {…}).
func (g *googleConsent) Update(d consent.Decision) error {
	if !g.catalogue.Site.ConsentMode {
		return nil
	}
	if g.gtag.Type() != safejs.TypeFunction {
		return errors.New("Consent Mode: no gtag function")
	}
	state := map[string]any{}
	for t, v := range g.catalogue.GoogleConsent(d) {
		state[t] = v
	}
	if _, err := g.gtag.Invoke("consent", "update", state); err != nil {
		return fmt.Errorf("Consent Mode update: %w", err)
	}
	return nil
}
