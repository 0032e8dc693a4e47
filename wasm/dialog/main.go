//go:build js && wasm

// Command dialog is the widget's dialog program: the go-app widget, with
// the preferences and everything rendered live. The loader starts it only
// when the visitor opens the preferences (or the page asks to), in the
// widget's frame, next to the page program (package main in wasm/), which
// stores and applies every choice: this program only asks it to.
package main

import (
	"errors"
	"fmt"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/app"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/dom"
	"github.com/civic-consent/consent/wasm/frame"
	"github.com/hack-pad/safejs"
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	if doc, _ := safejs.Global().Get("document"); doc.IsUndefined() {
		// The warm-up run in a worker: Go's start-up only, for the engine
		// to compile it there.
		return
	}
	f, err := frame.Current()
	if err != nil {
		(*frame.Frame)(nil).Fail(err)
		return
	}
	widget, err := start(f)
	if err != nil {
		f.Fail(err)
		return
	}
	goapp.Route("/", func() goapp.Composer { return widget })
	goapp.RunWhenOnBrowser()
}

// start makes the widget from the catalogue and the choice in force, as the
// page program holds it, and takes the clicks that asked for it.
func start(f *frame.Frame) (*app.Widget, error) {
	raw, err := f.Text("cc-catalogue")
	if err != nil {
		return nil, err
	}
	c, err := consent.ParseCatalogue([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("invalid catalogue: %w", err)
	}
	allowed, recordID, ask, err := pageState(f)
	if err != nil {
		return nil, err
	}
	session := app.NewSession(c, f.Lang(), consent.Decision{Ask: ask})
	session.Sync(allowed, recordID)
	if shown, ok := frame.ParseView(f.RootAttr(contract.AttrMode)); ok && shown != frame.ViewPending {
		session.View = shown
	}
	widget := &app.Widget{Session: session, Host: host{frame: f}}
	queue, err := f.TakeQueue("dialog")
	if err != nil {
		return nil, err
	}
	for _, action := range queue {
		widget.Replay(action)
	}
	err = f.Ready("dialog", frame.Handlers{
		"open": func([]safejs.Value) any {
			widget.Open()
			return nil
		},
		"stored": func([]safejs.Value) any {
			if allowed, recordID, _, err := pageState(f); err == nil {
				widget.Stored(allowed, recordID)
			}
			return nil
		},
	})
	return widget, err
}

// pageState asks the page program for the choice in force.
func pageState(f *frame.Frame) (allowed map[string]bool, recordID string, ask bool, err error) {
	page, err := f.Program("page")
	if err != nil {
		return nil, "", false, fmt.Errorf("the page program is not running: %w", err)
	}
	v, err := page.Call("state")
	if err != nil {
		return nil, "", false, err
	}
	allowed = map[string]bool{}
	for _, id := range dom.Items(must(dom.Prop(v, "allowed"))) {
		allowed[dom.Str(id, nil)] = true
	}
	return allowed, dom.Str(dom.Prop(v, "recordId")), dom.Truthy(must(dom.Prop(v, "ask"))), nil
}

func must(v safejs.Value, err error) safejs.Value {
	if err != nil {
		return safejs.Undefined()
	}
	return v
}

// host is app.Host in the widget's frame: choices go to the page program,
// views to the frame.
type host struct {
	frame *frame.Frame
}

// Record asks the page program to store and apply the choice.
func (h host) Record(c app.Choice) error {
	page, err := h.frame.Program("page")
	if err != nil {
		return fmt.Errorf("the page program is not running: %w", err)
	}
	var allowed []any
	for id, ok := range c {
		if ok {
			allowed = append(allowed, id)
		}
	}
	answer, err := page.Call("record", allowed)
	if err != nil {
		return err
	}
	if msg := dom.Str(answer, nil); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// Show places the frame for the view and moves focus as R21 asks, and
// tells the page program which view shows.
func (h host) Show(from, to frame.View) {
	if from == frame.ViewPending {
		// go-app routes every link of its document through its own
		// router; the widget's links are ordinary links.
		_ = dom.SetProp(safejs.Global(), "onclick", nil)
	}
	if err := h.frame.Show(from, to); err != nil {
		dom.JSConsole{}.Error("placing the widget: " + err.Error())
	}
	if page, err := h.frame.Program("page"); err == nil {
		_, _ = page.Call("shown", to.String())
	}
}
