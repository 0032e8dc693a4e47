//go:build js && wasm

package main

import (
	"fmt"
	"strings"

	"github.com/hack-pad/safejs"
)

// themeProperties are the custom properties a host page sets to theme the
// widget; web/src/consent.css declares their defaults and web/src/frame.js
// copies the same list into the widget's frame.
var themeProperties = []string{
	"--cc-bg", "--cc-fg", "--cc-muted", "--cc-accent", "--cc-accent-fg", "--cc-border",
	"--cc-focus", "--cc-font", "--cc-radius", "--cc-space", "--cc-backdrop",
}

// Theme gives el, a placeholder of the host page, the theme the host sets
// where el stands: the --cc-* values computed at from. They go on el's
// inline style through CSSOM (allowed under a CSP without 'unsafe-inline'),
// which beats the defaults its shadow root's stylesheet gives it with
// :host. Properties the host does not set keep those defaults, dark scheme
// included.
func (p *page) Theme(el, from safejs.Value) error {
	computed, err := p.window.Call("getComputedStyle", from)
	if err != nil {
		return fmt.Errorf("reading the host's theme: %w", err)
	}
	style, err := get(el, "style")
	if err != nil {
		return err
	}
	for _, name := range themeProperties {
		v, err := computed.Call("getPropertyValue", name)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		s, _ := v.String()
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if _, err := style.Call("setProperty", name, s); err != nil {
			return fmt.Errorf("setting %s: %w", name, err)
		}
	}
	return nil
}
