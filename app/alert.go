package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Alert says that a choice could not be stored: the page stays as it was,
// every optional service off (fail closed). The widget shows it live; the
// page program shows a copy prerendered by the build.
type Alert struct {
	app.Compo

	Catalogue *consent.Catalogue
	Lang      string
}

// Render draws the alert.
func (a *Alert) Render() app.UI {
	return app.P().Class("cc-error").Role("alert").Text(a.Catalogue.Label(a.Lang, consent.LabelSaveFailed))
}
