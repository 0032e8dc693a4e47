//go:build js && wasm

package main

import (
	consent "github.com/civic-consent/consent"
)

// ChangeEvent is the DOM event dispatched on the host document after a
// choice is stored, with the state before and after in event.detail.
const ChangeEvent = "consent:change"

// events tells the host page's own code about choices.
type events struct {
	page *page
}

// Changed dispatches ChangeEvent. It runs after the cookie is written, so a
// listener that reads the cookie sees the new choice.
func (e *events) Changed(before, after consent.Decision) {
	ctor, err := get(e.page.window, "CustomEvent")
	if err != nil {
		consoleError("no CustomEvent in the page: %v", err)
		return
	}
	ev, err := ctor.New(ChangeEvent, map[string]any{
		"detail": map[string]any{"previous": state(before), "current": state(after)},
	})
	if err != nil {
		consoleError("creating %s: %v", ChangeEvent, err)
		return
	}
	if _, err := e.page.document.Call("dispatchEvent", ev); err != nil {
		consoleError("a %s listener threw: %v", ChangeEvent, err)
	}
}

// state is a decision as plain JavaScript data.
func state(d consent.Decision) map[string]any {
	services := map[string]any{}
	for id, ok := range d.Services {
		services[id] = ok
	}
	categories := map[string]any{}
	for id, ok := range d.Categories {
		categories[id] = ok
	}
	return map[string]any{"services": services, "categories": categories}
}
