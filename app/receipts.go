package app

// Outbox sends the consent receipts of a site whose catalogue names a
// receipts endpoint (consent.Site.Receipts), so that sending never delays
// or blocks a choice and a receipt that fails is retried once:
//
//   - Stored keeps the receipt as the pending one before sending it, and
//     forgets it once the endpoint acknowledged it. One that fails, or whose
//     answer never comes because the page went away, stays pending (only
//     the latest: there is one slot).
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

// Stored sends the receipt of a choice just stored, keeping it pending
// until the endpoint acknowledges it. The error is the slot's: the receipt
// is sent anyway.
func (o *Outbox) Stored(body []byte) error {
	if o.Endpoint == "" {
		return nil
	}
	err := o.Pending.Set(string(body))
	o.Send(o.Endpoint, body, func(ok bool) {
		if cur, found := o.Pending.Get(); ok && found && cur == string(body) {
			// A later choice may have taken the slot meanwhile: keep it.
			_ = o.Pending.Clear()
		}
	})
	return err
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
