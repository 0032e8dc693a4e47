package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// CookieTable lists the cookies of one category: provider, service, cookie,
// purpose and lifetime (R18).
type CookieTable struct {
	app.Compo

	Catalogue *consent.Catalogue
	Category  string
	Lang      string
}

// Render draws the table.
func (t *CookieTable) Render() app.UI {
	type row struct {
		svc    consent.Service
		cookie consent.Cookie
	}
	var rows []row
	for _, svc := range t.Catalogue.ServicesIn(t.Category) {
		for _, c := range svc.Cookies {
			rows = append(rows, row{svc, c})
		}
	}
	cat, _ := t.Catalogue.Category(t.Category)
	header := func(l consent.Label) app.UI { return app.Th().Scope("col").Text(t.Catalogue.Label(t.Lang, l)) }
	return app.Div().Class("cc-table-wrap").Body(
		app.Table().Class("cc-table").Body(
			app.Caption().Text(cat.Title.In(t.Lang)),
			app.THead().Body(app.Tr().Body(
				header(consent.LabelProvider), header(consent.LabelService), header(consent.LabelCookie),
				header(consent.LabelPurpose), header(consent.LabelLifetime),
			)),
			app.TBody().Body(
				app.Range(rows).Slice(func(i int) app.UI {
					r := rows[i]
					return app.Tr().Body(
						app.Td().Text(r.svc.Provider),
						app.Td().Text(r.svc.Name.In(t.Lang)),
						app.Td().Body(app.Code().Text(r.cookie.Name)),
						app.Td().Text(r.cookie.Purpose.In(t.Lang)),
						app.Td().Text(r.cookie.Lifetime.In(t.Lang)),
					)
				}),
			),
		),
	)
}
