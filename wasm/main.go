//go:build js && wasm

// Command wasm is the widget's browser entry point. It runs in the srcdoc
// iframe the loader (web/src/consent.js) creates, so that go-app owns that
// document and never the host page: it reads the catalogue and the stored
// choice, applies the decision to the host page, then mounts the go-app
// widget.
package main

import (
	"fmt"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/app"
	"github.com/hack-pad/safejs"
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	if doc, _ := safejs.Global().Get("document"); doc.IsUndefined() {
		// The warm-up run in a worker (web/src/warm.js): Go's start-up
		// only, for the engine to compile it there.
		return
	}
	widget, err := start()
	if err != nil {
		consoleError("%v; the widget is off and optional services stay off", err)
		if f, ferr := currentFrame(nil); ferr == nil {
			_ = f.SetMode(app.ModeOff)
		}
		return
	}
	goapp.Route("/", func() goapp.Composer { return widget })
	goapp.RunWhenOnBrowser()
}

// start reads everything the widget needs and applies the stored choice. Any
// error here leaves every optional service off.
func start() (*app.Widget, error) {
	hostDoc, err := hostPage()
	if err != nil {
		return nil, err
	}
	f, err := currentFrame(hostDoc)
	if err != nil {
		return nil, err
	}
	raw, err := f.Text("cc-catalogue")
	if err != nil {
		return nil, err
	}
	catalogue, err := consent.ParseCatalogue([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("invalid catalogue: %w", err)
	}
	styleURL, err := f.Text("cc-style-url")
	if err != nil {
		return nil, err
	}
	header, err := hostDoc.Cookie()
	if err != nil {
		return nil, err
	}
	decision := consent.Decide(catalogue, header, time.Now(), hostDoc.GPC())
	if decision.Invalid != nil {
		consoleWarn("the stored choice is not valid (%v); asking again", decision.Invalid)
	}

	lang := f.Lang()
	session := app.NewSession(catalogue, lang, decision)
	widget := &app.Widget{Session: session}
	// The widget and the host refer to each other: the widget records
	// choices through the host, the host's placeholders allow a category
	// through the widget.
	h := newHost(hostDoc, f, session, styleURL, widget.AllowCategory)
	widget.Host = h
	if h.services.trust, err = bindTrust(f, h.markup); err != nil {
		return nil, err
	}
	h.CheckDomain()

	if err := h.services.Apply(decision.Allowed); err != nil {
		consoleError("applying the stored choice: %v", err)
	}
	// The observer first, so that nothing added during the scan is missed.
	if err := h.markup.Observe(); err != nil {
		consoleError("watching the page for new data-consent content: %v", err)
	}
	if err := h.markup.Apply(decision); err != nil {
		consoleError("applying the stored choice to data-consent content: %v", err)
	}
	if decision.Record != nil {
		if err := h.google.Update(decision); err != nil {
			consoleError("%v", err)
		}
	}
	// A receipt an earlier page could not deliver, once more, before the
	// clicks replayed below can make new ones.
	if err := h.outbox.Retry(); err != nil {
		consoleWarn("retrying the pending consent receipt: %v", err)
	}
	if err := bind(f, widget, h); err != nil {
		return nil, err
	}
	return widget, nil
}

// bind connects the frame's boot script to the widget: the clicks queued
// before the wasm ran are replayed, then the host page's controls and the
// loader's API reach the widget directly.
func bind(f *frame, widget *app.Widget, h *host) error {
	queue, err := f.TakeQueue()
	if err != nil {
		return err
	}
	for _, action := range queue {
		widget.Replay(action)
	}
	if err := f.Handle("open", func([]safejs.Value) any {
		widget.Open()
		return nil
	}); err != nil {
		return err
	}
	if err := f.Handle("allowed", func(args []safejs.Value) any {
		if len(args) == 0 {
			return false
		}
		id, _ := args[0].String()
		allowed, _ := h.current().Permits(id)
		return allowed
	}); err != nil {
		return err
	}
	return setProp(f.boot, "live", true)
}
