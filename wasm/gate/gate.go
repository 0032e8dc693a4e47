// Package gate applies the visitor's consent to the host page. It is the
// page program's logic: it reads and writes the choice in the
// cookies_preferences cookie, loads or stops the catalogue's services,
// puts placeholders where refused content would be, activates the page's
// data-consent markup, updates Google Consent Mode, tells the page's code
// about changes and sends the receipts of choices.
//
// It reaches the page only through package dom, so that every sequence it
// runs is tested on Linux against domtest's documents; the browser build
// binds it to the real page.
package gate

import (
	"errors"
	"fmt"
	"io"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/dom"
)

// Parts are the pieces of the widget, prerendered at build time in the
// page's language, that the gate puts into the host page.
type Parts interface {
	// Placeholder returns a new copy of the notice shown in place of
	// content of id (a service or a category) that is refused: it holds an
	// [data-action=allow] button, a [data-consent-slot=contact] paragraph
	// and a [data-consent-slot=link] paragraph whose link the gate fills
	// or removes.
	Placeholder(id string) (dom.Element, error)
	// Notice returns a new copy of a service's notice, shown next to the
	// content it fills while it runs (R19), or nil if it has none.
	Notice(serviceID string) (dom.Element, error)
	// Style gives a shadow root of the host page the widget's stylesheet.
	Style(shadowRoot dom.Element) error
}

// Config is what a Page is made of.
type Config struct {
	Document  dom.Document
	Console   dom.Console
	Catalogue *consent.Catalogue
	Parts     Parts
	// Nonce is the CSP nonce of the loader's own script tag, "" if none:
	// only inline data-consent scripts carrying it may run.
	Nonce string
	// Gtag sends a Google Consent Mode command, with the catalogue's
	// Consent Mode on; nil leaves every type denied.
	Gtag func(command, action string, state map[string]string) error
	// Now and Random are the clock and the source of consent ids.
	Now    func() time.Time
	Random io.Reader
	// Changed, when set, is called after a choice was stored, with the
	// decision before and after it.
	Changed func(before, after consent.Decision)
	// Pause, when set, is called between the steps of Start: the browser
	// build lets the browser run there, so that the start is several short
	// tasks.
	Pause func()
}

// Page is the host page under the visitor's consent.
type Page struct {
	cfg      Config
	doc      dom.Document
	log      dom.Console
	cat      *consent.Catalogue
	services *services
	markup   *markup
	outbox   *outbox
	// kept is the record made on this page when a copy of the cookie that
	// the page cannot clear makes the stored one ambiguous.
	kept string
}

// New binds the page. Nothing changes on it until Start.
func New(cfg Config) *Page {
	p := &Page{cfg: cfg, doc: cfg.Document, log: cfg.Console, cat: cfg.Catalogue}
	p.services = &services{page: p}
	p.markup = newMarkup(p)
	p.outbox = &outbox{page: p}
	return p
}

// Start applies the stored choice to the page, watches it for content
// added later, and sends a receipt an earlier page could not deliver. It
// returns the decision it applied. An error here leaves every optional
// service off.
func (p *Page) Start() consent.Decision {
	d := p.Current()
	switch {
	case d.Invalid != nil:
		p.warnf("the stored choice is not valid (%v); asking again", d.Invalid)
	case d.Copies > 1:
		p.warnf("this page sees %d %s cookies (copies set for another Domain or Path, which a page of another path or subdomain set); the newest valid one stands, and the next choice clears those this page can reach", d.Copies, consent.RecordCookieName)
	}
	if _, err := consent.RecordCookieDomain(p.doc.Location().Hostname, p.cat.Site.CookieDomain); err != nil {
		p.warnf("%v", err)
	}
	if err := p.services.apply(d); err != nil {
		p.errorf("applying the stored choice: %v", err)
	}
	p.pause()
	// The observer first, so that nothing added during the scan is missed.
	if err := p.doc.Observe(p.markup.mutated); err != nil {
		p.errorf("watching the page for new data-consent content: %v", err)
	}
	if err := p.markup.apply(d); err != nil {
		p.errorf("applying the stored choice to data-consent content: %v", err)
	}
	if d.Record != nil {
		if err := p.updateGoogle(d); err != nil {
			p.errorf("%v", err)
		}
	}
	if err := p.outbox.retry(); err != nil {
		p.warnf("retrying the pending consent receipt: %v", err)
	}
	return d
}

// Current is the choice in force now, as the cookie says, or the choice made
// on this page when the cookie cannot say it (see Record).
func (p *Page) Current() consent.Decision {
	gpc := p.doc.GPC()
	if p.kept != "" {
		return consent.Decide(p.cat, consent.RecordCookieName+"="+p.kept, p.now(), gpc)
	}
	header, err := p.doc.Cookie()
	if err != nil {
		// Unreadable: as if nothing were stored, and never asking.
		return consent.Decide(p.cat, "", p.now(), true)
	}
	return consent.Decide(p.cat, header, p.now(), gpc)
}

// Record writes allowed, the optional services the visitor allows, as a
// complete consent record, checks the browser kept it, then applies it. If
// the cookie cannot be stored, nothing optional starts: without a stored
// record there is no consent to show (fail closed).
//
// Every copy of the cookie the page can reach is cleared first, so that a
// copy with another Domain (a sibling subdomain's, an older install's) does
// not make the record ambiguous. If a copy the page cannot clear remains
// (another Path), the choice just made is still honoured on this page, and
// the console says so.
func (p *Page) Record(allowed map[string]bool) error {
	before := p.Current()
	id, err := consent.NewConsentID(p.cfg.Random)
	if err != nil {
		return p.fail(fmt.Errorf("making a consent id: %w", err))
	}
	rec := consent.NewRecord(p.cat, func(id string) bool { return allowed[id] }, p.now(), id)
	value := rec.Encode()
	loc := p.doc.Location()
	domain, _ := consent.RecordCookieDomain(loc.Hostname, p.cat.Site.CookieDomain)
	opts := consent.CookieOptions{Secure: loc.HTTPS, Domain: domain, MaxAge: p.cat.MaxAge()}
	if err := p.expire(consent.RecordCookieName); err != nil {
		return p.fail(err)
	}
	if err := p.doc.SetCookie(consent.CookieString(value, opts)); err != nil {
		return p.fail(fmt.Errorf("writing document.cookie: %w", err))
	}
	header, err := p.doc.Cookie()
	if err != nil {
		return p.fail(fmt.Errorf("reading document.cookie: %w", err))
	}
	p.kept = ""
	shadowed, err := consent.VerifyWritten(header, value)
	if err != nil {
		return p.fail(err)
	}
	if shadowed {
		p.warnf("another %s cookie that this page cannot clear (set with another Path?) remains; the choice applies to this page, and the next page may ask again", consent.RecordCookieName)
		p.kept = value
	}
	after := p.Current()
	if err := p.services.apply(after); err != nil {
		p.errorf("applying the choice: %v", err)
	}
	if err := p.markup.apply(after); err != nil {
		p.errorf("applying the choice to data-consent content: %v", err)
	}
	if err := p.clearTraces(after); err != nil {
		p.errorf("clearing what refused services left: %v", err)
	}
	if err := p.updateGoogle(after); err != nil {
		p.errorf("%v", err)
	}
	p.changed(before, after)
	p.outbox.stored(rec, consent.ChoiceAction(before.Record, rec, p.doc.GPC()))
	if p.cfg.Changed != nil {
		p.cfg.Changed(before, after)
	}
	return nil
}

// AllowAll and RefuseAll are the first layer's two choices, AllowCategory
// a placeholder's: the current choice with one more category allowed.
func (p *Page) AllowAll() map[string]bool  { return p.setAll(true) }
func (p *Page) RefuseAll() map[string]bool { return p.setAll(false) }

func (p *Page) setAll(on bool) map[string]bool {
	out := map[string]bool{}
	for _, cat := range p.cat.OptionalCategories() {
		for _, svc := range p.cat.ServicesIn(cat.ID) {
			out[svc.ID] = on
		}
	}
	return out
}

// AllowCategory returns the current choice with every service of the
// category allowed.
func (p *Page) AllowCategory(id string) map[string]bool {
	current := p.Current()
	out := p.setAll(false)
	for svc := range out {
		out[svc] = current.Allowed(svc)
	}
	for _, svc := range p.cat.ServicesIn(id) {
		if _, optional := out[svc.ID]; optional {
			out[svc.ID] = true
		}
	}
	return out
}

func (p *Page) fail(err error) error {
	p.errorf("the choice was not saved: %v; optional services stay off", err)
	return err
}

// expire deletes every copy of the cookie name that the page can clear:
// host-only and each parent domain, for "/" and each folder of the page's
// path.
func (p *Page) expire(name string) error {
	loc := p.doc.Location()
	var errs []error
	for _, s := range consent.ExpireCookieStrings(name, loc.Hostname, loc.Path, loc.HTTPS) {
		if err := p.doc.SetCookie(s); err != nil {
			errs = append(errs, fmt.Errorf("writing document.cookie: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (p *Page) pause() {
	if p.cfg.Pause != nil {
		p.cfg.Pause()
	}
}

func (p *Page) now() time.Time {
	if p.cfg.Now != nil {
		return p.cfg.Now()
	}
	return time.Now()
}

// errorf and warnf write to the console, which prefixes "consent: ".
func (p *Page) errorf(format string, args ...any) {
	if p.log != nil {
		p.log.Error(fmt.Sprintf(format, args...))
	}
}

func (p *Page) warnf(format string, args ...any) {
	if p.log != nil {
		p.log.Warn(fmt.Sprintf(format, args...))
	}
}
