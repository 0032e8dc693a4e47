//go:build js && wasm

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReceiptSlotRoundTrip(t *testing.T) {
	s := receiptSlot{page: testPage(t)}
	_, found := s.Get()
	assert.False(t, found)
	require.NoError(t, s.Set(`{"record":"1.x"}`))
	body, found := s.Get()
	assert.True(t, found)
	assert.Equal(t, `{"record":"1.x"}`, body)
	require.NoError(t, s.Clear())
	_, found = s.Get()
	assert.False(t, found)
}

// fetchWindow is a host window whose fetch keeps its calls and answers as
// answer (a JavaScript expression of the promise) says.
func fetchWindow(t *testing.T, answer string) *page {
	t.Helper()
	win := eval(t, `({location: {origin: "https://site.example"}, calls: [],
		fetch(url, init) { this.calls.push({url, method: init.method, keepalive: init.keepalive, type: init.headers["Content-Type"], body: init.body}); return `+answer+`; }})`)
	return &page{window: win}
}

func TestPostReceiptSendsJSONWithKeepaliveToThePagesOrigin(t *testing.T) {
	for answer, want := range map[string]bool{
		`Promise.resolve({ok: true})`:                   true,
		`Promise.resolve({ok: false, status: 500})`:     false,
		`Promise.reject(new TypeError("network down"))`: false,
	} {
		p := fetchWindow(t, answer)
		done := make(chan bool, 1)
		p.postReceipt("/consent/receipts", []byte(`{"a":1}`), func(ok bool) { done <- ok })
		assert.Equal(t, want, <-done, answer)
		call, err := p.window.Get("calls")
		require.NoError(t, err)
		first, err := call.Index(0)
		require.NoError(t, err)
		for field, want := range map[string]any{
			"url": "https://site.example/consent/receipts", "method": "POST", "keepalive": true,
			"type": "application/json", "body": `{"a":1}`,
		} {
			v, err := first.Get(field)
			require.NoError(t, err)
			switch w := want.(type) {
			case bool:
				got, _ := v.Bool()
				assert.Equal(t, w, got, field)
			case string:
				got, _ := v.String()
				assert.Equal(t, w, got, field)
			}
		}
	}
}

func TestPostReceiptThatCannotStartIsAFailure(t *testing.T) {
	p := &page{window: eval(t, `({location: {origin: "https://site.example"}, fetch() { throw new Error("blocked") }})`)}
	done := make(chan bool, 1)
	p.postReceipt("/consent/receipts", []byte(`{}`), func(ok bool) { done <- ok })
	assert.False(t, <-done)
}
