package app

// Outbox sends the consent receipts of a site whose catalogue names a
// receipts endpoint (consent.Site.Receipts), so that sending never delays
// or blocks a choice and a receipt that fails is retried once:
//
//   - Stored sends the receipt at once, without waiting for the answer. One
//     that fails (no answer, or not 2xx) becomes the pending one: there is
//     one slot, and the latest failure takes it. One acknowledged leaves no
//     trace in the visitor's storage. (The request is sent with keepalive,
//     so it is delivered even when the page goes away before the answer.)
//   - Retry, on a later page where the widget runs, takes the pending
//     receipt out of the slot and sends it once more; whatever happens then,
//     it is not kept again.
//
// With no endpoint nothing is kept or sent, and a receipt left pending from
// an earlier configuration is dropped.
type Outbox struct {
	// Endpoint is the catalogue's receipts path; "" sends nothing.
	Endpoint string
	// Pending is the first-party slot of the pending receipt.
	Pending Slot
	// Send posts a receipt body to the endpoint without waiting, and calls
	// done with whether a 2xx answer came back, if an answer comes at all.
	Send func(endpoint string, body []byte, done func(ok bool))
}

// Slot holds at most one pending receipt, in the site's own storage.
type Slot interface {
	// Get returns the pending receipt, or false when there is none.
	Get() (string, bool)
	Set(body string) error
	Clear() error
}

// Stored sends the receipt of a choice just stored, and keeps it pending
// if it fails; failed, when set, hears about a slot that cannot keep it.
func (o *Outbox) Stored(body []byte, failed func(error)) {
	if o.Endpoint == "" {
		return
	}
	o.Send(o.Endpoint, body, func(ok bool) {
		if ok {
			return
		}
		if err := o.Pending.Set(string(body)); err != nil && failed != nil {
			failed(err)
		}
	})
}

// Retry sends the pending receipt, if any, for the last time.
func (o *Outbox) Retry() error {
	body, found := o.Pending.Get()
	if !found {
		return nil
	}
	if err := o.Pending.Clear(); err != nil {
		// Sending what cannot be taken out of the slot would send it
		// on every page.
		return err
	}
	if o.Endpoint != "" {
		o.Send(o.Endpoint, []byte(body), func(bool) {})
	}
	return nil
}
