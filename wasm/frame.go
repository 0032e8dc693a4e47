//go:build js && wasm

package main

import (
	"fmt"

	"github.com/hack-pad/safejs"
)

// frame is the widget's own document (the srcdoc iframe) and the small
// civicFrame object its boot script (web/src/frame.js) defines there.
type frame struct {
	document safejs.Value
	boot     safejs.Value
	host     *page
}

// currentFrame binds the document the wasm runs in.
func currentFrame(host *page) (*frame, error) {
	doc, err := get(safejs.Global(), "document")
	if err != nil {
		return nil, err
	}
	boot, err := get(safejs.Global(), "civicFrame")
	if err != nil {
		return nil, fmt.Errorf("the frame's boot script did not run: %w", err)
	}
	return &frame{document: doc, boot: boot, host: host}, nil
}

// Text returns the text content of the element with the given id.
func (f *frame) Text(id string) (string, error) {
	el, err := f.document.Call("getElementById", id)
	if err != nil || el.IsNull() {
		return "", fmt.Errorf("no #%s in the widget's frame", id)
	}
	v, err := prop(el, "textContent")
	if err != nil {
		return "", err
	}
	return v.String()
}

// Lang returns the language the loader chose for the frame.
func (f *frame) Lang() string {
	root, err := get(f.document, "documentElement")
	if err != nil {
		return ""
	}
	v, err := prop(root, "lang")
	if err != nil {
		return ""
	}
	s, _ := v.String()
	return s
}

// SetMode asks the boot script to size and place the frame for a view.
func (f *frame) SetMode(mode string) error {
	_, err := f.boot.Call("setMode", mode)
	return err
}

// TakeQueue returns the clicks made on the prerendered first layer before
// the wasm was running, so that none is lost.
func (f *frame) TakeQueue() ([]string, error) {
	q, err := f.boot.Call("takeQueue")
	if err != nil {
		return nil, err
	}
	n, err := q.Length()
	if err != nil {
		return nil, err
	}
	actions := make([]string, 0, n)
	for i := range n {
		v, err := q.Index(i)
		if err != nil {
			return nil, err
		}
		s, _ := v.String()
		actions = append(actions, s)
	}
	return actions, nil
}

// Handle registers a Go function the loader and the host page's controls
// call through civicFrame (open, allowed).
func (f *frame) Handle(name string, fn func(args []safejs.Value) any) error {
	jsFn, err := safejs.FuncOf(func(this safejs.Value, args []safejs.Value) any { return fn(args) })
	if err != nil {
		return err
	}
	return f.boot.Set(name, jsFn)
}

// Focus moves focus to an element of the frame.
func (f *frame) Focus(selector string) error {
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
func (f *frame) FocusUnlessInPage(selector string) error {
	active, err := prop(f.host.document, "activeElement")
	if err != nil {
		return err
	}
	body, err := prop(f.host.document, "body")
	if err != nil {
		return err
	}
	self, err := get(safejs.Global(), "frameElement")
	if err != nil {
		return err
	}
	if active.IsNull() || active.Equal(body) || active.Equal(self) {
		return f.Focus(selector)
	}
	return nil
}

// Prerendered returns the view the loader showed before the wasm ran
// (banner, button or pending).
func (f *frame) Prerendered() string {
	root, err := get(f.document, "documentElement")
	if err != nil {
		return ""
	}
	v, err := root.Call("getAttribute", "data-view")
	if err != nil {
		return ""
	}
	s, _ := v.String()
	return s
}

// RestoreFocus returns focus to the page control that opened the
// preferences, or to fallback in the frame when they were opened from it.
func (f *frame) RestoreFocus(fallback string) error {
	opener, err := prop(f.boot, "opener")
	if err != nil {
		return err
	}
	if ok, _ := opener.Truthy(); ok {
		if err := setProp(f.boot, "opener", nil); err != nil {
			return err
		}
		if connected, _ := prop(opener, "isConnected"); truthy(connected) {
			_, err := opener.Call("focus")
			return err
		}
	}
	return f.Focus(fallback)
}

func truthy(v safejs.Value) bool {
	ok, _ := v.Truthy()
	return ok
}

// AdoptStyles styles a shadow root of the host page with the widget's
// stylesheet, constructed once by the boot script; false where the browser
// has no constructed stylesheets.
func (f *frame) AdoptStyles(root safejs.Value) bool {
	ok, err := f.boot.Call("adoptStyles", root)
	if err != nil {
		return false
	}
	b, _ := ok.Bool()
	return b
}
