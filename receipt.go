package consent

import (
	"fmt"
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
	allowed := 0
	for _, ok := range after.Services {
		if ok {
			allowed++
		}
	}
	switch {
	case allowed == len(after.Services):
		return ActionAcceptAll
	case allowed == 0 && gpc:
		return ActionGPC
	case allowed == 0:
		return ActionRefuseAll
	default:
		return ActionCustom
	}
}

// NewReceipt returns the body of the receipt the widget POSTs to the site's
// receipts endpoint (Site.Receipts) after storing r with action a: a JSON
// object of the record exactly as the cookie holds it, the action and the
// record's time in RFC 3339. It holds nothing else: no address, no browser
// detail, nothing to fingerprint a visitor with.
//
// It writes the JSON itself, without encoding/json, which the browser's
// page program does not carry: the record holds only letters, digits and
// ".:~_-", an action is one of Actions and the time is RFC 3339, so no
// character needs escaping.
func NewReceipt(r Record, a Action) []byte {
	return []byte(`{"record":"` + r.Encode() + `","action":"` + string(a) + `","time":"` + formatTime(r.Time) + `"}`)
}

// CheckAction reports whether action a can have stored r: accept-all
// allows every optional service, refuse-all and gpc refuse every one,
// custom allows some and refuses others, and withdrawal refuses at least
// one (which one was allowed before, r cannot tell).
func CheckAction(r Record, a Action) error {
	allowed := 0
	for _, ok := range r.Services {
		if ok {
			allowed++
		}
	}
	all, none := allowed == len(r.Services), allowed == 0
	var fits bool
	switch a {
	case ActionAcceptAll:
		fits = all
	case ActionRefuseAll, ActionGPC:
		fits = none
	case ActionCustom:
		fits = !all && !none
	case ActionWithdrawal:
		fits = !all
	}
	if !fits {
		return fmt.Errorf("action %q contradicts the record (%d of %d services allowed)", a, allowed, len(r.Services))
	}
	return nil
}
