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
	// Copies is how many cookies_preferences the page sees: more than one
	// when copies with another Domain or Path, or a nameless cookie whose
	// value names it, are visible too.
	Copies int
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
// is on. Among several copies of the cookie, the newest valid one stands.
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
	// Several copies (other Domain or Path attributes, which the page may
	// be unable to clear) are each read; the newest valid one stands, so
	// that a copy the page cannot clear never locks the visitor out.
	values := RecordValues(cookieHeader)
	d.Copies = len(values)
	var best *Record
	var invalid error
	for _, value := range values {
		r, err := DecodeRecord(value, c, now)
		switch {
		case err != nil:
			if invalid == nil {
				invalid = err
			}
		case best == nil || r.Time.After(best.Time):
			best = &r
		}
	}
	if best != nil {
		for id, ok := range best.Categories {
			d.Categories[id] = ok
		}
		for id, ok := range best.Services {
			d.Services[id] = ok
		}
		d.Record = best
		return d
	}
	d.Ask, d.Invalid = !gpc, invalid
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
