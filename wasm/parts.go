//go:build js && wasm

package main

import (
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/dom"
	"github.com/civic-consent/consent/wasm/frame"
)

// parts are gate.Parts from the <template> elements of the widget's frame,
// which the build prerendered in the page's language.
type parts struct {
	frame *frame.Frame
	host  dom.Document
	// styleURL is the stylesheet, linked where the browser cannot adopt
	// the loader's constructed one.
	styleURL string
}

func (p *parts) copy(id string) (dom.Element, error) {
	v, err := p.frame.Template(id, dom.DocumentValue(p.host))
	if err != nil {
		return nil, err
	}
	return dom.Wrap(p.host, v), nil
}

func (p *parts) Placeholder(id string) (dom.Element, error) {
	return p.copy(contract.TemplatePlaceholder(id))
}

func (p *parts) Notice(serviceID string) (dom.Element, error) {
	id := contract.TemplateNotice(serviceID)
	if !p.frame.HasTemplate(id) {
		return nil, nil
	}
	return p.copy(id)
}

func (p *parts) Style(root dom.Element) error {
	if p.frame.AdoptStyles(dom.Value(root)) {
		return nil
	}
	link, err := p.host.CreateElement("link")
	if err != nil {
		return err
	}
	if err := link.SetAttr("rel", "stylesheet"); err != nil {
		return err
	}
	if err := link.SetAttr("href", p.styleURL); err != nil {
		return err
	}
	return root.Append(link)
}
