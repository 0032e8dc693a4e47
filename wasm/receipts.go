//go:build js && wasm

package main

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"
)

// receiptKey is the host's localStorage key of the pending receipt (see
// app.Outbox): first-party, one receipt at most.
const receiptKey = "civic-consent-receipt"

// receiptSlot is app.Slot in the host page's localStorage.
type receiptSlot struct{ page *page }

func (s receiptSlot) storage() (safejs.Value, error) {
	store, err := get(s.page.window, "localStorage")
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("reading localStorage: %w", err)
	}
	return store, nil
}

// Get returns the pending receipt.
func (s receiptSlot) Get() (string, bool) {
	store, err := s.storage()
	if err != nil {
		return "", false
	}
	v, err := store.Call("getItem", receiptKey)
	if err != nil || v.Type() != safejs.TypeString {
		return "", false
	}
	body, err := v.String()
	return body, err == nil
}

// Set keeps body as the pending receipt.
func (s receiptSlot) Set(body string) error {
	store, err := s.storage()
	if err != nil {
		return err
	}
	if _, err := store.Call("setItem", receiptKey, body); err != nil {
		return fmt.Errorf("localStorage.setItem(%q): %w", receiptKey, err)
	}
	return nil
}

// Clear forgets the pending receipt.
func (s receiptSlot) Clear() error {
	store, err := s.storage()
	if err != nil {
		return err
	}
	if _, err := store.Call("removeItem", receiptKey); err != nil {
		return fmt.Errorf("localStorage.removeItem(%q): %w", receiptKey, err)
	}
	return nil
}

// postReceipt POSTs a receipt body as JSON to path on the host page's
// origin, with keepalive so that it outlives the page, and calls done with
// whether the answer was 2xx once it comes. It calls the host page's
// fetch, so that the request is the page's own (its origin, its CSP's
// connect-src 'self': Firefox does not match 'self' from the srcdoc
// frame), and sends no credentials but the site's own: the body is all the
// endpoint learns.
func (p *page) postReceipt(path string, body []byte, done func(ok bool)) {
	if err := p.post(path, body, done); err != nil {
		consoleWarn("sending the consent receipt to %s: %v", path, err)
		done(false)
	}
}

func (p *page) post(path string, body []byte, done func(ok bool)) error {
	loc, err := get(p.window, "location")
	if err != nil {
		return err
	}
	origin, err := get(loc, "origin")
	if err != nil {
		return err
	}
	o, err := origin.String()
	if err != nil {
		return err
	}
	init, err := safejs.ValueOf(map[string]any{
		"method":      "POST",
		"keepalive":   true,
		"credentials": "same-origin",
		"mode":        "same-origin",
		"cache":       "no-store",
		"headers":     map[string]any{"Content-Type": "application/json"},
		"body":        string(body),
	})
	if err != nil {
		return err
	}
	promise, err := p.window.Call("fetch", o+path, init)
	if err != nil {
		return err
	}
	var onOK, onErr safejs.Func
	settle := func(ok bool) {
		onOK.Release()
		onErr.Release()
		if !ok {
			consoleWarn("the consent receipt was not acknowledged by %s", path)
		}
		done(ok)
	}
	onOK, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ok := false
		if len(args) > 0 {
			if v, err := prop(args[0], "ok"); err == nil {
				ok, _ = v.Bool()
			}
		}
		settle(ok)
		return nil
	})
	if err != nil {
		return err
	}
	onErr, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		settle(false)
		return nil
	})
	if err != nil {
		onOK.Release()
		return err
	}
	if _, err := promise.Call("then", onOK, onErr); err != nil {
		onOK.Release()
		onErr.Release()
		return errors.Join(errors.New("waiting for the answer"), err)
	}
	return nil
}
