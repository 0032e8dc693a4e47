package app

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slot is a Slot in memory.
type slot struct {
	body  string
	found bool
}

func (s *slot) Get() (string, bool)   { return s.body, s.found }
func (s *slot) Set(body string) error { s.body, s.found = body, true; return nil }
func (s *slot) Clear() error          { s.body, s.found = "", false; return nil }

// wire records what an Outbox sends and answers it when the test says.
type wire struct {
	sent    []string
	pending []func(bool)
}

func (w *wire) send(endpoint string, body []byte, done func(bool)) {
	w.sent = append(w.sent, endpoint+" "+string(body))
	w.pending = append(w.pending, done)
}

func TestOutboxSendsAndForgetsAnAcknowledgedReceipt(t *testing.T) {
	s, w := &slot{}, &wire{}
	o := &Outbox{Endpoint: "/receipts", Pending: s, Send: w.send}
	o.Stored([]byte(`{"a":1}`), nil)
	assert.Equal(t, []string{`/receipts {"a":1}`}, w.sent, "sent at once, without waiting")
	w.pending[0](true)
	assert.False(t, s.found, "an acknowledged receipt leaves nothing in storage")

	require.NoError(t, o.Retry())
	assert.Len(t, w.sent, 1, "nothing to retry")
}

func TestOutboxRetriesAFailedReceiptOnce(t *testing.T) {
	s, w := &slot{}, &wire{}
	o := &Outbox{Endpoint: "/receipts", Pending: s, Send: w.send}
	o.Stored([]byte(`{"a":1}`), nil)
	w.pending[0](false)
	assert.Equal(t, `{"a":1}`, s.body, "a failed receipt is kept")

	// A later page.
	later := &Outbox{Endpoint: "/receipts", Pending: s, Send: w.send}
	require.NoError(t, later.Retry())
	assert.Equal(t, []string{`/receipts {"a":1}`, `/receipts {"a":1}`}, w.sent)
	assert.False(t, s.found, "taken out of the slot before the retry")
	w.pending[1](false)
	assert.False(t, s.found, "a retry that fails is not kept again")

	require.NoError(t, (&Outbox{Endpoint: "/receipts", Pending: s, Send: w.send}).Retry())
	assert.Len(t, w.sent, 2, "retried once only")
}

func TestOutboxKeepsTheLatestFailure(t *testing.T) {
	s, w := &slot{}, &wire{}
	o := &Outbox{Endpoint: "/receipts", Pending: s, Send: w.send}
	o.Stored([]byte(`{"a":1}`), nil)
	o.Stored([]byte(`{"a":2}`), nil)
	w.pending[1](false)
	w.pending[0](true)
	assert.Equal(t, `{"a":2}`, s.body, "the first one's success leaves the second's failure pending")
	o.Stored([]byte(`{"a":3}`), nil)
	w.pending[2](false)
	assert.Equal(t, `{"a":3}`, s.body, "one slot: the latest failure")
}

func TestOutboxSaysWhenTheSlotFails(t *testing.T) {
	w := &wire{}
	o := &Outbox{Endpoint: "/receipts", Pending: brokenSlot{}, Send: w.send}
	var got []error
	o.Stored([]byte(`{"a":1}`), func(err error) { got = append(got, err) })
	w.pending[0](false)
	require.Len(t, got, 1)
	assert.ErrorContains(t, got[0], "storage is full")
}

type brokenSlot struct{}

func (brokenSlot) Get() (string, bool) { return "", false }
func (brokenSlot) Set(string) error    { return errors.New("storage is full") }
func (brokenSlot) Clear() error        { return nil }

func TestOutboxWithoutEndpointSendsNothing(t *testing.T) {
	s, w := &slot{}, &wire{}
	o := &Outbox{Pending: s, Send: w.send}
	o.Stored([]byte(`{"a":1}`), nil)
	assert.Empty(t, w.sent)
	assert.False(t, s.found, "nothing kept either")

	s.body, s.found = `{"old":1}`, true
	require.NoError(t, o.Retry())
	assert.Empty(t, w.sent)
	assert.False(t, s.found, "a receipt left from an earlier configuration is dropped")
}
