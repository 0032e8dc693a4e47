package app

import (
	"maps"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/frame"
)

// Session is the widget's state for one page: which view is shown and the
// choice being edited. Its methods are plain Go, tested without a browser; the
// components only call them.
type Session struct {
	Catalogue *consent.Catalogue
	Lang      string
	View      frame.View
	// RecordID is the consent id of the choice in force, which the
	// preferences show when the site keeps receipts, so that the visitor
	// can quote it to the site's DPO; "" when no choice is stored.
	RecordID string

	// draft holds an on/off for every optional service.
	draft map[string]bool
	// back is the view that closing the preferences returns to.
	back frame.View
}

// NewSession starts a session from the decision taken on the stored choice:
// the first layer when the visitor must be asked, the persistent button
// otherwise. Every optional toggle starts as the decision says: off unless a
// valid record allowed it (R8).
func NewSession(c *consent.Catalogue, lang string, d consent.Decision) *Session {
	s := &Session{Catalogue: c, Lang: lang, View: frame.ViewButton, draft: map[string]bool{}}
	if d.Ask {
		s.View = frame.ViewBanner
	}
	if d.Record != nil {
		s.RecordID = d.Record.ID
	}
	for _, svc := range c.Services {
		if !s.necessary(svc.Category) {
			s.draft[svc.ID] = d.Allowed(svc.ID)
		}
	}
	return s
}

func (s *Session) necessary(categoryID string) bool {
	cat, ok := s.Catalogue.Category(categoryID)
	return ok && cat.Necessary
}

// ServiceOn reports whether an optional service is switched on in the draft;
// necessary services are always on.
func (s *Session) ServiceOn(id string) bool {
	svc, ok := s.Catalogue.Service(id)
	if !ok {
		return false
	}
	return s.necessary(svc.Category) || s.draft[id]
}

// CategoryOn reports whether every service of a category is on, and whether
// only some are (a mixed state, shown as such on the category's toggle).
func (s *Session) CategoryOn(id string) (on, mixed bool) {
	services := s.Catalogue.ServicesIn(id)
	count := 0
	for _, svc := range services {
		if s.ServiceOn(svc.ID) {
			count++
		}
	}
	return len(services) > 0 && count == len(services), count > 0 && count < len(services)
}

// SetService switches one optional service; necessary ones cannot change.
func (s *Session) SetService(id string, on bool) {
	if _, optional := s.draft[id]; optional {
		s.draft[id] = on
	}
}

// SetCategory switches every service of an optional category.
func (s *Session) SetCategory(id string, on bool) {
	for _, svc := range s.Catalogue.ServicesIn(id) {
		s.SetService(svc.ID, on)
	}
}

// OpenPreferences shows the preferences dialog; closing it returns to the
// view it was opened from.
func (s *Session) OpenPreferences() {
	if s.View != frame.ViewPreferences {
		s.back = s.View
		s.View = frame.ViewPreferences
	}
}

// ClosePreferences closes the dialog without saving. Closing it from the
// first layer goes back to the first layer: no choice was made.
func (s *Session) ClosePreferences() {
	if s.View == frame.ViewPreferences {
		s.View = s.back
	}
}

// Choice is the set of optional services a visitor allowed.
type Choice map[string]bool

// Allowed reports whether the choice allows a service.
func (c Choice) Allowed(id string) bool { return c[id] }

// AcceptAll switches every optional service on and returns the choice to
// record.
func (s *Session) AcceptAll() Choice { return s.setAll(true) }

// RefuseAll switches every optional service off and returns the choice to
// record. Closing the first layer with its close control is a refusal (R3).
func (s *Session) RefuseAll() Choice { return s.setAll(false) }

func (s *Session) setAll(on bool) Choice {
	for id := range s.draft {
		s.draft[id] = on
	}
	return s.Save()
}

// Sync takes the choice in force, stored elsewhere: allowed holds the
// optional services it allows, recordID its consent id.
func (s *Session) Sync(allowed map[string]bool, recordID string) {
	for id := range s.draft {
		s.draft[id] = allowed[id]
	}
	s.RecordID = recordID
}

// Save closes the dialogs, leaving the persistent button, and returns the
// draft as the choice to record.
func (s *Session) Save() Choice {
	s.View = frame.ViewButton
	return maps.Clone(s.draft)
}

// Label returns the widget's label key in the session's language (see
// consent.Catalogue.Label).
func (s *Session) Label(key consent.Label, vars ...string) string {
	return s.Catalogue.Label(s.Lang, key, vars...)
}
