package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Banner is the first layer: what the site does with cookies, a link to its
// policy, and three buttons of equal weight (R4, R5, R6). It does not block
// the page (R9); its close control refuses (R3). In the DSFR theme it is the
// DSFR's banner instead (DSFRBanner).
type Banner struct {
	app.Compo

	Session     *Session
	OnChoice    func(app.Context, Choice)
	OnCustomise func(app.Context)
}

// Render draws the first layer. The data-action attributes let the loader
// take a click on the prerendered copy before the wasm is running.
func (b *Banner) Render() app.UI {
	s := b.Session
	if s.Catalogue.Site.Theme == consent.ThemeDSFR {
		return &DSFRBanner{Banner: b}
	}
	return bannerDialog().
		Body(
			app.Button().
				Class("cc-close").
				DataSet("action", contract.ActionRefuse).
				Aria("label", s.Label(consent.LabelCloseRefuse)).
				Title(s.Label(consent.LabelCloseRefuse)).
				Text("×").
				OnClick(b.refuse),
			app.H2().ID("cc-banner-title").Text(s.Label(consent.LabelTitle)),
			bannerText(s),
			app.Div().Class("cc-actions").Body(
				app.Button().Class("cc-btn").DataSet("action", contract.ActionRefuse).
					Text(s.Label(consent.LabelRefuseAll)).OnClick(b.refuse),
				app.Button().Class("cc-btn").DataSet("action", contract.ActionAccept).
					Text(s.Label(consent.LabelAcceptAll)).OnClick(b.accept),
				app.Button().Class("cc-btn").DataSet("action", contract.ActionCustomise).
					Text(s.Label(consent.LabelCustomise)).OnClick(b.customise),
			),
		)
}

// bannerDialog is the first layer's element in every theme: a non-modal
// dialog named by its title and described by its text, which takes focus
// when it shows (the frame's boot and FocusAfter find it by its id).
func bannerDialog() app.HTMLSection {
	return app.Section().
		ID("cc-banner").
		Class("cc-banner").
		Role("dialog").
		Aria("modal", "false").
		Aria("labelledby", "cc-banner-title").
		Aria("describedby", "cc-banner-text").
		TabIndex(-1)
}

// bannerText is the first layer's text in every theme: the site's intro,
// then how to change one's mind and the policy, opened in the top page (R7).
func bannerText(s *Session) app.UI {
	c := s.Catalogue
	return app.Div().ID("cc-banner-text").Body(
		app.P().Text(c.Site.Intro.In(s.Lang)),
		app.P().Body(
			app.Text(s.Label(consent.LabelChangeLater)+" "),
			app.A().Href(c.Site.PolicyURL.In(s.Lang)).Target("_top").Text(s.Label(consent.LabelPolicy)),
		),
	)
}

func (b *Banner) accept(ctx app.Context, e app.Event) { b.OnChoice(ctx, b.Session.AcceptAll()) }

func (b *Banner) refuse(ctx app.Context, e app.Event) { b.OnChoice(ctx, b.Session.RefuseAll()) }

func (b *Banner) customise(ctx app.Context, e app.Event) { b.OnCustomise(ctx) }
