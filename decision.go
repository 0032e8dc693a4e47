package consent

import (
	"errors"
	"time"
)

// Decision is what may run on a page: every service and category of the
// catalogue, necessary ones always true, optional ones true only when a
// valid stored choice allows them.
type Decision struct {
	Services   map[string]bool
	Categories map[string]bool
	// Ask is true when the first layer must be shown: no valid choice is
	// stored and the browser sent no Global Privacy Control signal.
	Ask bool
	// Record is the valid stored choice, or nil.
	Record *Record
	// Invalid is why a stored choice was rejected (a *RecordError), or nil
	// when none was stored or it was valid.
	Invalid error
}

// Decide works out what may run for a visitor whose cookies are
// cookieHeader (a Cookie header or document.cookie string) at time now.
// gpc is the browser's Global Privacy Control signal.
//
// Necessary services always run. An optional service runs only when a
// valid, current record of this catalogue revision allows it; anything
// else refuses it (fail closed). GPC never grants anything: without a
// valid record it refuses every optional service without asking (R20),
// while a valid record, being the visitor's explicit choice, is honoured.
// A stored value that is tampered with, expired or made for another
// revision is ignored, and the visitor is asked again (R11, R13) unless GPC
// is on.
func Decide(c *Catalogue, cookieHeader string, now time.Time, gpc bool) Decision {
	d := Decision{Services: make(map[string]bool), Categories: make(map[string]bool)}
	if c == nil {
		d.Ask, d.Invalid = !gpc, errors.New("consent: no catalogue")
		return d
	}
	for _, cat := range c.Categories {
		d.Categories[cat.ID] = cat.Necessary
	}
	for _, s := range c.Services {
		cat, ok := c.Category(s.Category)
		d.Services[s.ID] = ok && cat.Necessary
	}
	value, found, err := RecordFromCookieHeader(cookieHeader)
	if err == nil && found {
		var r Record
		if r, err = DecodeRecord(value, c, now); err == nil {
			for id, ok := range r.Categories {
				d.Categories[id] = ok
			}
			for id, ok := range r.Services {
				d.Services[id] = ok
			}
			d.Record = &r
			return d
		}
	}
	d.Ask, d.Invalid = !gpc, err
	return d
}

// Allowed reports whether the service may run; unknown ids may not.
func (d Decision) Allowed(serviceID string) bool {
	return d.Services[serviceID]
}

// Permits reports whether id, a service or a category, is allowed, and
// whether the catalogue knows it: data-consent markup names either, and an
// unknown id stays blocked. Ids of both kinds never clash: Validate forbids
// it.
func (d Decision) Permits(id string) (allowed, known bool) {
	if ok, found := d.Services[id]; found {
		return ok, true
	}
	ok, found := d.Categories[id]
	return ok, found
}
