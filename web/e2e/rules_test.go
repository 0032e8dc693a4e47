package e2e

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The consent rules of docs/consent-rules.md, one scenario
// per rule (or per group of rules one scenario proves), run by every engine.
// Flows (flows_test.go) cover the main paths; these prove each rule's exact
// requirement.

// widgetDoc is the widget frame's document, in JavaScript.
const widgetDoc = `document.querySelector('civic-consent iframe').contentDocument`

// demoPages are the demo site's pages, each with the page's own control that
// opens the preferences (the hostile page hides its footer button with its
// stylesheet and offers a link instead).
var demoPages = []struct{ path, control string }{
	{"/", `footer [data-consent-open]`},
	{"/contact", `footer [data-consent-open]`},
	{"/charte-cookies", `footer [data-consent-open]`},
	{"/demo/hostile", `#host-consent-link`},
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// settledMode waits until the widget has left the pending view (a stored
// cookie makes it start there) and returns the view it shows.
func (tb *tab) settledMode() string {
	tb.t.Helper()
	tb.waitFor(modeJS + ` !== 'pending' && ` + modeJS + ` !== 'none'`)
	return tb.mode()
}

// assertNothingLoaded checks R1 on the page and on the network: no
// reCAPTCHA element or run, and not one request to another origin (CONNECT
// tunnels included) since the last proxy.Reset.
func assertNothingLoaded(t *testing.T, tb *tab, when string) {
	t.Helper()
	assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[src*="recaptcha"], script[src*="google"], iframe[src*="google"], .stub-recaptcha').length`), "%s: no reCAPTCHA in the DOM", when)
	assert.Equal(t, "undefined", tb.str(`typeof window.recaptchaRuns`), "%s: Google's loader never ran", when)
	var allowed bool
	tb.eval(`window.civicConsent.allowed('recaptcha')`, &allowed)
	assert.False(t, allowed, "%s: the page's API says reCAPTCHA is not allowed", when)
	assert.Empty(t, thirdParty(t), "%s: no request to any other origin", when)
}

// toggles returns the state of every toggle of the open preferences, by id:
// aria-checked for switches, checked for any checkbox input.
func (tb *tab) toggles() map[string]string {
	tb.t.Helper()
	var out map[string]string
	tb.eval(`Object.fromEntries(Array.from(`+widgetDoc+`.querySelectorAll('#cc-prefs [role=switch], #cc-prefs [role=checkbox], #cc-prefs .cc-toggle, #cc-prefs input[type=checkbox]'),
		(el) => [el.id, el.matches('input') ? String(el.checked) : el.getAttribute('aria-checked')]))`, &out)
	return out
}

// optionalToggleIDs are the ids of the seed's optional toggles: one per
// optional category and one per service in it.
func optionalToggleIDs() []string {
	c := consent.Seed()
	var ids []string
	for _, cat := range c.OptionalCategories() {
		ids = append(ids, "cc-toggle-"+cat.ID)
		for _, svc := range c.ServicesIn(cat.ID) {
			ids = append(ids, "cc-toggle-svc-"+svc.ID)
		}
	}
	return ids
}

// allOff is the expected toggles map with every optional toggle off.
func allOff() map[string]string {
	m := map[string]string{}
	for _, id := range optionalToggleIDs() {
		m[id] = "false"
	}
	return m
}

func TestR1R3BrowsingAndScrollingBeforeAChoiceSendNothing(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/", engine.PageOptions{})
		require.Equal(t, "banner", tb.mode())
		assertNothingLoaded(t, tb, "R1: home page, nothing clicked")

		// R3: scrolling is not consent. The promise settles once the page
		// has dispatched its scroll event, to every listener.
		var scrolled bool
		tb.eval(`new Promise((done) => {
			addEventListener('scroll', () => requestAnimationFrame(() => done(scrollY > 0)), {once: true});
			scrollTo(0, document.documentElement.scrollHeight);
		})`, &scrolled)
		require.True(t, scrolled, "the home page scrolls")
		assert.Equal(t, "banner", tb.mode(), "R3: scrolling is not consent")
		_, stored := tb.consentCookie()
		assert.False(t, stored, "R3: scrolling stores no choice")

		// R3: following links is not consent.
		tb.click(`nav.site-nav a[href="/contact"]`)
		tb.arrive("/contact")
		assert.Equal(t, "banner", tb.settledMode(), "R3: the first layer again on the next page")
		tb.click(`nav.site-nav a[href="/charte-cookies"]`)
		tb.arrive("/charte-cookies")
		assert.Equal(t, "banner", tb.settledMode())
		_, stored = tb.consentCookie()
		assert.False(t, stored, "R3: following links stores no choice")
		tb.click(`nav.site-nav a[href="/contact"]`)
		tb.arrive("/contact")
		assert.Equal(t, "banner", tb.settledMode())
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
		assertNothingLoaded(t, tb, "R1, R3: after scrolling and following links")
	})
}

func TestR1R3R10RefusingOrClosingTheBannerSendsNothing(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ name, control string }{
			{"refuse", `#cc-banner .cc-actions [data-action=refuse]`},
			{"close", `#cc-banner .cc-close`}, // R3: closing is refusing
		} {
			t.Run(tt.name, func(t *testing.T) {
				proxy.Reset()
				tb := open(t, b, "/contact", engine.PageOptions{})
				tb.click(frame(tt.control))
				tb.waitMode("button")
				rec := tb.record()
				assert.Equal(t, map[string]bool{"contact": false}, rec.Categories, "a refusal is recorded")
				assert.Equal(t, map[string]bool{"recaptcha": false}, rec.Services)
				assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`), "R17")
				assertNothingLoaded(t, tb, "R1: on the page where the choice was made")
				for _, p := range demoPages {
					tb.load(p.path)
					assert.Equal(t, "button", tb.settledMode(), "R10: %s: the banner does not come back", p.path)
					assertNothingLoaded(t, tb, "R1: "+p.path+" after the refusal")
				}
			})
		}
	})
}

func TestR20GPCRefusesWithoutAskingAndAllowsOptingIn(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		// ?gpc=1 makes the demo page emulate the signal (web/demo/static/
		// gpc.js), so that WebKit, which has no GPC, runs this too.
		proxy.Reset()
		tb := open(t, b, "/contact?gpc=1", engine.PageOptions{})
		require.Equal(t, "true", tb.str(`String(navigator.globalPrivacyControl)`), "the page sends GPC")
		assert.Equal(t, "button", tb.settledMode(), "R20: no banner")
		_, stored := tb.consentCookie()
		assert.False(t, stored, "R20: the signal is not stored as a choice")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`), "reCAPTCHA counts as refused")
		assertNothingLoaded(t, tb, "R20: with GPC")

		tb.load("/contact?gpc=1")
		assert.Equal(t, "button", tb.settledMode(), "R20: the next page does not nag either")
		assertNothingLoaded(t, tb, "R20: with GPC, next page")

		// The visitor can still opt in explicitly.
		tb.clickFab()
		tb.waitMode("modal")
		assert.Equal(t, allOff(), tb.toggles(), "R8, R20: nothing on in the preferences")
		tb.click(frame(`#cc-toggle-contact`))
		tb.waitFor(widgetDoc + `.getElementById('cc-toggle-contact').getAttribute('aria-checked') === 'true'`)
		assert.Empty(t, thirdParty(t), "nothing loads before the choice is saved")
		tb.click(frame(`#cc-prefs-save`))
		tb.waitFor(`window.recaptchaRuns === 1`)
		tb.waitMode("button")
		assert.Equal(t, []string{recaptchaURL}, fetched(t), "the explicit choice loads reCAPTCHA")
		rec := tb.record()
		assert.Equal(t, map[string]bool{"contact": true}, rec.Categories)
		assert.Equal(t, map[string]bool{"recaptcha": true}, rec.Services)

		// An explicit choice outranks the signal on the next pages.
		proxy.Reset()
		tb.load("/contact?gpc=1")
		tb.waitFor(`window.recaptchaRuns === 1`)
		assert.Equal(t, "button", tb.settledMode())
		assert.Equal(t, []string{recaptchaURL}, fetched(t))
	})
}

// badRecord is a cookies_preferences value the widget must not trust, and
// the reason the record decoder gives for it.
type badRecord struct {
	name   string
	value  string
	reason consent.Reason
}

// badRecords forges the stored choices of TestR11R13BadStoredChoiceIsNotTrusted
// from a real record of the seed catalogue. Each allows reCAPTCHA, so that
// trusting it would show.
func badRecords(t *testing.T) []badRecord {
	t.Helper()
	seed := consent.Seed()
	now := time.Now()
	const id = "AAAAAAAAAAAAAAAA"
	accept := consent.AcceptAll(seed, now, id).Encode()

	// A catalogue from before a change: the seed without its language
	// cookie. A choice made then is validly formed, for another revision.
	old := consent.Seed()
	for i := range old.Services {
		if old.Services[i].ID == "language" {
			old.Services[i].Cookies = nil
		}
	}
	require.NotEqual(t, seed.Revision(), old.Revision(), "a changed catalogue has a new revision")
	oldValue := consent.AcceptAll(old, now, id).Encode()
	_, err := consent.DecodeRecord(oldValue, old, now)
	require.NoError(t, err, "the old choice is valid for the old catalogue")

	// The revision with its last digit changed.
	rev := seed.Revision()
	last := "0"
	if strings.HasSuffix(rev, "0") {
		last = "1"
	}
	altered := strings.Replace(accept, rev, rev[:len(rev)-1]+last, 1)

	// A refusal whose reCAPTCHA bit was flipped to 1.
	refuse := consent.RefuseAll(seed, now, id).Encode()
	flipped := strings.Replace(refuse, "recaptcha:0", "recaptcha:1", 1)
	require.NotEqual(t, refuse, flipped)

	return []badRecord{
		{"expired", consent.AcceptAll(seed, now.Add(-seed.MaxAge()-time.Hour), id).Encode(), consent.ReasonExpired},
		{"old-revision", oldValue, consent.ReasonRevision},
		{"revision-altered", altered, consent.ReasonRevision},
		{"grant-flipped", flipped, consent.ReasonInconsistent},
		{"from-the-future", consent.AcceptAll(seed, now.Add(24*time.Hour), id).Encode(), consent.ReasonFuture},
	}
}

func TestR11R13BadStoredChoiceIsNotTrusted(t *testing.T) {
	bad := badRecords(t)
	for _, r := range bad {
		_, err := consent.DecodeRecord(r.value, consent.Seed(), time.Now())
		var recErr *consent.RecordError
		require.True(t, errors.As(err, &recErr), "%s: the forged value is rejected", r.name)
		require.Equal(t, r.reason, recErr.Reason, "%s: %v", r.name, err)
	}
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, r := range bad {
			t.Run(r.name, func(t *testing.T) {
				// The first page only gives the cookie its origin: the home
				// page, where a first visit starts no wasm.
				tb := open(t, b, "/", engine.PageOptions{})
				tb.eval(`document.cookie = `+jsString(consent.CookieString(r.value, consent.CookieOptions{})), nil)
				tb.waitConsentCookie(r.value)

				proxy.Reset()
				tb.load("/contact")
				assert.Equal(t, "banner", tb.settledMode(), "R11, R13: the visitor is asked again")
				assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
				assertNothingLoaded(t, tb, "a "+r.name+" choice")
				c, _ := tb.consentCookie()
				assert.Equal(t, r.value, c.Value, "R2: the widget writes nothing before the visitor chooses")

				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				assert.Equal(t, allOff(), tb.toggles(), "R8: the untrusted choice ticks nothing")
				tb.click(frame(`.cc-prefs [data-action=refuse]`))
				tb.waitMode("button")
				rec := tb.record() // decodes, so it is a valid record of this revision
				assert.Equal(t, consent.Seed().Revision(), rec.Revision)
				assert.NotEqual(t, r.value, rec.Encode(), "the new choice replaces the bad one")
				assert.False(t, rec.Services["recaptcha"])
				assertNothingLoaded(t, tb, "after refusing")
			})
		}
	})
}

// storageState is what a page can see of its origin's storage.
type storageState struct {
	Cookies []string          `json:"cookies"`
	Local   map[string]string `json:"local"`
	Session map[string]string `json:"session"`
	IDB     []idbState        `json:"idb"`
}

// idbState is one IndexedDB database and the records of each of its stores.
type idbState struct {
	Name    string           `json:"name"`
	Version int              `json:"version"`
	Stores  map[string][]any `json:"stores"`
}

// idbJS defines req, which turns an IndexedDB request into a promise.
const idbJS = `const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });`

// storageJS reads the state of the page's storage. Every engine run here
// has indexedDB.databases() (Chromium 71, Firefox 126, Safari 14); an
// engine without it fails this test rather than skip the IndexedDB check.
const storageJS = `(async () => {
` + idbJS + `
const items = (s) => Object.fromEntries(Array.from({length: s.length}, (_, i) => s.key(i)).map((k) => [k, s.getItem(k)]));
if (typeof indexedDB.databases !== 'function') throw new Error('indexedDB.databases() is missing: the IndexedDB check cannot see what the widget wrote');
const idb = [];
for (const info of (await indexedDB.databases()).sort((a, b) => a.name < b.name ? -1 : 1)) {
	const db = await req(indexedDB.open(info.name));
	const stores = {};
	for (const name of Array.from(db.objectStoreNames)) stores[name] = await req(db.transaction(name).objectStore(name).getAll());
	db.close();
	idb.push({name: info.name, version: db.version, stores});
}
return {cookies: document.cookie.split('; ').filter(Boolean).sort(), local: items(localStorage), session: items(sessionStorage), idb};
})()`

// hostStorageJS empties the origin's storage, then stores what a host page
// of its own would: a cookie, a localStorage and a sessionStorage key, and
// an IndexedDB database with one record.
const hostStorageJS = `(async () => {
` + idbJS + `
for (const c of document.cookie.split(';')) {
	const name = c.split('=')[0].trim();
	if (name) document.cookie = name + '=; Path=/; Max-Age=0';
}
localStorage.clear();
sessionStorage.clear();
for (const info of await indexedDB.databases()) await req(indexedDB.deleteDatabase(info.name));
document.cookie = 'host_visits=3; Path=/; Max-Age=3600; SameSite=Lax';
localStorage.setItem('host-theme', 'dark');
sessionStorage.setItem('host-search', 'parcs');
const open = indexedDB.open('host-db', 2);
open.onupgradeneeded = () => open.result.createObjectStore('notes', {keyPath: 'id'}).put({id: 1, text: 'brouillon'});
(await req(open)).close();
return true;
})()`

func TestR2NothingStoredBeforeAChoice(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, path := range []string{"/contact", "/demo/hostile"} {
			t.Run(strings.Trim(strings.ReplaceAll(path, "/", "-"), "-"), func(t *testing.T) {
				tb := open(t, b, path, engine.PageOptions{})
				tb.eval(hostStorageJS, nil)
				// The widget starts again on a page with no choice, after
				// the host page's own scripts.
				tb.load(path)
				require.Equal(t, "banner", tb.settledMode())
				var before storageState
				tb.eval(storageJS, &before)
				host := storageState{
					Cookies: []string{"host_visits=3"},
					Local:   map[string]string{"host-theme": "dark"},
					Session: map[string]string{"host-search": "parcs"},
					IDB: []idbState{{Name: "host-db", Version: 2, Stores: map[string][]any{
						"notes": {map[string]any{"id": 1.0, "text": "brouillon"}},
					}}},
				}
				// The hostile page's script writes keys of its own, all
				// named host-…, on every load.
				for _, m := range []struct{ seen, want map[string]string }{{before.Local, host.Local}, {before.Session, host.Session}} {
					for k, v := range m.seen {
						if _, seeded := m.want[k]; !seeded && path == "/demo/hostile" && strings.HasPrefix(k, "host-") {
							m.want[k] = v
						}
					}
				}
				assert.Equal(t, host, before, "R2: only the host's own storage after the widget started")

				// Opening and closing the preferences is no choice either.
				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				tb.click(frame(`#cc-prefs-close`))
				tb.waitMode("banner")
				var after storageState
				tb.eval(storageJS, &after)
				assert.Equal(t, before, after, "R2: browsing the preferences writes nothing")

				tb.load(path)
				require.Equal(t, "banner", tb.settledMode())
				tb.eval(storageJS, &after)
				assert.Equal(t, before, after, "R2: nor does another start of the widget")
			})
		}
	})
}

// choiceButton is one button of the first layer, as the browser draws it.
type choiceButton struct {
	Tag, Text, Action                     string
	X, Y, W, H                            float64
	Font, Size, Weight, Color, Background string
	Border, Padding, Decoration           string
	Display, Visibility, Opacity          string
	Contrast                              float64
	// Hit is true when a click at the button's centre reaches it, through
	// the host page and the frame.
	Hit bool
}

// contrastJS defines rgb, which reads a computed rgb() or rgba() colour,
// and contrast, the WCAG 2 contrast ratio of an element's text over the
// first opaque background behind it.
const contrastJS = `
const rgb = (s) => {
	const m = /^rgba?\(([^)]*)\)$/.exec(s);
	if (!m) throw new Error('colour ' + s + ' is not rgb()');
	const v = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
	return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1};
};
const luminance = (c) => {
	const ch = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
	return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
};
const background = (el) => {
	for (let e = el; e; e = e.parentElement) {
		const c = rgb(e.ownerDocument.defaultView.getComputedStyle(e).backgroundColor);
		if (c.a === 1) return c;
		if (c.a !== 0) throw new Error('translucent background on ' + e.tagName + ': blend it before measuring');
	}
	return {r: 255, g: 255, b: 255, a: 1};
};
const contrast = (el) => {
	const fg = rgb(el.ownerDocument.defaultView.getComputedStyle(el).color);
	if (fg.a !== 1) throw new Error('translucent text on ' + el.tagName);
	const a = luminance(fg), b = luminance(background(el));
	return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
};
`

// choiceButtonsJS lists every element in the first layer's action row
// (the buttons of its list, in the DSFR theme).
const choiceButtonsJS = `(() => {
` + contrastJS + `
const f = document.querySelector('civic-consent iframe'), fr = f.getBoundingClientRect();
const d = f.contentDocument;
return Array.from(d.querySelectorAll('#cc-banner .cc-actions > *, #cc-banner .cc-buttons > li > *'), (el) => {
	const cs = d.defaultView.getComputedStyle(el), r = el.getBoundingClientRect();
	const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
	const inFrame = d.elementFromPoint(cx, cy), onTop = document.elementFromPoint(fr.left + cx, fr.top + cy);
	return {
		Tag: el.tagName, Text: el.textContent.trim(), Action: el.getAttribute('data-action') || '',
		X: r.left, Y: r.top, W: r.width, H: r.height,
		Font: cs.fontFamily, Size: cs.fontSize, Weight: cs.fontWeight, Color: cs.color, Background: cs.backgroundColor,
		Border: [cs.borderTopWidth, cs.borderTopStyle, cs.borderTopColor, cs.borderTopLeftRadius].join(' '),
		Padding: [cs.paddingTop, cs.paddingRight, cs.paddingBottom, cs.paddingLeft].join(' '),
		Decoration: cs.textDecorationLine, Display: cs.display, Visibility: cs.visibility, Opacity: cs.opacity,
		Contrast: contrast(el),
		Hit: (inFrame === el || el.contains(inFrame)) && onTop === f,
	};
});
})()`

func TestR4R5R6FirstLayerButtonsAreEqual(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct {
			lang, query string
			labels      []string
		}{
			{"fr", "", []string{"Tout refuser", "Tout accepter", "Personnaliser"}},
			{"en", "?lang=en", []string{"Reject all", "Accept all", "Customise"}},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				tb := open(t, b, "/"+tt.query, engine.PageOptions{Width: 1280, Height: 800})
				require.Equal(t, "banner", tb.settledMode())
				var buttons []choiceButton
				tb.eval(choiceButtonsJS, &buttons)
				require.Len(t, buttons, 3, "R4: refuse, accept, customise and nothing else")
				var labels, actions []string
				for _, btn := range buttons {
					labels = append(labels, btn.Text)
					actions = append(actions, btn.Action)
				}
				assert.Equal(t, tt.labels, labels, "R6: clear labels")
				assert.Equal(t, []string{"refuse", "accept", "customise"}, actions)

				refuse, accept := buttons[0], buttons[1]
				require.InDelta(t, refuse.Y, accept.Y, 1, "refuse and accept share a row at 1280px")
				for _, btn := range buttons {
					assert.Equal(t, "BUTTON", btn.Tag, "R5: %q is a button, not a link", btn.Text)
					assert.True(t, btn.Hit, "R4: %q can be clicked where it is drawn", btn.Text)
					assert.NotEqual(t, "none", btn.Display, btn.Text)
					assert.Equal(t, "visible", btn.Visibility, btn.Text)
					assert.Equal(t, "1", btn.Opacity, btn.Text)
					assert.Greater(t, btn.W, 40.0, "R5: %q is not shrunk away", btn.Text)
					assert.Greater(t, btn.H, 24.0, "R5: %q is not shrunk away", btn.Text)
					assert.GreaterOrEqual(t, btn.Contrast, 4.5, "R5, R22: %q text contrast", btn.Text)
					// R5: same look as the accept button.
					assert.Equal(t, accept.Font, btn.Font, btn.Text)
					assert.Equal(t, accept.Size, btn.Size, btn.Text)
					assert.Equal(t, accept.Weight, btn.Weight, btn.Text)
					assert.Equal(t, accept.Color, btn.Color, btn.Text)
					assert.Equal(t, accept.Background, btn.Background, btn.Text)
					assert.Equal(t, accept.Border, btn.Border, btn.Text)
					assert.Equal(t, accept.Padding, btn.Padding, btn.Text)
					assert.Equal(t, accept.Decoration, btn.Decoration, btn.Text)
					if btn.Y-accept.Y < 1 && accept.Y-btn.Y < 1 {
						assert.InDelta(t, accept.W, btn.W, 1, "R5: %q has the width of %q", btn.Text, accept.Text)
						assert.InDelta(t, accept.H, btn.H, 1, "R5: %q has the height of %q", btn.Text, accept.Text)
					}
				}
				assert.GreaterOrEqual(t, refuse.Contrast, accept.Contrast, "R5: refusing is at least as visible as accepting")
			})
		}
	})
}

// widgetText returns the text of the first element matching selector in
// the widget's frame.
func (tb *tab) widgetText(selector string) string {
	tb.t.Helper()
	return tb.str(widgetDoc + `.querySelector(` + jsString(selector) + `).textContent`)
}

func TestR7InformationOnTheFirstLayerOrOneClickAway(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct {
			lang, query, changeMind, settings, policy string
		}{
			{"fr", "", "changer d'avis", "Gestion des cookies", "Charte cookies"},
			{"en", "?lang=en", "change your mind", "Cookie settings", "Cookie policy"},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				tb := open(t, b, "/contact"+tt.query, engine.PageOptions{})
				require.Equal(t, "banner", tb.settledMode())
				banner := tb.widgetText(`#cc-banner`)
				assert.Contains(t, banner, seed.Site.Intro.In(tt.lang), "the purposes, Google and what refusing means, first layer")
				assert.Contains(t, banner, "Google")
				assert.Contains(t, banner, tt.changeMind, "how to change one's mind")
				assert.Contains(t, banner, tt.settings)
				var link struct{ Href, Target, Text string }
				tb.eval(`(() => { const a = `+widgetDoc+`.querySelector('#cc-banner a[href]'); return {Href: a.getAttribute('href'), Target: a.target, Text: a.textContent}; })()`, &link)
				assert.Equal(t, struct{ Href, Target, Text string }{seed.Site.PolicyURL.In(tt.lang), "_top", tt.policy}, link, "the policy, on the first layer")

				// One click away: every purpose, each recipient with its
				// privacy policy, what refusing each means.
				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				prefs := tb.widgetText(`#cc-prefs`)
				for _, cat := range seed.Categories {
					assert.Contains(t, prefs, cat.Title.In(tt.lang), "purpose %s", cat.ID)
					assert.Contains(t, prefs, cat.Description.In(tt.lang), "purpose %s", cat.ID)
					if !cat.Necessary {
						require.NotEmpty(t, cat.Refusal.In(tt.lang), "the seed says what refusing %s means", cat.ID)
						assert.Contains(t, prefs, cat.Refusal.In(tt.lang), "what refusing %s means", cat.ID)
					}
				}
				assert.Contains(t, prefs, tt.changeMind)
				for _, svc := range seed.Services {
					assert.Contains(t, prefs, svc.Provider, "recipient of %s", svc.ID)
					if svc.PrivacyURL == "" {
						continue
					}
					var a []struct{ Text, Target, Rel string }
					tb.eval(`Array.from(`+widgetDoc+`.querySelectorAll('#cc-prefs a[href=`+jsString(svc.PrivacyURL)+`]'),
						(a) => ({Text: a.textContent, Target: a.target, Rel: a.rel}))`, &a)
					require.Len(t, a, 1, "a link to %s's privacy policy", svc.Provider)
					assert.Contains(t, a[0].Text, svc.Provider)
					assert.Equal(t, "_blank", a[0].Target, "it opens outside the small frame")
					assert.Contains(t, a[0].Rel, "noopener")
				}
			})
		}
	})
}

func TestR7PolicyLinkOpensInTheTopPage(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		before := tb.num(`history.length`)
		tb.click(frame(`#cc-banner a[href="/charte-cookies"]`))
		// A link opened in the frame or in a new window would leave the top
		// page where it is.
		tb.arrive("/charte-cookies")
		assert.Equal(t, before+1, tb.num(`history.length`), "the same tab navigated")
		assert.Equal(t, "banner", tb.settledMode(), "R3: reading the policy is not a choice")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('article.policy').length`))
		_, stored := tb.consentCookie()
		assert.False(t, stored)
		assertNothingLoaded(t, tb, "after reading the policy")
	})
}

func TestR8NothingPreTicked(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ name, open string }{
			{"customise", "customise"},
			{"page-api", "api"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tb := open(t, b, "/contact", engine.PageOptions{})
				require.Equal(t, "banner", tb.settledMode())
				if tt.open == "api" {
					tb.eval(`window.civicConsent.open()`, nil)
				} else {
					tb.click(frame(`#cc-banner [data-action=customise]`))
				}
				tb.waitMode("modal")
				assert.Equal(t, allOff(), tb.toggles(), "R8: every optional toggle starts off")
				var necessaryToggles int
				tb.eval(`Array.from(`+widgetDoc+`.querySelectorAll('.cc-category')).filter((s) => s.querySelector('.cc-locked') && s.querySelector('[role=switch], [role=checkbox], input')).length`, &necessaryToggles)
				assert.Zero(t, necessaryToggles, "necessary purposes are shown as always on, not as a switch")
			})
		}
	})
}

// unreachableJS lists the page's visible controls that no scroll position
// brings out from under the widget's frame: for each, it looks for a scroll
// position that puts the control's centre in a band of the viewport the
// frame leaves free (above it or below it), scrolls there and checks that a
// click at the centre reaches the control. It puts the scroll back.
const unreachableJS = `(() => {
const f = document.querySelector('civic-consent iframe'), sb = document.querySelector('civic-consent-button');
// The frame, or the loader's frame-less button; fixed: the same at every scroll position.
const cover = (f || sb.shadowRoot.querySelector('.cc-fab')).getBoundingClientRect();
const se = document.scrollingElement || document.documentElement;
const vh = window.innerHeight, max = Math.max(0, se.scrollHeight - vh), start = window.scrollY;
const describe = (el) => el.tagName.toLowerCase() + ' ' + JSON.stringify((el.textContent || el.name || el.id || '').trim().slice(0, 30)) + (el.getAttribute('href') ? ' ' + el.getAttribute('href') : '');
const out = [];
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select')) {
	if (el.closest('civic-consent')) continue;
	const r0 = el.getClientRects()[0];
	if (!r0 || r0.width === 0 || r0.height === 0) continue; // not drawn: the page's own choice
	const top = r0.top + window.scrollY, cx = r0.left + r0.width / 2, cy = top + r0.height / 2;
	if (top + r0.height <= 0 || r0.right + window.scrollX <= 0) continue; // drawn off the page until focused, like a skip link
	const under = cover.width > 0 && cover.height > 0 && cx >= cover.left && cx <= cover.right;
	const bands = under ? [[0, Math.min(vh, cover.top)], [Math.max(0, cover.bottom), vh]] : [[0, vh]];
	let y = -1;
	for (const [lo, hi] of bands) {
		if (hi <= lo) continue;
		const at = Math.min(max, Math.max(0, cy - (lo + hi) / 2));
		if (cy - at >= lo && cy - at < hi) { y = at; break; }
	}
	if (y < 0) { out.push(describe(el) + ': under the widget at every scroll position'); continue; }
	window.scrollTo({top: y, left: window.scrollX, behavior: 'instant'});
	const r = el.getClientRects()[0], hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	if (hit !== el && !el.contains(hit)) out.push(describe(el) + ': covered by ' + (hit ? hit.tagName.toLowerCase() : 'nothing'));
}
window.scrollTo({top: start, left: window.scrollX, behavior: 'instant'});
return out;
})()`

func TestR9NoCookieWall(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ name, mode string }{
			{"ignored", "banner"},
			{"refused", "button"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tb := open(t, b, "/", engine.PageOptions{})
				if tt.mode == "button" {
					tb.click(frame(`#cc-banner [data-action=refuse]`))
					tb.waitMode("button")
				}
				// Links navigate, from page to page, and every control of
				// each page can be reached.
				steps := []struct{ link, to string }{
					{`nav.site-nav a[href="/contact"]`, "/contact"},
					{`nav.site-nav a[href="/charte-cookies"]`, "/charte-cookies"},
					{`nav.site-nav a[href="/demo/hostile"]`, "/demo/hostile"},
					// Not the hostile page's own body links: unstyled, they
					// wrap, and engine.Click aims at the centre of the box
					// around both lines, which is outside either.
					{`nav.site-nav a[href="/"]`, "/"},
				}
				for _, s := range steps {
					tb.click(s.link)
					tb.arrive(s.to)
					assert.Equal(t, tt.mode, tb.settledMode(), s.to)
				}
				for _, p := range demoPages {
					tb.load(p.path)
					require.Equal(t, tt.mode, tb.settledMode())
					var unreachable []string
					tb.eval(unreachableJS, &unreachable)
					assert.Empty(t, unreachable, "R9: %s: controls the widget covers whatever the scroll", p.path)
				}

				// The contact form works without reCAPTCHA.
				tb.load("/contact")
				require.Equal(t, tt.mode, tb.settledMode())
				tb.eval(`(() => {
					document.getElementById('contact-name').value = 'Camille';
					document.getElementById('contact-email').value = 'camille@example.fr';
					document.getElementById('contact-message').value = 'Bonjour';
				})()`, nil)
				tb.click(`#main form button[type=submit]`)
				tb.waitFor(`document.querySelector('h1') && document.querySelector('h1').textContent === 'Message reçu'`)
				assert.Contains(t, tb.str(`document.querySelector('main').textContent`), "Merci Camille")
			})
		}
	})
}

func TestR10R11R12ChoiceIsRecordedInFull(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct {
			name, control string
			allowed       bool
		}{
			{"refuse", `#cc-banner [data-action=refuse]`, false},
			{"accept", `#cc-banner [data-action=accept]`, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tb := open(t, b, "/contact", engine.PageOptions{})
				before := time.Now().Truncate(time.Second)
				tb.click(frame(tt.control))
				tb.waitMode("button")
				after := time.Now()

				c, ok := tb.consentCookie()
				require.True(t, ok)
				rec, err := consent.DecodeRecord(c.Value, seed, time.Now())
				require.NoError(t, err, "R12: a valid consent record")
				assert.Equal(t, rec.Encode(), c.Value, "stored in its canonical form")
				assert.Equal(t, map[string]bool{"contact": tt.allowed}, rec.Categories, "R12: yes or no per purpose")
				assert.Equal(t, map[string]bool{"recaptcha": tt.allowed}, rec.Services)
				assert.Equal(t, seed.Revision(), rec.Revision, "R12, R13: the revision answered")
				assert.Regexp(t, `^[A-Za-z0-9_-]{16}$`, rec.ID, "R12: a consent id")
				assert.False(t, rec.Time.Before(before), "R12: the time of the choice, %s, not before the click at %s", rec.Time, before)
				assert.False(t, rec.Time.After(after), "R12: the time of the choice, %s, not after %s", rec.Time, after)
				// R11: Max-Age of 183 days from when the cookie was set.
				life := time.Duration(consent.DefaultMaxAgeDays) * 24 * time.Hour
				assert.WithinRange(t, c.Expires, before.Add(life-time.Second), after.Add(life+time.Second), "R11: about six months")

				// R10: remembered on every page, and not rewritten.
				for _, p := range demoPages {
					tb.load(p.path)
					assert.Equal(t, "button", tb.settledMode(), "R10: %s", p.path)
				}
				again, _ := tb.consentCookie()
				assert.Equal(t, c.Value, again.Value, "visits do not rewrite the record")

				// A new choice is a new record with its own id.
				tb.clickFab()
				tb.waitMode("modal")
				tb.click(frame(`.cc-prefs [data-action=accept]`))
				tb.waitMode("button")
				next := tb.record()
				assert.NotEqual(t, rec.ID, next.ID, "each choice has its own consent id")
				assert.False(t, next.Time.Before(rec.Time))
				assert.Equal(t, map[string]bool{"recaptcha": true}, next.Services)
			})
		}
	})
}

func TestR14PreferencesOneActionAwayOnEveryPage(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		tb.click(frame(`#cc-banner [data-action=refuse]`))
		tb.waitMode("button")
		closePrefs := func() {
			tb.click(frame(`#cc-prefs-close`))
			tb.waitMode("button")
		}
		for _, p := range demoPages {
			tb.load(p.path)
			require.Equal(t, "button", tb.settledMode(), p.path)

			tb.clickFab()
			tb.waitMode("modal")
			closePrefs()

			tb.click(p.control)
			tb.waitMode("modal")
			assert.Equal(t, p.path, tb.str(`location.pathname`), "%s: the page's control opens the preferences, nothing else", p.path)
			closePrefs()

			// By keyboard: the page's control, focused, and Enter.
			var focused bool
			tb.eval(`(() => { const el = document.querySelector(`+jsString(p.control)+`); el.focus(); return document.activeElement === el; })()`, &focused)
			require.True(t, focused, "%s: the page's control takes focus", p.path)
			require.NoError(t, tb.Press("Enter"))
			tb.waitMode("modal")
			assert.Equal(t, p.path, tb.str(`location.pathname`), p.path)
			closePrefs()
		}
	})
}

func TestR17PlaceholderOffersAllowAndAnotherWayToWrite(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ lang, query, allow string }{
			{"fr", "", "Autoriser"},
			{"en", "?lang=en", "Allow"},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				var ph struct {
					Buttons []string
					Contact string
					Before  bool
					Height  float64
				}
				tb := open(t, b, "/contact"+tt.query, engine.PageOptions{})
				check := func(when string) {
					t.Helper()
					tb.eval(`(() => {
						const p = document.querySelector('civic-consent-placeholder'), root = p.shadowRoot;
						return {
							Buttons: Array.from(root.querySelectorAll('button'), (b) => b.textContent.trim()),
							Contact: root.querySelector('.cc-placeholder-contact').textContent,
							Before: p.nextElementSibling === document.querySelector('.g-recaptcha'),
							Height: p.getBoundingClientRect().height,
						};
					})()`, &ph)
					assert.Equal(t, []string{tt.allow}, ph.Buttons, "%s: an allow button", when)
					assert.Contains(t, ph.Contact, seed.Site.Contact.In(tt.lang), "%s: the catalogue's address", when)
					assert.True(t, ph.Before, "%s: in place of the captcha", when)
					assert.Positive(t, ph.Height, "%s: shown", when)
				}
				check("ignored")
				tb.click(frame(`#cc-banner [data-action=refuse]`))
				tb.waitMode("button")
				check("refused")

				tb.eval(`document.querySelector('civic-consent-placeholder').shadowRoot.querySelector('button').click()`, nil)
				tb.waitFor(`window.recaptchaRuns === 1`)
				assert.Equal(t, map[string]bool{"recaptcha": true}, tb.record().Services)
			})
		}
	})
}

func TestR18PolicyAndPreferencesListEveryCookie(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ lang, query, required, exempt string }{
			{"fr", "", "Soumis à votre consentement", "Exempté de consentement"},
			{"en", "?lang=en", "Requires your consent", "Exempt from consent"},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				tb := open(t, b, "/charte-cookies"+tt.query, engine.PageOptions{})
				// The policy page: provider, service, cookie, purpose,
				// lifetime, consent.
				var policy [][]string
				tb.eval(`Array.from(document.querySelectorAll('article.policy tbody tr'), (tr) => Array.from(tr.cells, (td) => td.textContent.trim()))`, &policy)
				// The preferences: the same, per category, under the
				// category's switch or its "always on" mark.
				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				var prefs []struct {
					Cells     []string
					Switch    bool
					Necessary bool
				}
				tb.eval(`Array.from(`+widgetDoc+`.querySelectorAll('#cc-prefs .cc-table tbody tr'), (tr) => {
					const cat = tr.closest('.cc-category');
					return {Cells: Array.from(tr.cells, (td) => td.textContent.trim()),
						Switch: !!cat.querySelector('.cc-category-head [role=switch], .cc-category-head [role=checkbox]'),
						Necessary: !!cat.querySelector('.cc-category-head .cc-locked')};
				})`, &prefs)

				count := 0
				for _, svc := range seed.Services {
					cat, _ := seed.Category(svc.Category)
					for _, c := range svc.Cookies {
						count++
						var row []string
						for _, r := range policy {
							if len(r) == 6 && strings.HasPrefix(r[2], c.Name) {
								row = r
							}
						}
						if assert.NotNil(t, row, "policy page lists %s", c.Name) {
							consentCell := tt.exempt
							if !cat.Necessary {
								consentCell = tt.required
							}
							assert.Equal(t, []string{svc.Provider, svc.Name.In(tt.lang), row[2], c.Purpose.In(tt.lang), c.Lifetime.In(tt.lang), consentCell}, row, c.Name)
						}
						found := false
						for _, r := range prefs {
							if len(r.Cells) == 5 && r.Cells[2] == c.Name {
								found = true
								assert.Equal(t, []string{svc.Provider, svc.Name.In(tt.lang), c.Name, c.Purpose.In(tt.lang), c.Lifetime.In(tt.lang)}, r.Cells, c.Name)
								assert.Equal(t, !cat.Necessary, r.Switch, "%s: needs consent, so under a switch", c.Name)
								assert.Equal(t, cat.Necessary, r.Necessary, "%s: exempt, so always on", c.Name)
							}
						}
						assert.True(t, found, "the preferences list %s", c.Name)
					}
				}
				assert.Len(t, policy, count, "the policy page lists exactly the catalogue's cookies")
				assert.Len(t, prefs, count, "the preferences list exactly the catalogue's cookies")
			})
		}
	})
}

func TestR19GoogleNoticeNextToTheForm(t *testing.T) {
	seed := consent.Seed()
	svc, ok := seed.Service("recaptcha")
	require.True(t, ok)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, lang := range []string{"fr", "en"} {
			t.Run(lang, func(t *testing.T) {
				tb := open(t, b, "/contact?lang="+lang, engine.PageOptions{})
				tb.click(frame(`#cc-banner [data-action=accept]`))
				tb.waitFor(`window.recaptchaRuns === 1`)
				type link struct{ Href, Text string }
				var notice struct {
					Text    string
					Links   []link
					After   bool
					InForm  bool
					Visible bool
				}
				tb.eval(`(() => {
					const n = document.querySelectorAll('[data-consent-part=notice]');
					if (n.length !== 1) throw new Error(n.length + ' notices');
					const p = n[0], r = p.getBoundingClientRect();
					return {Text: p.innerText, Links: Array.from(p.querySelectorAll('a'), (a) => ({Href: a.href, Text: a.textContent})),
						After: document.querySelector('.g-recaptcha').nextElementSibling === p,
						InForm: p.closest('form') === document.querySelector('#main form'),
						Visible: r.width > 0 && r.height > 0 && getComputedStyle(p).visibility === 'visible'};
				})()`, &notice)
				assert.True(t, strings.HasPrefix(notice.Text, svc.Loader.Notice.In(lang)), "R19: Google's notice, got %q", notice.Text)
				var want []link
				for _, l := range svc.Loader.NoticeLinks {
					want = append(want, link{l.URL, l.Text.In(lang)})
				}
				require.Len(t, want, 2, "the seed's notice links Google's privacy policy and terms")
				assert.Equal(t, want, notice.Links, "R19: both links")
				assert.True(t, notice.After, "right after the captcha")
				assert.True(t, notice.InForm, "in the form")
				assert.True(t, notice.Visible)
			})
		}
	})
}
