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

func (p *Placeholder) label(key consent.Label, vars ...string) string {
	return p.Catalogue.Label(p.Lang, key, vars...)
}

// Render draws the notice.
func (p *Placeholder) Render() app.UI {
	c := p.Catalogue
	catID := p.ID
	var title string
	if svc, ok := c.Service(p.ID); ok {
		catID = svc.Category
		title = p.label(consent.LabelPlaceholderService, "provider", svc.Provider, "service", svc.Name.In(p.Lang))
	}
	cat, _ := c.Category(catID)
	if title == "" {
		title = p.label(consent.LabelPlaceholderCategory, "category", cat.Title.In(p.Lang))
	}
	// The region is named after the category. Its name is an element's
	// text rather than an aria-label, so that no catalogue text is ever
	// written into an attribute of the page.
	return app.Div().Class("cc-placeholder").Role("region").Aria("labelledby", "cc-placeholder-name").Body(
		app.Span().ID("cc-placeholder-name").Hidden(true).Text(cat.Title.In(p.Lang)),
		app.P().Class("cc-placeholder-title").Text(title),
		app.P().Text(cat.Description.In(p.Lang)),
		app.Button().Type("button").Class("cc-btn").DataSet("action", contract.ActionAllow).
			DataSet("category", cat.ID).Text(p.label(consent.LabelAllow)),
		app.P().Class("cc-placeholder-contact").DataSet("consent-slot", SlotContact).Body(
			app.Text(p.label(consent.LabelPlaceholderContact)+" "),
			app.If(c.Site.ContactURL != "", func() app.UI {
				return app.A().Href(c.Site.ContactURL).Text(c.Site.Contact.In(p.Lang))
			}).Else(func() app.UI {
				return app.Span().Text(c.Site.Contact.In(p.Lang))
			}),
		),
		app.P().Class("cc-placeholder-contact").DataSet("consent-slot", SlotLink).Body(
			app.A().Href("#").Rel("noopener noreferrer").Target("_blank").
				Text(p.label(consent.LabelPlaceholderLink, "provider", "{provider}")),
		),
	)
}
