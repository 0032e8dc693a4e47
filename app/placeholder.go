package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Placeholder is the notice the page program puts in place of content that
// a refused service or category would show (R17): what the content uses,
// why the category is asked for, an "Autoriser" button that allows it, and
// two optional lines the page program keeps or removes: the site's other
// way to reach it (for a form) and a link to see the content at its
// provider (for an embed that names one). It is rendered at build time,
// with "{provider}" left in the link's text for the page program to fill.
// In the DSFR theme it is the DSFR's placeholder instead (DSFRPlaceholder).
type Placeholder struct {
	app.Compo

	Catalogue *consent.Catalogue
	Lang      string
	// ID is the service or category the content depends on.
	ID string
}

// Slots of the placeholder, as data-consent-slot names them.
const (
	SlotContact = "contact"
	SlotLink    = "link"
)

// placeholderName is the id of the element that names the placeholder's
// region. Each placeholder has a shadow root of its own, so it is unique.
const placeholderName = "cc-placeholder-name"

func (p *Placeholder) label(key consent.Label, vars ...string) string {
	return p.Catalogue.Label(p.Lang, key, vars...)
}

// subject is what the content depends on: its category, and its service
// when the placeholder's id names one.
func (p *Placeholder) subject() (consent.Category, *consent.Service) {
	if svc, ok := p.Catalogue.Service(p.ID); ok {
		cat, _ := p.Catalogue.Category(svc.Category)
		return cat, &svc
	}
	cat, _ := p.Catalogue.Category(p.ID)
	return cat, nil
}

// reason says what the content uses that the visitor has not allowed.
func (p *Placeholder) reason() string {
	cat, svc := p.subject()
	if svc != nil {
		return p.label(consent.LabelPlaceholderService, "provider", svc.Provider, "service", svc.Name.In(p.Lang))
	}
	return p.label(consent.LabelPlaceholderCategory, "category", cat.Title.In(p.Lang))
}

// region is the placeholder's element in every theme, of class, holding
// body. It is a region named after the category; its name is an element's
// text rather than an aria-label, so that no catalogue text is ever
// written into an attribute of the page.
func (p *Placeholder) region(class string, body ...app.UI) app.UI {
	cat, _ := p.subject()
	name := app.Span().ID(placeholderName).Hidden(true).Text(cat.Title.In(p.Lang))
	return app.Div().Class(class, ThemeClass(p.Catalogue)).Role("region").Aria("labelledby", placeholderName).
		Body(append([]app.UI{name}, body...)...)
}

// allow is the "Autoriser" button, which allows the content's category.
func (p *Placeholder) allow(class ...string) app.UI {
	cat, _ := p.subject()
	return app.Button().Type("button").Class(class...).DataSet("action", contract.ActionAllow).
		DataSet("category", cat.ID).Text(p.label(consent.LabelAllow))
}

// slots are the two optional lines, each a paragraph of class.
func (p *Placeholder) slots(class ...string) []app.UI {
	c := p.Catalogue
	return []app.UI{
		app.P().Class(class...).DataSet("consent-slot", SlotContact).Body(
			app.Text(p.label(consent.LabelPlaceholderContact)+" "),
			app.If(c.Site.ContactURL != "", func() app.UI {
				return app.A().Href(c.Site.ContactURL).Text(c.Site.Contact.In(p.Lang))
			}).Else(func() app.UI {
				return app.Span().Text(c.Site.Contact.In(p.Lang))
			}),
		),
		app.P().Class(class...).DataSet("consent-slot", SlotLink).Body(
			app.A().Href("#").Rel("noopener noreferrer").Target("_blank").
				Text(p.label(consent.LabelPlaceholderLink, "provider", "{provider}")),
		),
	}
}

// Render draws the notice.
func (p *Placeholder) Render() app.UI {
	if p.Catalogue.Site.Theme == consent.ThemeDSFR {
		return &DSFRPlaceholder{Placeholder: p}
	}
	cat, _ := p.subject()
	return p.region("cc-placeholder", append([]app.UI{
		app.P().Class("cc-placeholder-title").Text(p.reason()),
		app.P().Text(cat.Description.In(p.Lang)),
		p.allow("cc-btn"),
	}, p.slots("cc-placeholder-contact")...)...)
}
