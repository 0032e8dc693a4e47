//go:build js && wasm

package main

import (
	"fmt"
	"strings"

	"github.com/civic-consent/consent/app"
	"github.com/hack-pad/safejs"
)

// Theme gives el, a placeholder of the host page, the theme the host sets
// where el stands: the values of app.ThemeProperties computed at from. They
// go on el's inline style through CSSOM (allowed under a CSP without
// 'unsafe-inline'), which beats the defaults its shadow root's stylesheet
// gives it with :host. Properties the host does not set keep those defaults, dark scheme
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
	for _, name := range app.ThemeProperties {
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
