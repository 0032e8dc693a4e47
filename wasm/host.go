//go:build js && wasm

package main

import (
	"crypto/rand"
	"fmt"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/app"
	"github.com/hack-pad/safejs"
)

// host implements app.Host in the browser: it stores choices in the
// consent cookie, applies them to the page, and drives the frame the widget
// lives in (its size and place, and focus).
type host struct {
	page      *page
	frame     *frame
	catalogue *consent.Catalogue
	services  *services
	markup    *markup
	google    *googleConsent
	events    *events
	// session is the widget's, whose record id the host updates on
	// every choice; outbox sends the receipts.
	session *app.Session
	outbox  *app.Outbox
	// kept is the record made on this page when a copy of the cookie
	// that the page cannot clear makes the stored one ambiguous.
	kept string
}

// newHost binds the widget's session to the host page pg: the services and
// their placeholders (whose "Autoriser" button calls allow), the page's
// data-consent markup, Google Consent Mode, the consent:change event and
// the receipts (sent where the catalogue names an endpoint).
func newHost(pg *page, f *frame, session *app.Session, styleURL string, allow func(categoryID string)) *host {
	c := session.Catalogue
	svc := &services{page: pg, catalogue: c, lang: session.Lang, styleURL: styleURL, adoptStyles: f.AdoptStyles, allow: allow}
	google, err := newGoogleConsent(c)
	if err != nil {
		consoleError("%v", err)
	}
	return &host{
		page: pg, frame: f, catalogue: c, session: session,
		services: svc, markup: newMarkup(svc), google: google, events: &events{page: pg},
		outbox: &app.Outbox{Endpoint: c.Site.Receipts, Pending: receiptSlot{page: pg}, Send: pg.postReceipt},
	}
}

// Record writes the choice as a complete consent record, checks the browser
// kept it, then applies it. If the cookie cannot be stored, nothing optional
// starts: without a stored record there is no consent to show (fail closed).
//
// Every copy of the cookie the page can reach is cleared first, so that a
// copy with another Domain (a sibling subdomain's, an older install's) does
// not make the record ambiguous. If a copy the page cannot clear remains
// (another Path), the choice just made is still honoured on this page, and
// the console says so.
func (h *host) Record(c app.Choice) error {
	before := h.current()
	id, err := consent.NewConsentID(rand.Reader)
	if err != nil {
		return h.fail(fmt.Errorf("making a consent id: %w", err))
	}
	rec := consent.NewRecord(h.catalogue, c.Allowed, time.Now(), id)
	value := rec.Encode()
	opts := consent.CookieOptions{Secure: h.page.HTTPS(), Domain: h.cookieDomain(), MaxAge: h.catalogue.MaxAge()}
	if err := h.page.ExpireCookie(consent.RecordCookieName); err != nil {
		return h.fail(err)
	}
	if err := h.page.SetCookie(consent.CookieString(value, opts)); err != nil {
		return h.fail(err)
	}
	header, err := h.page.Cookie()
	if err != nil {
		return h.fail(err)
	}
	h.kept = ""
	shadowed, err := consent.VerifyWritten(header, value)
	if err != nil {
		return h.fail(err)
	}
	if shadowed {
		consoleWarn("another %s cookie that this page cannot clear (set with another Path?) remains; the choice applies to this page, and the next page may ask again", consent.RecordCookieName)
		h.kept = value
	}
	if err := h.services.Apply(c.Allowed); err != nil {
		consoleError("applying the choice: %v", err)
	}
	after := h.current()
	if err := h.markup.Apply(after); err != nil {
		consoleError("applying the choice to data-consent content: %v", err)
	}
	if err := h.google.Update(after); err != nil {
		consoleError("%v", err)
	}
	h.events.Changed(before, after)
	if h.session != nil {
		h.session.RecordID = rec.ID
	}
	if h.outbox != nil {
		action := consent.ChoiceAction(before.Record, rec, h.page.GPC())
		h.outbox.Stored(consent.Receipt{Record: rec, Action: action}.Encode(), func(err error) {
			consoleWarn("keeping the unacknowledged consent receipt for the next page: %v", err)
		})
	}
	return nil
}

// current is the choice in force now, as the cookie says, or the choice
// made on this page when the cookie cannot say it (see Record).
func (h *host) current() consent.Decision {
	if h.kept != "" {
		return consent.Decide(h.catalogue, consent.RecordCookieName+"="+h.kept, time.Now(), h.page.GPC())
	}
	header, err := h.page.Cookie()
	if err != nil {
		return consent.Decide(h.catalogue, "", time.Now(), true)
	}
	return consent.Decide(h.catalogue, header, time.Now(), h.page.GPC())
}

// cookieDomain is the Domain of cookies_preferences on this page: the
// catalogue's site.cookieDomain, or none (a host-only cookie) when it does
// not match the page's host, which CheckDomain reports.
func (h *host) cookieDomain() string {
	d, _ := consent.RecordCookieDomain(h.page.Hostname(), h.catalogue.Site.CookieDomain)
	return d
}

// CheckDomain says in the console when site.cookieDomain does not match the
// page's host, at start: the choice is then stored for this host only.
func (h *host) CheckDomain() {
	if _, err := consent.RecordCookieDomain(h.page.Hostname(), h.catalogue.Site.CookieDomain); err != nil {
		consoleWarn("%v", err)
	}
}

func (h *host) fail(err error) error {
	consoleError("the choice was not saved: %v; optional services stay off", err)
	return err
}

// Show places the frame for the view and moves focus as R21 asks: into a
// dialog that opens, back to where it was when the preferences close.
func (h *host) Show(from, to app.View) {
	if from == app.ViewPending {
		// go-app routes every link of its document through its own router;
		// the widget has one view and its links are ordinary links.
		_ = setProp(safejs.Global(), "onclick", nil)
	}
	if err := h.frame.SetMode(to.String()); err != nil {
		consoleError("placing the widget: %v", err)
	}
	move := app.FocusAfter(from, to, h.frame.Prerendered() == app.ViewBanner.String())
	var err error
	switch {
	case move.Selector == "":
	case move.Restore:
		err = h.frame.RestoreFocus(move.Selector)
	case move.UnlessInPage:
		err = h.frame.FocusUnlessInPage(move.Selector)
	default:
		err = h.frame.Focus(move.Selector)
	}
	if err != nil {
		consoleError("moving focus: %v", err)
	}
}
