package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Manager is the content of the preferences in the DSFR theme, built as
// the DSFR's consent manager: a first row, "Préférences pour tous les
// services", whose "Tout accepter" and "Tout refuser" radio buttons set
// every purpose; then one fieldset per purpose with "Accepter" and
// "Refuser" radio buttons, its description, what refusing means and who
// receives the data (R7); its services, each with its own radio buttons,
// and its cookies (R18) behind "Voir plus de détails". A necessary purpose
// or service shows "Accepter" chosen and "Refuser" disabled. The radio
// buttons show the choice being edited: a purpose nobody allowed shows
// "Refuser" (R8: nothing starts allowed), one whose services differ shows
// neither. Nothing is stored until "Confirmer mes choix" (Preferences).
type Manager struct {
	app.Compo

	Session *Session

	// expanded holds the purposes whose details are shown, by id.
	expanded map[string]bool
}

// The answers a row of radio buttons shows: which one is chosen, or
// neither when the services of a purpose differ.
const (
	answerAccept = "accept"
	answerRefuse = "refuse"
	answerNone   = ""
)

// categoryAnswer is the answer a purpose's row shows.
func categoryAnswer(s *Session, cat consent.Category) string {
	on, mixed := s.CategoryOn(cat.ID)
	switch {
	case cat.Necessary || on:
		return answerAccept
	case mixed:
		return answerNone
	}
	return answerRefuse
}

// allAnswer is the answer of the row for every purpose: "accept" when every
// optional purpose is allowed, "refuse" when none is.
func allAnswer(s *Session) string {
	answer := ""
	for _, cat := range s.Catalogue.OptionalCategories() {
		a := categoryAnswer(s, cat)
		if a == answerNone || (answer != "" && a != answer) {
			return answerNone
		}
		answer = a
	}
	return answer
}

// setAll switches every optional purpose on or off, in the choice being
// edited.
func setAll(s *Session, on bool) {
	for _, cat := range s.Catalogue.OptionalCategories() {
		s.SetCategory(cat.ID, on)
	}
}

// toggleDetails shows or hides a purpose's details.
func (m *Manager) toggleDetails(id string) {
	if m.expanded == nil {
		m.expanded = map[string]bool{}
	}
	m.expanded[id] = !m.expanded[id]
}

// Render draws the manager.
func (m *Manager) Render() app.UI {
	s := m.Session
	c := s.Catalogue
	all := allAnswer(s)
	return app.Div().Class("cc-manager").Body(
		app.Div().Class("cc-purpose", "cc-purpose-all").Body(
			app.FieldSet().Class("cc-fieldset").Body(
				app.Legend().ID("cc-all-legend").Class("cc-purpose-title").Body(
					app.Text(s.Label(consent.LabelAllServices)+" "),
					app.A().Href(c.Site.PolicyURL.In(s.Lang)).Target("_top").Text(s.Label(consent.LabelPolicy)),
				),
				radios("cc-all", s.Label(consent.LabelAcceptAll), s.Label(consent.LabelRefuseAll), all, false,
					func(on bool) { setAll(s, on) }),
			),
		),
		app.Range(c.Categories).Slice(func(i int) app.UI { return m.purpose(c.Categories[i]) }),
	)
}

// purpose is one purpose's fieldset.
func (m *Manager) purpose(cat consent.Category) app.UI {
	s := m.Session
	id := "cc-cat-" + cat.ID
	services := s.Catalogue.ServicesIn(cat.ID)
	open := m.expanded[cat.ID]
	body := []app.UI{
		app.Legend().ID(id + "-legend").Class("cc-purpose-title").Text(cat.Title.In(s.Lang)),
		radios(id, s.Label(consent.LabelAccept), s.Label(consent.LabelRefuse), categoryAnswer(s, cat), cat.Necessary,
			func(on bool) { s.SetCategory(cat.ID, on) }),
		app.P().ID(id + "-desc").Class("cc-purpose-desc").Text(cat.Description.In(s.Lang)),
	}
	if refusal := cat.Refusal.In(s.Lang); refusal != "" {
		body = append(body, app.P().Class("cc-purpose-desc", "cc-refusal").Text(refusal))
	}
	for _, svc := range services {
		if svc.PrivacyURL != "" {
			body = append(body, receiver(s, svc))
		}
	}
	body = append(body,
		app.Button().ID(id+"-more").Class("cc-collapse-btn").Type("button").
			Aria("expanded", open).Aria("controls", id+"-details").Aria("describedby", id+"-legend").
			Text(s.Label(consent.LabelMoreDetails)).
			OnClick(func(ctx app.Context, e app.Event) { m.toggleDetails(cat.ID); ctx.Update() }),
		app.Div().ID(id+"-details").Class("cc-services").Hidden(!open).Body(
			app.Range(services).Slice(func(i int) app.UI { return m.service(cat, services[i]) }),
			&CookieTable{Catalogue: s.Catalogue, Category: cat.ID, Lang: s.Lang},
		),
	)
	return app.Div().Class("cc-purpose").Body(
		app.FieldSet().Class("cc-fieldset").Aria("labelledby", id+"-legend "+id+"-desc").Body(body...),
	)
}

// service is one service's fieldset, inside its purpose's details.
func (m *Manager) service(cat consent.Category, svc consent.Service) app.UI {
	s := m.Session
	id := "cc-svc-" + svc.ID
	answer := answerRefuse
	if s.ServiceOn(svc.ID) {
		answer = answerAccept
	}
	return app.Div().Class("cc-purpose", "cc-service").Body(
		app.FieldSet().Class("cc-fieldset").Aria("labelledby", id+"-legend").Body(
			app.Legend().ID(id+"-legend").Class("cc-purpose-title").Text(svc.Provider+" — "+svc.Name.In(s.Lang)),
			radios(id, s.Label(consent.LabelAccept), s.Label(consent.LabelRefuse), answer, cat.Necessary,
				func(on bool) { s.SetService(svc.ID, on) }),
		),
	)
}

// radios is a row of two radio buttons named id, "accept" and "refuse",
// labelled accept and refuse, answer chosen; locked keeps "refuse" disabled
// (a necessary purpose). set gets the visitor's answer. go-app sets the
// checked and disabled properties of the live elements, so a "false" is
// false there.
func radios(id, accept, refuse, answer string, locked bool, set func(on bool)) app.UI {
	radio := func(value, label string, disabled bool) app.UI {
		rid := id + "-" + value
		return app.Div().Class("cc-radio").Body(
			app.Input().Type("radio").ID(rid).Name(id).Value(value).
				Checked(answer == value).Disabled(disabled).
				OnChange(func(ctx app.Context, e app.Event) { set(value == answerAccept); ctx.Update() }),
			app.Label().For(rid).Text(label),
		)
	}
	return app.Div().Class("cc-radios").Body(
		radio(answerAccept, accept, false),
		radio(answerRefuse, refuse, locked),
	)
}
