package gate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
)

// outbox sends the receipts of choices to the catalogue's receipts
// endpoint (Site.Receipts), so that sending never delays or blocks a
// choice and a receipt that fails is retried once:
//
//   - stored sends the receipt at once, without waiting for the answer. One
//     that fails (no answer, or not 2xx) becomes the pending one: there is
//     one slot (contract.ReceiptKey in localStorage), and the latest failure
//     takes it. One acknowledged leaves no trace in the visitor's storage.
//   - retry, on a later page, takes the pending receipt out of the slot and
//     sends it once more; whatever happens then, it is not kept again.
//
// The slot keeps the action and the record as the cookie held it, not the
// receipt's body: a later page rebuilds the body from a record that must
// decode for the catalogue and agree with its action, so that what the
// page's storage holds (which any script of the site can write) is never
// posted unchecked. With no endpoint nothing is kept or sent, and a
// receipt left pending from an earlier configuration is dropped.
type outbox struct {
	page *Page
}

func (o *outbox) endpoint() string { return o.page.cat.Site.Receipts }

// stored sends the receipt of rec, just stored by action.
func (o *outbox) stored(rec consent.Record, action consent.Action) {
	if o.endpoint() == "" {
		return
	}
	o.send(rec, action, true)
}

func (o *outbox) send(rec consent.Record, action consent.Action, keep bool) {
	err := o.page.doc.Post(o.endpoint(), consent.Receipt{Record: rec, Action: action}.Encode(), func(ok bool) {
		if ok || !keep {
			return
		}
		o.page.warnf("the consent receipt was not acknowledged by %s; it is kept for the next page", o.endpoint())
		if err := o.keep(string(action) + " " + rec.Encode()); err != nil {
			o.page.warnf("keeping the unacknowledged consent receipt: %v", err)
		}
	})
	if err != nil {
		o.page.warnf("sending the consent receipt to %s: %v", o.endpoint(), err)
	}
}

func (o *outbox) keep(pending string) error {
	store, err := o.page.doc.Storage(false)
	if err != nil {
		return err
	}
	return store.Set(contract.ReceiptKey, pending)
}

// retry sends the pending receipt, if any, for the last time.
func (o *outbox) retry() error {
	store, err := o.page.doc.Storage(false)
	if err != nil {
		return err
	}
	pending, found, err := store.Get(contract.ReceiptKey)
	if err != nil || !found {
		return err
	}
	if err := store.Remove(contract.ReceiptKey); err != nil {
		// Sending what cannot be taken out of the slot would send it on
		// every page.
		return err
	}
	if o.endpoint() == "" {
		return nil
	}
	rec, action, err := o.parse(pending)
	if err != nil {
		return fmt.Errorf("the pending receipt in localStorage[%q] is not one the widget kept (%v); it is dropped", contract.ReceiptKey, err)
	}
	o.send(rec, action, false)
	return nil
}

// parse reads a pending receipt: an action and a record of this
// catalogue's revision that the action describes.
func (o *outbox) parse(pending string) (consent.Record, consent.Action, error) {
	name, value, ok := strings.Cut(pending, " ")
	action := consent.Action(name)
	if !ok || !slices.Contains(consent.Actions, action) {
		return consent.Record{}, "", errors.New("no known action")
	}
	rec, err := consent.DecodeRecord(value, o.page.cat, o.page.now())
	if err != nil {
		return consent.Record{}, "", err
	}
	// The service refuses what the record contradicts, and a receipt
	// posted too long after its choice: neither is worth sending.
	receipt := consent.Receipt{Record: rec, Action: action}
	if err := receipt.CheckAction(); err != nil {
		return consent.Record{}, "", err
	}
	if err := receipt.CheckTime(o.page.now()); err != nil {
		return consent.Record{}, "", err
	}
	return rec, action, nil
}
