//go:build js && wasm

package main

import (
	"fmt"

	"github.com/civic-consent/consent/wasm/dom"
	"github.com/civic-consent/consent/wasm/frame"
	"github.com/hack-pad/safejs"
)

// approve is the loader's own import, bound where it instantiates this
// program: a channel to its Trusted Types policy that no script of the
// page can call or intercept. The policy makes a script URL or a script's
// code only if the page program approved exactly that value just before,
// once: what the gate decided to insert, after checking the choice.
//
//go:wasmimport civic approve
func approve(kind uint32, value string)

// bindTrust returns the loader's policy as package dom uses it.
func bindTrust(f *frame.Frame) (dom.Trust, error) {
	t, err := f.Boot("trust")
	if err != nil {
		return dom.Trust{}, fmt.Errorf("the frame's boot script has no Trusted Types policy: %w", err)
	}
	scriptURL, err := dom.Get(t, "scriptURL")
	if err != nil {
		return dom.Trust{}, err
	}
	script, err := dom.Get(t, "script")
	if err != nil {
		return dom.Trust{}, err
	}
	return dom.Trust{ScriptURL: scriptURL, Script: script, Approve: approve}, nil
}

// randomSource reads the browser's crypto.getRandomValues, which is what
// crypto/rand would read here too, without the FIPS generator crypto/rand
// links in.
type randomSource struct{}

func (randomSource) Read(p []byte) (int, error) {
	crypto, err := dom.Get(safejs.Global(), "crypto")
	if err != nil {
		return 0, err
	}
	buf, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return 0, err
	}
	arr, err := buf.New(len(p))
	if err != nil {
		return 0, err
	}
	if _, err := crypto.Call("getRandomValues", arr); err != nil {
		return 0, fmt.Errorf("crypto.getRandomValues: %w", err)
	}
	n, err := safejs.CopyBytesToGo(p, arr)
	if err == nil && n != len(p) {
		err = fmt.Errorf("crypto.getRandomValues gave %d bytes of %d", n, len(p))
	}
	return n, err
}
