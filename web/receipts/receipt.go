// Package receipts is the server side of proof of consent: it checks the
// receipts the widget sends after each choice (consent.ParseReceipt), stores
// them in SQLite or PostgreSQL with the time it received them, keeps a
// public log of the catalogue revisions it has seen, and gives the site's
// data protection officer (DPO) exports (JSON, CSV, ISO/IEC TS 27560
// records) and consent statistics.
//
// A stored receipt holds the cookies_preferences value the widget wrote,
// the action that wrote it, the time of the choice and the time the service
// received it. Nothing else is accepted or stored: no IP address, no user
// agent, nothing to fingerprint a visitor with.
package receipts

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	consent "github.com/civic-consent/consent"
)

// Action is what the visitor did to make a choice; the widget names it with
// consent.ChoiceAction.
type Action = consent.Action

// The actions a receipt may carry.
const (
	ActionAcceptAll  = consent.ActionAcceptAll
	ActionRefuseAll  = consent.ActionRefuseAll
	ActionCustom     = consent.ActionCustom
	ActionWithdrawal = consent.ActionWithdrawal
	ActionGPC        = consent.ActionGPC
)

// Actions lists every valid action.
var Actions = consent.Actions

// MaxBodyBytes is the largest receipt body read.
const MaxBodyBytes = consent.MaxReceiptBytes

// Receipt is one stored proof of a choice: the receipt the widget sent and
// when the service received it.
type Receipt struct {
	consent.Receipt
	// Received is when the service accepted the receipt, to the second.
	// It is the time the site vouches for; Record.Time is the visitor's
	// clock, which consent.Receipt.CheckTime keeps within a day of it.
	Received time.Time
}

// Key is what makes a receipt unique: a retry of the same receipt has the
// same key and is stored once.
type Key struct {
	RecordID string
	Action   Action
	Time     time.Time
}

// Key returns the receipt's key, its time in UTC to the second, so that
// keys compare with ==.
func (r Receipt) Key() Key {
	return Key{r.Record.ID, r.Action, time.Unix(r.Record.Time.Unix(), 0).UTC()}
}

// Catalogues are the catalogue revisions a server accepts receipts for,
// keyed by revision.
type Catalogues map[string]*consent.Catalogue

// NewCatalogues indexes catalogues by revision.
func NewCatalogues(cs ...*consent.Catalogue) Catalogues {
	set := make(Catalogues, len(cs))
	for _, c := range cs {
		set[c.Revision()] = c
	}
	return set
}

// lookup returns the catalogue of a revision, or nil.
func (cs Catalogues) lookup(revision string) *consent.Catalogue { return cs[revision] }

// MaxAge is the longest consent.Catalogue.MaxAge among the catalogues: how
// long a choice they record can stay in effect.
func (cs Catalogues) MaxAge() time.Duration {
	var longest time.Duration
	for _, c := range cs {
		longest = max(longest, c.MaxAge())
	}
	return longest
}

// Parse reads a receipt body with consent.ParseReceipt against the
// catalogues it may answer, at time now (the server's clock), and returns it
// received at now, to the second. A refusal is a *consent.ReceiptError.
func Parse(body []byte, cs Catalogues, now time.Time) (Receipt, error) {
	rc, err := consent.ParseReceipt(body, cs.lookup, now)
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{Receipt: rc, Received: time.Unix(now.Unix(), 0).UTC()}, nil
}

// ErrConflict is returned by the handler's add when a different receipt
// with the same key is already stored.
var ErrConflict = errors.New("receipt: a different receipt with the same record id, action and time is stored")

// exported is a receipt in the JSON export: the record's fields spelled
// out for a reader without the widget's codec, and the value itself.
type exported struct {
	RecordID   string          `json:"recordId"`
	Action     Action          `json:"action"`
	Time       time.Time       `json:"time"`
	Received   time.Time       `json:"received"`
	Revision   string          `json:"revision"`
	Categories map[string]bool `json:"categories"`
	Services   map[string]bool `json:"services"`
	Value      string          `json:"value"`
}

// MarshalJSON writes the receipt as the JSON export does, times in RFC
// 3339 UTC.
func (r Receipt) MarshalJSON() ([]byte, error) {
	rec := r.Record
	return json.Marshal(exported{
		RecordID: rec.ID, Action: r.Action, Time: rec.Time.UTC(), Received: r.Received.UTC(),
		Revision: rec.Revision, Categories: nonNil(rec.Categories), Services: nonNil(rec.Services),
		Value: rec.Encode(),
	})
}

// UnmarshalJSON reads a receipt of the JSON export back, refusing one whose
// value is not the encoding of its other fields.
func (r *Receipt) UnmarshalJSON(data []byte) error {
	var e exported
	if err := json.Unmarshal(data, &e); err != nil {
		return err
	}
	got := Receipt{
		Receipt: consent.Receipt{Action: e.Action, Record: consent.Record{
			Revision: e.Revision, Time: e.Time.UTC(), ID: e.RecordID,
			Categories: nonNil(e.Categories), Services: nonNil(e.Services),
		}},
		Received: e.Received.UTC(),
	}
	if v := got.Record.Encode(); v != e.Value {
		return fmt.Errorf("receipts: exported receipt %s: value %.80q is not the encoding of its fields, %.80q", e.RecordID, e.Value, v)
	}
	*r = got
	return nil
}

func nonNil(m map[string]bool) map[string]bool {
	if m == nil {
		return map[string]bool{}
	}
	return m
}
