package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Notice is what a service asks to be shown next to the content it fills
// while it runs (R19: Google's reCAPTCHA terms), with its links. The page
// program puts it in the host page, where the page's own styles apply; it
// is rendered at build time, for the services that have one.
type Notice struct {
	app.Compo

	Service consent.Service
	Lang    string
}

// Render draws the notice.
func (n *Notice) Render() app.UI {
	l := n.Service.Loader
	parts := []app.UI{app.Text(l.Notice.In(n.Lang) + " ")}
	for _, link := range l.NoticeLinks {
		parts = append(parts,
			app.A().Href(link.URL).Rel("noopener noreferrer").Target("_blank").Text(link.Text.In(n.Lang)),
			app.Text(" "))
	}
	return app.P().Class("consent-notice").Body(parts...)
}
