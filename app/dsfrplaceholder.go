package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// DSFRPlaceholder is the placeholder in the DSFR theme, built as the DSFR
// consent manager's placeholder: a grey block with the service's name (or
// the category's) as a title, why the content is hidden and what it is
// for, and "Autoriser" as the DSFR's primary button. It keeps Placeholder's
// region, its button's data-action and data-category and its two slots,
// so the page program treats both alike. The title looks like a heading
// but is a paragraph: it lands in a page whose outline the widget does not
// know.
type DSFRPlaceholder struct {
	app.Compo

	// Placeholder is the notice this draws: its catalogue, language and id.
	Placeholder *Placeholder
}

// Render draws the placeholder.
func (d *DSFRPlaceholder) Render() app.UI {
	p := d.Placeholder
	cat, _ := p.subject()
	return p.region("fr-consent-placeholder", append([]app.UI{
		app.P().Class("fr-h6").Text(d.title()),
		app.P().Class("fr-text").Text(p.reason()),
		app.P().Class("fr-text").Text(cat.Description.In(p.Lang)),
		p.allow("fr-btn"),
	}, p.slots("fr-text", "fr-text--sm")...)...)
}

// title names the service as the manager does, or else the category.
func (d *DSFRPlaceholder) title() string {
	p := d.Placeholder
	cat, svc := p.subject()
	if svc != nil {
		return svc.Provider + " — " + svc.Name.In(p.Lang)
	}
	return cat.Title.In(p.Lang)
}
