//go:build js && wasm

package main

import (
	"time"

	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/dom"
	"github.com/hack-pad/safejs"
)

// maxPendingAge is how long a choice kept for the next page counts, as the
// loader reads it.
const maxPendingAge = time.Hour

// pendingChoice takes a first-layer choice an earlier page kept in the
// tab's sessionStorage (contract.PendingKey, written by the loader) and
// could not store: the loader looks for one only where no choice of this
// revision is stored, so where a stored one proves invalid, the page
// program does. It returns the action, "" when there is none.
func pendingChoice(host dom.Document, window safejs.Value, revision string) string {
	store, err := host.Storage(true)
	if err != nil {
		return ""
	}
	text, found, err := store.Get(contract.PendingKey)
	if err != nil || !found {
		return ""
	}
	json, err := dom.Get(window, "JSON")
	if err != nil {
		return ""
	}
	v, err := json.Call("parse", text)
	if err != nil {
		return ""
	}
	action := dom.Str(dom.Prop(v, "action"))
	at, _ := dom.Prop(v, "at")
	ms, _ := at.Float()
	if (action != contract.ActionAccept && action != contract.ActionRefuse) ||
		dom.Str(dom.Prop(v, "revision")) != revision || time.Since(time.UnixMilli(int64(ms))) > maxPendingAge {
		return ""
	}
	_ = store.Remove(contract.PendingKey)
	return action
}
