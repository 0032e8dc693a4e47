package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// DSFRBanner is the first layer in the DSFR theme, built as the DSFR's
// consent banner: a title, the text, "Tout accepter" and "Tout refuser" as
// primary buttons and "Personnaliser" as a secondary one, in a list. It is
// the same dialog as Banner's, with the same data-action attributes, so
// the loader and focus treat both alike, but like the DSFR's it has no
// close control: a visitor who ignores it has refused all the same (R3).
// The buttons show in the order a keyboard reaches them.
type DSFRBanner struct {
	app.Compo

	// Banner is the first layer this draws: its session and its handlers.
	Banner *Banner
}

// Render draws the banner.
func (d *DSFRBanner) Render() app.UI {
	b := d.Banner
	s := b.Session
	return bannerDialog().Body(
		app.H2().ID("cc-banner-title").Class("cc-banner-title").Text(s.Label(consent.LabelTitle)),
		bannerText(s),
		app.Ul().Class("cc-buttons").Body(
			app.Li().Body(app.Button().Class("cc-btn").DataSet("action", contract.ActionAccept).
				Text(s.Label(consent.LabelAcceptAll)).OnClick(b.accept)),
			app.Li().Body(app.Button().Class("cc-btn").DataSet("action", contract.ActionRefuse).
				Text(s.Label(consent.LabelRefuseAll)).OnClick(b.refuse)),
			app.Li().Body(app.Button().Class("cc-btn", "cc-btn-secondary").DataSet("action", contract.ActionCustomise).
				Aria("haspopup", "dialog").Text(s.Label(consent.LabelCustomise)).OnClick(b.customise)),
		),
	)
}
