package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Preferences is the modal dialog where a visitor allows or refuses each
// purpose and each service, with the cookies each one sets (R7, R8, R18).
// Escape and its close control close it without saving (R21). In the DSFR
// theme its content is the DSFR's consent manager (Manager), saved by
// "Confirmer mes choix".
type Preferences struct {
	app.Compo

	Session  *Session
	OnChoice func(app.Context, Choice)
	OnClose  func(app.Context)
}

// Focus sentinels keep Tab inside the modal dialog (R21): reaching one moves
// focus to the other end of the dialog.
const (
	prefsFirst = "cc-prefs-close"
	prefsLast  = "cc-prefs-save"
)

// Render draws the dialog.
func (p *Preferences) Render() app.UI {
	s := p.Session
	dsfr := s.Catalogue.Site.Theme == consent.ThemeDSFR
	return app.Div().Class("cc-backdrop").Body(
		app.Div().Class("cc-sentinel").TabIndex(0).OnFocus(p.focusTo(prefsLast)),
		app.Section().
			ID("cc-prefs").
			Class("cc-prefs").
			Role("dialog").
			Aria("modal", "true").
			Aria("labelledby", "cc-prefs-title").
			TabIndex(-1).
			OnKeyDown(p.onKeyDown).
			Body(
				app.Div().Class("cc-prefs-head").Body(
					app.H2().ID("cc-prefs-title").Text(s.Label(consent.LabelPreferencesTitle)),
					app.Button().ID(prefsFirst).Class("cc-close").
						Aria("label", s.Label(consent.LabelClose)).Title(s.Label(consent.LabelClose)).
						Text(closeText(s, dsfr)).OnClick(p.close),
				),
				app.Div().Class("cc-prefs-body").Body(
					app.P().Text(s.Label(consent.LabelPreferencesIntro)+" "+s.Label(consent.LabelChangeLater)),
					app.If(s.Catalogue.Site.Receipts != "" && s.RecordID != "", func() app.UI {
						return app.P().ID("cc-receipt").Class("cc-receipt").Text(s.Label(consent.LabelReceiptID, "id", s.RecordID))
					}),
					app.If(dsfr, func() app.UI {
						return &Manager{Session: s}
					}).Else(func() app.UI {
						return app.Range(s.Catalogue.Categories).Slice(func(i int) app.UI {
							return p.category(s.Catalogue.Categories[i])
						})
					}),
				),
				app.If(dsfr, func() app.UI {
					return app.Ul().Class("cc-buttons").Body(app.Li().Body(p.saveButton(consent.LabelConfirm)))
				}).Else(func() app.UI {
					return app.Div().Class("cc-actions").Body(
						app.Button().Class("cc-btn").DataSet("action", contract.ActionRefuse).
							Text(s.Label(consent.LabelRefuseAll)).OnClick(p.refuse),
						app.Button().Class("cc-btn").DataSet("action", contract.ActionAccept).
							Text(s.Label(consent.LabelAcceptAll)).OnClick(p.accept),
						p.saveButton(consent.LabelSave),
					)
				}),
			),
		app.Div().Class("cc-sentinel").TabIndex(0).OnFocus(p.focusTo(prefsFirst)),
	)
}

// saveButton records the choice as the dialog shows it; it is the dialog's
// last control.
func (p *Preferences) saveButton(label consent.Label) app.UI {
	return app.Button().ID(prefsLast).Class("cc-btn").DataSet("action", contract.ActionSave).
		Text(p.Session.Label(label)).OnClick(p.save)
}

func (p *Preferences) category(cat consent.Category) app.UI {
	s := p.Session
	titleID := "cc-cat-" + cat.ID
	on, mixed := s.CategoryOn(cat.ID)
	return app.Section().Class("cc-category").Aria("labelledby", titleID).Body(
		app.Div().Class("cc-category-head").Body(
			app.H3().ID(titleID).Text(cat.Title.In(s.Lang)),
			app.If(cat.Necessary, func() app.UI {
				return app.Span().Class("cc-locked").Text(s.Label(consent.LabelAlwaysOn))
			}).Else(func() app.UI {
				return p.toggle("cc-toggle-"+cat.ID, titleID, on, mixed, func(ctx app.Context) {
					// Read at click time: go-app keeps the first render's handler.
					now, _ := s.CategoryOn(cat.ID)
					s.SetCategory(cat.ID, !now)
				})
			}),
		),
		app.P().Text(cat.Description.In(s.Lang)),
		app.If(cat.Refusal.In(s.Lang) != "", func() app.UI {
			return app.P().Class("cc-refusal").Text(cat.Refusal.In(s.Lang))
		}),
		app.Range(s.Catalogue.ServicesIn(cat.ID)).Slice(func(i int) app.UI {
			return p.service(cat, s.Catalogue.ServicesIn(cat.ID)[i])
		}),
		&CookieTable{Catalogue: s.Catalogue, Category: cat.ID, Lang: s.Lang},
	)
}

func (p *Preferences) service(cat consent.Category, svc consent.Service) app.UI {
	s := p.Session
	nameID := "cc-svc-" + svc.ID
	return app.Div().Class("cc-service").Body(
		app.Div().Class("cc-service-head").Body(
			app.P().ID(nameID).Class("cc-service-name").Text(svc.Provider+" — "+svc.Name.In(s.Lang)),
			app.If(!cat.Necessary, func() app.UI {
				return p.toggle("cc-toggle-svc-"+svc.ID, nameID, s.ServiceOn(svc.ID), false, func(ctx app.Context) {
					s.SetService(svc.ID, !s.ServiceOn(svc.ID))
				})
			}),
		),
		app.If(svc.PrivacyURL != "", func() app.UI { return receiver(s, svc) }),
	)
}

// receiver names who receives the data of a service, with a link to their
// privacy policy, opened outside the widget's small frame (R7).
func receiver(s *Session, svc consent.Service) app.UI {
	return app.P().Body(
		app.Text(s.Label(consent.LabelReceiver, "provider", svc.Provider)+" "),
		app.A().Href(svc.PrivacyURL).Target("_blank").Rel("noopener noreferrer").
			Text(s.Label(consent.LabelPrivacyPolicy, "provider", svc.Provider)),
	)
}

// closeText is the close control's text: a cross named by its label, or the
// label itself in the DSFR theme, as the DSFR's dialogs show it.
func closeText(s *Session, dsfr bool) string {
	if dsfr {
		return s.Label(consent.LabelClose)
	}
	return "×"
}

// toggle is a switch whose state is exposed to assistive technology
// (aria-checked, R21) and never starts on by itself (R8).
func (p *Preferences) toggle(id, labelledBy string, on, mixed bool, flip func(app.Context)) app.UI {
	state := "false"
	switch {
	case mixed:
		state = "mixed"
	case on:
		state = "true"
	}
	role := "switch"
	if mixed {
		role = "checkbox" // a switch cannot be half on
	}
	return app.Button().ID(id).Class("cc-toggle").Role(role).
		Aria("checked", state).Aria("labelledby", labelledBy).
		OnClick(func(ctx app.Context, e app.Event) { flip(ctx); ctx.Update() })
}

func (p *Preferences) onKeyDown(ctx app.Context, e app.Event) {
	if e.Get("key").String() == "Escape" {
		e.PreventDefault()
		p.OnClose(ctx)
	}
}

func (p *Preferences) focusTo(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Call("focus")
		}
	}
}

func (p *Preferences) close(ctx app.Context, e app.Event)  { p.OnClose(ctx) }
func (p *Preferences) accept(ctx app.Context, e app.Event) { p.OnChoice(ctx, p.Session.AcceptAll()) }
func (p *Preferences) refuse(ctx app.Context, e app.Event) { p.OnChoice(ctx, p.Session.RefuseAll()) }
func (p *Preferences) save(ctx app.Context, e app.Event)   { p.OnChoice(ctx, p.Session.Save()) }
