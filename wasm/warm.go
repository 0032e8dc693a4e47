//go:build js && wasm

package main

import (
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/frame"
	"github.com/hack-pad/safejs"
)

// warm is the page program's run in the loader's warm-up worker, where
// there is no document. The engine compiles each function the first time
// it runs and shares that code with the page's own run, so the worker runs
// what the page will run first that needs no page: checking the
// catalogue's digest and reading it from a JavaScript object, deciding on
// the page's cookies, making a record and its receipt. The worker's
// message (civicWarm) gives the catalogue's text, its revision and the
// cookies.
func warm() {
	msg, err := safejs.Global().Get("civicWarm")
	if err != nil || msg.IsUndefined() {
		return
	}
	text, _ := msg.Get("catalogue")
	revision, _ := msg.Get("revision")
	cookie, _ := msg.Get("cookie")
	json, err := safejs.Global().Get("JSON")
	if err != nil {
		return
	}
	v, err := json.Call("parse", text)
	if err != nil {
		return
	}
	rev, _ := revision.String()
	raw, _ := text.String()
	_ = consent.CatalogueDigest(raw)
	c, err := frame.DecodeStructure(v, rev)
	if err != nil {
		return
	}
	header, _ := cookie.String()
	d := consent.Decide(c, header, time.Now(), false)
	rec := consent.NewRecord(c, d.Allowed, time.Now(), "AAAAAAAAAAAAAAAA")
	_ = consent.Receipt{Record: rec, Action: consent.ChoiceAction(d.Record, rec, false)}.Encode()
	_, _ = consent.DecodeRecord(rec.Encode(), c, time.Now())
}
