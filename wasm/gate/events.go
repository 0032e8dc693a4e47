package gate

import (
	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
)

// changed dispatches contract.ChangeEvent on the host document, with the
// state before and after a choice in event.detail. It runs after the
// cookie is written, so a listener that reads the cookie sees the new
// choice. Any script of the page can dispatch an event of that name too:
// a listener asks civicConsent.allowed before it acts on one.
func (p *Page) changed(before, after consent.Decision) {
	detail := map[string]any{"previous": state(before), "current": state(after)}
	if err := p.doc.Dispatch(contract.ChangeEvent, detail); err != nil {
		p.errorf("a %s listener threw: %v", contract.ChangeEvent, err)
	}
}

// state is a decision as plain data.
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
