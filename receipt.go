package consent

import (
	"strconv"
	"time"
)

// Action is what a visitor did to make a choice, as a consent receipt
// names it.
type Action string

// The actions a receipt may carry.
const (
	ActionAcceptAll  Action = "accept-all" // "Tout accepter": every service allowed
	ActionRefuseAll  Action = "refuse-all" // "Tout refuser": every service refused
	ActionCustom     Action = "custom"     // a choice per category or service
	ActionWithdrawal Action = "withdrawal" // a consent taken back: some service refused
	ActionGPC        Action = "gpc"        // Global Privacy Control: every service refused
)

// Actions lists every valid action.
var Actions = []Action{ActionAcceptAll, ActionRefuseAll, ActionCustom, ActionWithdrawal, ActionGPC}

// ChoiceAction names the action that stored the record after, given the
// valid record before it (nil when there was none) and the browser's Global
// Privacy Control signal:
//
//   - withdrawal when after refuses a service that before allowed, whatever
//     button did it: taking a consent back is what the proof must show;
//   - otherwise accept-all when after allows every optional service;
//   - gpc when it refuses every one while the browser sends GPC, which the
//     refusal then also answers;
//   - refuse-all when it refuses every one without GPC;
//   - custom for anything in between.
func ChoiceAction(before *Record, after Record, gpc bool) Action {
	if before != nil {
		for id, was := range before.Services {
			if was && !after.Services[id] {
				return ActionWithdrawal
			}
		}
	}
	switch allowedOf(after) {
	case allowsAll:
		return ActionAcceptAll
	case allowsNone:
		if gpc {
			return ActionGPC
		}
		return ActionRefuseAll
	default:
		return ActionCustom
	}
}

// allowance is how much of a record's optional services it allows.
type allowance int

const (
	allowsAll  allowance = iota // every one (also when there is none)
	allowsNone                  // none of at least one
	allowsSome                  // some but not all
)

func allowedOf(r Record) allowance {
	allowed := 0
	for _, ok := range r.Services {
		if ok {
			allowed++
		}
	}
	switch {
	case allowed == len(r.Services):
		return allowsAll
	case allowed == 0:
		return allowsNone
	default:
		return allowsSome
	}
}

// actionsFor lists the actions ChoiceAction can name for a record, whatever
// record came before it and whatever the GPC signal: a receipt naming
// another action contradicts its record.
func actionsFor(r Record) []Action {
	switch allowedOf(r) {
	case allowsAll:
		return []Action{ActionAcceptAll}
	case allowsNone:
		return []Action{ActionRefuseAll, ActionGPC, ActionWithdrawal}
	default:
		return []Action{ActionCustom, ActionWithdrawal}
	}
}

// MaxReceiptDelay is how long after its choice a receipt is accepted. The
// widget posts a receipt at once and, when that fails, once more on the
// next page it runs on; a day lets that retry through on a visit later the
// same day while keeping the time a receipt claims within a day of the time
// the server received it, which is the one the server can vouch for.
const MaxReceiptDelay = 24 * time.Hour

// MaxReceiptBytes is the largest receipt body: the longest record
// (MaxRecordLength) and room for the other fields.
const MaxReceiptBytes = MaxRecordLength + 256

// Receipt is the proof of one choice that the widget POSTs to the site's
// receipts endpoint (Site.Receipts) after storing Record with Action. It
// holds nothing else: no address, no browser detail, nothing to fingerprint
// a visitor with.
type Receipt struct {
	Record Record
	Action Action
}

// The JSON fields of an encoded receipt.
const (
	fieldRecord = "record"
	fieldAction = "action"
	fieldTime   = "time"
)

// Encode returns the receipt's body, a JSON object of three strings: the
// record exactly as the cookie holds it, the action, and the record's time
// in RFC 3339 UTC:
//
//	{"record":"1.10290627f6e7.1795953600.AAAAAAAAAAAAAAAA.contact:1.recaptcha:1","action":"accept-all","time":"2026-11-29T12:00:00Z"}
//
// It is written by hand rather than with encoding/json, which the widget's
// WebAssembly would otherwise carry: every field of a valid receipt is an
// id, hex, base64url, digits or a fixed word, so the only escaping needed is
// for a value that is not, and that is escaped too.
func (rc Receipt) Encode() []byte {
	value := rc.Record.Encode()
	b := make([]byte, 0, len(value)+80)
	b = append(b, `{"`+fieldRecord+`":`...)
	b = appendJSONString(b, value)
	b = append(b, `,"`+fieldAction+`":`...)
	b = appendJSONString(b, string(rc.Action))
	b = append(b, `,"`+fieldTime+`":"`...)
	b = append(b, formatTime(rc.Record.Time)...)
	return append(b, `"}`...)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, every other byte as it is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// ReceiptError is why a receipt was refused.
type ReceiptError struct {
	// Field is the JSON field at fault, or "" for the body as a whole.
	Field string
	Msg   string
}

// Error returns "receipt: field: message".
func (e *ReceiptError) Error() string {
	if e.Field == "" {
		return "receipt: " + e.Msg
	}
	return "receipt: " + e.Field + ": " + e.Msg
}

// CheckAction refuses an action its record contradicts: one that
// ChoiceAction cannot name for that record, whatever came before it. An
// accept-all must allow every service; a refuse-all or gpc must refuse
// every one; a custom choice allows some and refuses some; a withdrawal
// refuses at least one.
func (rc Receipt) CheckAction() error {
	for _, a := range actionsFor(rc.Record) {
		if a == rc.Action {
			return nil
		}
	}
	allowed := 0
	for _, ok := range rc.Record.Services {
		if ok {
			allowed++
		}
	}
	n := len(rc.Record.Services)
	for _, a := range Actions {
		if a == rc.Action {
			return &ReceiptError{Field: fieldAction, Msg: string(rc.Action) + " but the record allows " +
				strconv.Itoa(allowed) + " of its " + strconv.Itoa(n) + " services"}
		}
	}
	return &ReceiptError{Field: fieldAction, Msg: strconv.Quote(truncate(string(rc.Action), 20)) + " is not an action"}
}

// CheckTime refuses a receipt whose choice was made more than
// MaxReceiptDelay before now or more than MaxClockSkew after it (the
// visitor's clock may run a little ahead of the server's).
func (rc Receipt) CheckTime(now time.Time) error {
	t := rc.Record.Time
	switch {
	case t.After(now.Add(MaxClockSkew)):
		return &ReceiptError{Field: fieldTime, Msg: t.UTC().Format(time.RFC3339) + " is more than " +
			MaxClockSkew.String() + " after the server's time " + now.UTC().Format(time.RFC3339)}
	case t.Before(now.Add(-MaxReceiptDelay)):
		return &ReceiptError{Field: fieldTime, Msg: t.UTC().Format(time.RFC3339) + " is more than " +
			MaxReceiptDelay.String() + " before the server's time " + now.UTC().Format(time.RFC3339)}
	}
	return nil
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
