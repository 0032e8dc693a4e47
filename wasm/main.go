//go:build js && wasm

// Command wasm is the widget's page program: the Go program every page that
// needs a decision runs. It runs in the widget's own frame, the srcdoc
// iframe the loader (web/src/loader) creates, and acts on the host page:
// it reads and writes the visitor's choice, applies it (package gate), and
// shows the first layer or the button, prerendered by the build. The
// preferences are the dialog program's (wasm/dialog), which the loader
// starts only when the visitor opens them; a choice made there is stored
// here.
package main

import (
	"syscall"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/dom"
	"github.com/civic-consent/consent/wasm/frame"
	"github.com/civic-consent/consent/wasm/gate"
	"github.com/hack-pad/safejs"
)

func main() {
	if doc, _ := safejs.Global().Get("document"); doc.IsUndefined() {
		warm()
		return
	}
	f, err := frame.Current()
	if err != nil {
		(*frame.Frame)(nil).Fail(err)
		return
	}
	if err := run(f); err != nil {
		f.Fail(err)
		return
	}
	select {}
}

// run binds the page, applies the stored choice and takes the clicks made
// before it ran. An error leaves every optional service off.
func run(f *frame.Frame) error {
	frame.Yield()
	window, err := f.Host()
	if err != nil {
		return err
	}
	trust, err := bindTrust(f)
	if err != nil {
		return err
	}
	host, err := dom.NewDocument(window, trust)
	if err != nil {
		return err
	}
	catalogue, err := f.Catalogue()
	if err != nil {
		return err
	}
	// Short tasks: Go's start, reading what the page needs, applying the
	// stored choice (services, then markup), then the views and what was
	// clicked meanwhile.
	frame.Yield()
	styleURL, _ := f.Text("cc-style-url")
	shown, _ := frame.ParseView(f.RootAttr(contract.AttrMode))
	p := &program{frame: f, views: frame.NewViews(screen{f}, shown)}
	nonce, _ := syscall.Getenv("CIVIC_NONCE")
	p.gate = gate.New(gate.Config{
		Document: host, Console: dom.JSConsole{}, Catalogue: catalogue,
		Parts: &parts{frame: f, host: host, styleURL: styleURL},
		Nonce: nonce, Gtag: gtag(f, catalogue), Now: time.Now, Random: randomSource{},
		Changed: p.changed, Pause: frame.Yield,
	})
	d := p.gate.Start()
	frame.Yield()
	queue, err := f.TakeQueue("page")
	if err != nil {
		return err
	}
	if len(queue) == 0 && d.Ask {
		if action := pendingChoice(host, window, catalogue.Revision()); action != "" {
			queue = append(queue, action)
		}
	}
	// The loader answers civicConsent.allowed from the page program once
	// it is ready, which comes before a queued choice is stored: a
	// listener of the change that asks is answered.
	if err := p.bind(); err != nil {
		return err
	}
	if !p.replay(queue) {
		return p.views.Decided(d.Ask)
	}
	return nil
}

// program is the page program once running.
type program struct {
	frame *frame.Frame
	gate  *gate.Page
	views *frame.Views
}

// replay stores a choice clicked on the prerendered first layer before the
// program ran, as the click would have; it reports whether there was one.
func (p *program) replay(queue []string) bool {
	chose := false
	for _, action := range queue {
		switch action {
		case contract.ActionAccept:
			p.choose(p.gate.AllowAll())
		case contract.ActionRefuse:
			p.choose(p.gate.RefuseAll())
		default:
			continue
		}
		chose = true
	}
	return chose
}

// choose stores a choice of the first layer; one that cannot be stored
// leaves the view as it is, with the alert.
func (p *program) choose(allowed map[string]bool) {
	if p.gate.Record(allowed) != nil {
		if err := p.views.Failed(); err != nil {
			dom.JSConsole{}.Error("showing the alert: " + err.Error())
		}
	}
}

// changed follows a stored choice: the view is the button, drawn by the
// dialog program when it runs, else from its template.
func (p *program) changed(_, _ consent.Decision) {
	if dialog, err := p.frame.Program("dialog"); err == nil {
		if _, err := dialog.Call("stored"); err != nil {
			dom.JSConsole{}.Error("telling the preferences about the choice: " + err.Error())
		}
		return
	}
	if err := p.views.Stored(); err != nil {
		dom.JSConsole{}.Error("showing the button: " + err.Error())
	}
}

// bind answers the frame's boot and the dialog program: a choice of the
// prerendered first layer, one of the preferences, what is allowed now.
func (p *program) bind() error {
	return p.frame.Ready("page", frame.Handlers{
		"act": func(args []safejs.Value) any {
			p.replay([]string{argString(args, 0)})
			return nil
		},
		"record": func(args []safejs.Value) any {
			allowed := map[string]bool{}
			for _, id := range dom.Items(argValue(args, 0)) {
				allowed[dom.Str(id, nil)] = true
			}
			if err := p.gate.Record(allowed); err != nil {
				return err.Error()
			}
			return ""
		},
		"state": func([]safejs.Value) any { return p.state() },
		"allowed": func(args []safejs.Value) any {
			allowed, _ := p.gate.Current().Permits(argString(args, 0))
			return allowed
		},
		"shown": func(args []safejs.Value) any {
			if v, ok := frame.ParseView(argString(args, 0)); ok {
				p.views.Handed(v)
			}
			return nil
		},
	})
}

// state is the choice in force, as the dialog program starts from it: the
// optional services allowed, the consent id, and whether to ask.
func (p *program) state() any {
	d := p.gate.Current()
	var allowed []any
	for id, ok := range d.Services {
		if ok {
			allowed = append(allowed, id)
		}
	}
	id := ""
	if d.Record != nil {
		id = d.Record.ID
	}
	return map[string]any{"allowed": allowed, "recordId": id, "ask": d.Ask}
}

func argValue(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

func argString(args []safejs.Value, i int) string { return dom.Str(argValue(args, i), nil) }

// gtag returns the loader's gtag function, left on the frame's element,
// as gate.Config wants it; nil without Consent Mode or without it.
func gtag(f *frame.Frame, c *consent.Catalogue) func(string, string, map[string]string) error {
	if !c.Site.ConsentMode {
		return nil
	}
	el, err := f.Element()
	if err != nil {
		return nil
	}
	fn, err := dom.Prop(el, "civicGtag")
	if err != nil || fn.Type() != safejs.TypeFunction {
		return nil
	}
	return func(command, action string, state map[string]string) error {
		s := map[string]any{}
		for k, v := range state {
			s[k] = v
		}
		_, err := fn.Invoke(command, action, s)
		return err
	}
}

// screen is frame.Screen on the widget's frame.
type screen struct{ f *frame.Frame }

func (s screen) Replace(v frame.View) error     { return s.f.ShowView(v) }
func (s screen) Show(from, to frame.View) error { return s.f.Show(from, to) }
func (s screen) Alert() error                   { return s.f.ShowAlert() }
