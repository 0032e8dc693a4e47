package e2e

import (
	"strings"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
