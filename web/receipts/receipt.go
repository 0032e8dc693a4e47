// Package receipts is the server side of proof of consent (issue 12): it
// checks the receipts the widget sends after each choice, stores them in
// SQLite or PostgreSQL, and exports them for the site's data protection
// officer (DPO).
//
// A receipt holds the cookies_preferences value the widget wrote, the action
// that wrote it and the time of the choice. Nothing else is accepted or
// stored: no IP address, no user agent, nothing to fingerprint a visitor
// with.
package receipts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
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

// MaxBodyBytes is the largest receipt body read: the longest record a valid
// catalogue allows (consent.MaxRecordLength) and room for the other fields.
const MaxBodyBytes = consent.MaxRecordLength + 256

// Receipt is one stored proof of a choice.
type Receipt struct {
	// RecordID is the consent id of the record, which the visitor can quote.
	RecordID string `json:"recordId"`
	Action   Action `json:"action"`
	// Time is when the choice was made, to the second: the record's time.
	Time time.Time `json:"time"`
	// Received is when the server accepted the receipt, to the second.
	Received time.Time `json:"received"`
	// Revision is the catalogue revision the choice answered; its wording
	// is the archived catalogue.<revision>.json.
	Revision   string          `json:"revision"`
	Categories map[string]bool `json:"categories"`
	Services   map[string]bool `json:"services"`
	// Value is the cookies_preferences value exactly as the widget wrote it.
	Value string `json:"value"`
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
func (r Receipt) Key() Key { return Key{r.RecordID, r.Action, time.Unix(r.Time.Unix(), 0).UTC()} }

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

// MaxAge is the longest consent.Catalogue.MaxAge among the catalogues: how
// long a choice they record can stay in effect.
func (cs Catalogues) MaxAge() time.Duration {
	var longest time.Duration
	for _, c := range cs {
		longest = max(longest, c.MaxAge())
	}
	return longest
}

// Error is why a receipt was refused. The HTTP handler answers it with
// status 400 and the message as the body.
type Error struct {
	// Field is the JSON field at fault, or "" for the body as a whole.
	Field string
	Msg   string
}

// Error returns "receipt: field: message".
func (e *Error) Error() string {
	if e.Field == "" {
		return "receipt: " + e.Msg
	}
	return "receipt: " + e.Field + ": " + e.Msg
}

func fieldErr(field, format string, args ...any) error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// The JSON fields of a receipt body, all required strings:
//
//	{"record": "<cookies_preferences value>", "action": "custom", "time": "2026-11-30T09:15:02Z"}
//
// time is RFC 3339; it must fall within the second of the record's time.
const (
	fieldRecord = "record"
	fieldAction = "action"
	fieldTime   = "time"
)

// Parse reads a receipt body and checks it against the catalogues it may
// answer, at time now (the server's clock). It accepts only a JSON object
// with exactly the fields record, action and time, each a string once, and
// nothing after it; a record that consent.DecodeRecord accepts for the
// catalogue of its revision; an action among Actions that agrees with the
// record; and a time within the second of the record's. Anything else is an
// *Error saying what is wrong. The receipt's Received is now, to the second.
func Parse(body []byte, cs Catalogues, now time.Time) (Receipt, error) {
	if len(body) > MaxBodyBytes {
		return Receipt{}, fieldErr("", "body of %d bytes is larger than %d", len(body), MaxBodyBytes)
	}
	fields, err := readObject(body)
	if err != nil {
		return Receipt{}, err
	}
	value := fields[fieldRecord]
	rev := revisionOf(value)
	c, ok := cs[rev]
	if !ok {
		// Without a catalogue, DecodeRecord still finds what is wrong
		// with a value that is not a record at all.
		_, err := consent.DecodeRecord(value, nil, now)
		if rerr, ok := errors.AsType[*consent.RecordError](err); !ok || rerr.Reason != consent.ReasonRevision {
			return Receipt{}, fieldErr(fieldRecord, "%v", err)
		}
		return Receipt{}, fieldErr(fieldRecord, "unknown catalogue revision %.20q (this server knows %s)", rev, strings.Join(slices.Sorted(maps.Keys(cs)), ", "))
	}
	rec, err := consent.DecodeRecord(value, c, now)
	if err != nil {
		return Receipt{}, fieldErr(fieldRecord, "%v", err)
	}
	action := Action(fields[fieldAction])
	if !slices.Contains(Actions, action) {
		return Receipt{}, fieldErr(fieldAction, "%.20q is not one of %v", action, Actions)
	}
	if err := checkAction(action, rec); err != nil {
		return Receipt{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, fields[fieldTime])
	if err != nil {
		return Receipt{}, fieldErr(fieldTime, "%.40q is not an RFC 3339 time", fields[fieldTime])
	}
	if t.Unix() != rec.Time.Unix() {
		return Receipt{}, fieldErr(fieldTime, "%s is not the record's time %s", t.UTC().Format(time.RFC3339Nano), rec.Time.Format(time.RFC3339))
	}
	return Receipt{
		RecordID:   rec.ID,
		Action:     action,
		Time:       rec.Time,
		Received:   time.Unix(now.Unix(), 0).UTC(),
		Revision:   rec.Revision,
		Categories: rec.Categories,
		Services:   rec.Services,
		Value:      value,
	}, nil
}

// readObject reads a flat JSON object of the receipt's string fields,
// refusing unknown, missing, duplicate or non-string fields and trailing
// data.
func readObject(body []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	malformed := func() error {
		return fieldErr("", "not a JSON object of string fields (error at byte %d)", dec.InputOffset())
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, malformed()
	}
	fields := make(map[string]string)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed()
		}
		name, _ := tok.(string) // the decoder only yields a string here
		switch name {
		case fieldRecord, fieldAction, fieldTime:
		default:
			return nil, fieldErr(name, "unknown field: a receipt has only %s, %s and %s", fieldRecord, fieldAction, fieldTime)
		}
		if _, dup := fields[name]; dup {
			return nil, fieldErr(name, "listed twice")
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, malformed()
		}
		s, ok := tok.(string)
		if !ok {
			return nil, fieldErr(name, "want a string")
		}
		fields[name] = s
	}
	if _, err := dec.Token(); err != nil {
		return nil, malformed()
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fieldErr("", "data after the JSON object")
	}
	for _, name := range []string{fieldRecord, fieldAction, fieldTime} {
		if _, ok := fields[name]; !ok {
			return nil, fieldErr(name, "missing")
		}
	}
	return fields, nil
}

// revisionOf returns the revision field of an encoded record, or "" when
// it has none.
func revisionOf(value string) string {
	fields := strings.SplitN(value, ".", 3)
	if len(fields) < 3 {
		return ""
	}
	return fields[1]
}

// checkAction refuses an action the record contradicts.
func checkAction(a Action, rec consent.Record) error {
	allowed := 0
	for _, ok := range rec.Services {
		if ok {
			allowed++
		}
	}
	switch {
	case a == ActionAcceptAll && allowed != len(rec.Services):
		return fieldErr(fieldAction, "%s but the record refuses %d of %d services", a, len(rec.Services)-allowed, len(rec.Services))
	case (a == ActionRefuseAll || a == ActionGPC) && allowed > 0:
		return fieldErr(fieldAction, "%s but the record allows %d services", a, allowed)
	case a == ActionWithdrawal && allowed == len(rec.Services):
		return fieldErr(fieldAction, "%s but the record refuses no service", a)
	}
	return nil
}

// ErrConflict is returned by the handler's add when a different receipt
// with the same key is already stored.
var ErrConflict = errors.New("receipt: a different receipt with the same record id, action and time is stored")
