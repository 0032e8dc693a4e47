package app

import (
	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/frame"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Host is what the widget asks of the page it runs in. The browser build
// implements it in package wasm; tests use a recorder.
type Host interface {
	// Record stores a choice and applies it: the consent cookie is written,
	// then services are loaded or stopped. An error means nothing was stored.
	Record(c Choice) error
	// Show tells the page which view is now shown, so it can size and place
	// the widget's frame and move focus.
	Show(from, to frame.View)
}

// Widget is the root component: the first layer, the preferences dialog or
// the persistent button, as its Session says.
type Widget struct {
	app.Compo

	Session *Session
	Host    Host

	// failed is set when the host could not store a choice.
	failed bool
	// shown is the view the host was last told about.
	shown frame.View
	// ctx is the widget's own context: it stays mounted while the buttons
	// that trigger changes come and go.
	ctx  app.Context
	live bool
}

// OnMount keeps the widget's context, so that calls from outside go-app's
// event loop (Open, Stored) can be dispatched into it, and tells the
// host which view the widget starts in.
func (w *Widget) OnMount(ctx app.Context) {
	w.ctx = ctx
	w.live = true
	w.notify()
}

// notify tells the host about a change of view, once the DOM shows it.
func (w *Widget) notify() {
	if w.Host != nil && w.shown != w.Session.View {
		from := w.shown
		w.shown = w.Session.View
		w.Host.Show(from, w.shown)
	}
}

// Render shows the current view.
func (w *Widget) Render() app.UI {
	s := w.Session
	return app.Div().Class("cc-root", ThemeClass(s.Catalogue)).DataSet("view", s.View.String()).Body(
		app.If(s.View == frame.ViewBanner, func() app.UI {
			return &Banner{Session: s, OnChoice: w.record, OnCustomise: w.open}
		}).
			ElseIf(s.View == frame.ViewPreferences, func() app.UI {
				return &Preferences{Session: s, OnChoice: w.record, OnClose: w.closePreferences}
			}).
			ElseIf(s.View == frame.ViewButton, func() app.UI {
				return app.Button().
					Class("cc-fab").
					DataSet("action", contract.ActionOpen).
					Text(s.Label(consent.LabelSettings)).
					OnClick(func(ctx app.Context, e app.Event) { w.open(ctx) })
			}),
		app.If(w.failed, func() app.UI {
			return &Alert{Catalogue: s.Catalogue, Lang: s.Lang}
		}),
	)
}

// Open shows the preferences. The page's own "cookie settings" controls
// call it from outside go-app's event loop, so once mounted it is
// dispatched there; before, the session starts on the preferences.
func (w *Widget) Open() {
	if !w.live {
		w.Session.OpenPreferences()
		return
	}
	w.ctx.Dispatch(func(ctx app.Context) { w.open(ctx) })
}

// Replay applies an action clicked on the prerendered widget before it
// was live, exactly as the click would have: a choice that cannot be
// stored shows the same error. Unknown actions are ignored.
func (w *Widget) Replay(action string) {
	switch action {
	case contract.ActionAccept:
		w.store(w.Session.AcceptAll())
	case contract.ActionRefuse:
		w.store(w.Session.RefuseAll())
	case contract.ActionCustomise, contract.ActionOpen:
		w.Open()
	}
}

// Stored follows a choice the page program stored without the widget (a
// placeholder's "Autoriser"): the session takes it, and a first layer that
// was showing gives way to the button. It is called from outside go-app's
// event loop, so once mounted it is dispatched there.
func (w *Widget) Stored(allowed map[string]bool, recordID string) {
	update := func() {
		w.Session.Sync(allowed, recordID)
		if w.Session.View == frame.ViewBanner {
			w.Session.View = frame.ViewButton
		}
	}
	if !w.live {
		update()
		return
	}
	w.ctx.Dispatch(func(app.Context) {
		update()
		w.refresh()
	})
}

// The handlers below take the event's context, as go-app's callbacks do,
// but re-render through the widget's own: the button that was clicked may
// be gone after the update.

func (w *Widget) open(app.Context) {
	w.Session.OpenPreferences()
	w.refresh()
}

func (w *Widget) closePreferences(app.Context) {
	w.Session.ClosePreferences()
	w.refresh()
}

func (w *Widget) record(_ app.Context, c Choice) {
	w.store(c)
	w.refresh()
}

// store hands a choice to the host. On failure the widget says so and stays
// in the refused state the page already is in (fail closed).
func (w *Widget) store(c Choice) {
	w.failed = w.Host != nil && w.Host.Record(c) != nil
}

func (w *Widget) refresh() {
	w.ctx.Update()
	w.ctx.Defer(func(app.Context) { w.notify() })
}
