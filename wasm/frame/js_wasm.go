//go:build js && wasm

package frame

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/dom"
	"github.com/hack-pad/safejs"
)

// Frame is the widget's document as a program running in it sees it, and
// the civicFrame object the loader's frame boot (web/src/loader/boot.js)
// defines there; web/src/civic-consent.d.ts declares its members.
type Frame struct {
	window, document, boot safejs.Value
}

// Current binds the document the program runs in. It fails where the
// frame's boot did not run.
func Current() (*Frame, error) {
	doc, err := dom.Get(safejs.Global(), "document")
	if err != nil {
		return nil, err
	}
	boot, err := dom.Get(safejs.Global(), "civicFrame")
	if err != nil {
		return nil, fmt.Errorf("the frame's boot script did not run: %w", err)
	}
	return &Frame{window: safejs.Global(), document: doc, boot: boot}, nil
}

// Boot returns a member of civicFrame.
func (f *Frame) Boot(name string) (safejs.Value, error) {
	return dom.Get(f.boot, name)
}

// Host returns the host page's window: the frame's parent.
func (f *Frame) Host() (safejs.Value, error) {
	parent, err := dom.Get(f.window, "parent")
	if err != nil {
		return parent, fmt.Errorf("reading window.parent: %w", err)
	}
	return parent, nil
}

// Element returns the frame's iframe element in the host page.
func (f *Frame) Element() (safejs.Value, error) {
	return dom.Get(f.window, "frameElement")
}

func (f *Frame) root() (safejs.Value, error) {
	return dom.Get(f.document, "documentElement")
}

// RootAttr returns an attribute of the frame document's root element,
// where the loader writes what it decided (contract.AttrView, lang, …).
func (f *Frame) RootAttr(name string) string {
	root, err := f.root()
	if err != nil {
		return ""
	}
	return dom.Str(root.Call("getAttribute", name))
}

// Lang returns the language the loader chose for the frame.
func (f *Frame) Lang() string { return f.RootAttr("lang") }

// Text returns the text of the element with the given id.
func (f *Frame) Text(id string) (string, error) {
	el, err := f.document.Call("getElementById", id)
	if err != nil || el.IsNull() {
		return "", fmt.Errorf("no #%s in the widget's frame", id)
	}
	return dom.Str(dom.Prop(el, "textContent")), nil
}

// Template returns a deep copy of the content of the frame's <template>
// with the given id, imported into doc's document (nil: the frame's), as
// its one element.
func (f *Frame) Template(id string, into safejs.Value) (safejs.Value, error) {
	tpl, err := f.document.Call("getElementById", id)
	if err != nil || tpl.IsNull() {
		return safejs.Null(), fmt.Errorf("no <template id=%s> in the widget's frame", id)
	}
	content, err := dom.Get(tpl, "content")
	if err != nil {
		return safejs.Null(), err
	}
	first, err := dom.Get(content, "firstElementChild")
	if err != nil {
		return safejs.Null(), fmt.Errorf("<template id=%s> is empty", id)
	}
	if into.IsUndefined() || into.IsNull() {
		into = f.document
	}
	return into.Call("importNode", first, true)
}

// HasTemplate reports whether the frame has the <template> id.
func (f *Frame) HasTemplate(id string) bool {
	tpl, err := f.document.Call("getElementById", id)
	return err == nil && !tpl.IsNull()
}

// ShowView replaces the frame body's first element (the view the loader
// prerendered, or one shown since) by a copy of the view's template.
func (f *Frame) ShowView(v View) error {
	el, err := f.Template(contract.TemplateView(v.String()), safejs.Null())
	if err != nil {
		return err
	}
	body, err := dom.Get(f.document, "body")
	if err != nil {
		return err
	}
	first, err := dom.Get(body, "firstElementChild")
	if err != nil {
		_, err = body.Call("prepend", el)
		return err
	}
	_, err = first.Call("replaceWith", el)
	return err
}

// SetMode asks the frame's boot to place the frame for a mode.
func (f *Frame) SetMode(mode string) error {
	_, err := f.boot.Call("setMode", mode)
	return err
}

// TakeQueue returns the actions clicked on the prerendered views that are
// this program's to take (queue "page" or "dialog"), oldest first.
func (f *Frame) TakeQueue(queue string) ([]string, error) {
	q, err := f.boot.Call("takeQueue", queue)
	if err != nil {
		return nil, err
	}
	var actions []string
	for _, v := range dom.Items(q) {
		actions = append(actions, dom.Str(v, nil))
	}
	return actions, nil
}

// Handlers are the functions a program answers the frame's boot and the
// other program with, by name.
type Handlers map[string]func(args []safejs.Value) any

// Ready tells the frame's boot that the program name ("page" or "dialog")
// runs and answers with handlers, which civicFrame then offers as
// civicFrame[name]. The boot takes it only from the program it started,
// which proves it with the token the boot put in its environment.
func (f *Frame) Ready(name string, handlers Handlers) error {
	fns := map[string]any{}
	for key, h := range handlers {
		fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any { return h(args) })
		if err != nil {
			return err
		}
		fns[key] = fn
	}
	token, _ := syscall.Getenv("CIVIC_TOKEN")
	ok, err := f.boot.Call("ready", name, token, fns)
	if err != nil {
		return err
	}
	if !dom.Truthy(ok) {
		return fmt.Errorf("the frame's boot did not take the %s program: it did not start it", name)
	}
	return nil
}

// Program returns the functions the program name answers with, once it
// runs.
func (f *Frame) Program(name string) (safejs.Value, error) {
	return dom.Get(f.boot, name)
}

// Focus moves focus to an element of the frame.
func (f *Frame) Focus(selector string) error {
	el, err := f.document.Call("querySelector", selector)
	if err != nil {
		return err
	}
	if el.IsNull() {
		return fmt.Errorf("nothing matches %s in the widget", selector)
	}
	_, err = el.Call("focus", map[string]any{"preventScroll": true})
	return err
}

// FocusUnlessInPage moves focus to an element of the frame unless the
// visitor put it on something of the host page: it is still in the frame,
// or nowhere.
func (f *Frame) FocusUnlessInPage(selector string) error {
	host, err := f.Host()
	if err != nil {
		return err
	}
	hostDoc, err := dom.Get(host, "document")
	if err != nil {
		return err
	}
	active, err := dom.Prop(hostDoc, "activeElement")
	if err != nil {
		return err
	}
	body, _ := dom.Prop(hostDoc, "body")
	self, _ := f.Element()
	if active.IsNull() || active.Equal(body) || active.Equal(self) {
		return f.Focus(selector)
	}
	return nil
}

// RestoreFocus returns focus to the page control that opened the
// preferences, or to fallback in the frame when they were opened from it.
func (f *Frame) RestoreFocus(fallback string) error {
	opener, err := f.boot.Call("takeOpener")
	if err != nil {
		return err
	}
	if dom.Truthy(opener) {
		if connected, _ := dom.Prop(opener, "isConnected"); dom.Truthy(connected) {
			_, err := opener.Call("focus")
			return err
		}
	}
	return f.Focus(fallback)
}

// Move moves focus as m says.
func (f *Frame) Move(m FocusMove) error {
	switch {
	case m.Selector == "":
		return nil
	case m.Restore:
		return f.RestoreFocus(m.Selector)
	case m.UnlessInPage:
		return f.FocusUnlessInPage(m.Selector)
	}
	return f.Focus(m.Selector)
}

// Show places the frame for view to, shown after from, and moves focus as
// FocusAfter says (R21).
func (f *Frame) Show(from, to View) error {
	err := f.SetMode(to.String())
	prerendered := f.RootAttr(contract.AttrView) == contract.ModeBanner
	return errors.Join(err, f.Move(FocusAfter(from, to, prerendered)))
}

// AdoptStyles styles a shadow root of the host page with the widget's
// stylesheet, constructed once by the loader; false where the browser has
// no constructed stylesheets.
func (f *Frame) AdoptStyles(root safejs.Value) bool {
	ok, err := f.boot.Call("adoptStyles", root)
	return err == nil && dom.Truthy(ok)
}

// Fail says in the console why the program cannot run and hides the
// widget: every optional service stays off.
func (f *Frame) Fail(err error) {
	dom.JSConsole{}.Error(err.Error() + "; the widget is off and optional services stay off")
	if f != nil {
		_ = f.SetMode(contract.ModeOff)
	}
}

// ShowAlert appends the prerendered alert that a choice could not be
// stored to the view the frame shows, once.
func (f *Frame) ShowAlert() error {
	root, err := f.document.Call("querySelector", ".cc-root")
	if err != nil || root.IsNull() {
		return errors.New("the widget's frame shows no view")
	}
	if shown, _ := root.Call("querySelector", ".cc-error"); !shown.IsNull() {
		return nil
	}
	alert, err := f.Template(contract.TemplateError, safejs.Null())
	if err != nil {
		return err
	}
	_, err = root.Call("append", alert)
	return err
}

// Yield lets the browser run what waits (input, painting) and returns in a
// task of its own: a program's start is then several short tasks rather
// than one long one. Go gives the browser back its thread only when every
// goroutine waits, so this waits for a timer's callback.
func Yield() {
	done := make(chan struct{})
	fn, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		close(done)
		return nil
	})
	if err != nil {
		return
	}
	defer fn.Release()
	if _, err := safejs.Global().Call("setTimeout", fn, 0); err != nil {
		return
	}
	<-done
}
