package gate

import (
	"bytes"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/app"
	"github.com/civic-consent/consent/wasm/dom"
	"github.com/civic-consent/consent/wasm/dom/domtest"
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

// pageURL is where the test pages are.
const pageURL = "https://data.example.fr/contact"

// contactPage is the seed's contact page: a form with Google's element.
const contactPage = `<!doctype html><html lang="fr"><head><title>Contact</title></head><body><main>` +
	`<form id="form"><div class="g-recaptcha" data-sitekey="k"></div></form></main></body></html>`

// fixtureNonce is the nonce of the loader's script tag in the tests.
const fixtureNonce = "n0nce"

// testCatalogue is the seed's catalogue plus an optional "video" category
// with a "vimeo" service, which has no loader: it is used through markup,
// with one script of the site.
func testCatalogue(t *testing.T) *consent.Catalogue {
	t.Helper()
	c := consent.Seed()
	video := c.Categories[1]
	video.ID = "video"
	video.Title = consent.Text{"fr": "Vidéos", "en": "Videos"}
	c.Categories = append(c.Categories, video)
	c.Services = append(c.Services, consent.Service{
		ID: "vimeo", Category: "video", Provider: "Vimeo",
		Name:       consent.Text{"fr": "Vidéos des rencontres", "en": "Event videos"},
		PrivacyURL: "https://vimeo.com/privacy",
		Scripts:    []string{"/lib.js"},
		Cookies: []consent.Cookie{
			{Name: "vuid", Purpose: consent.Text{"fr": "x", "en": "x"}, Lifetime: consent.Text{"fr": "x", "en": "x"}, ThirdParty: true},
			{Name: "player_pref", Purpose: consent.Text{"fr": "x", "en": "x"}, Lifetime: consent.Text{"fr": "x", "en": "x"}},
		},
	})
	require.NoError(t, c.Validate())
	return c
}

// fixture is a Page on a domtest document.
type fixture struct {
	t    *testing.T
	doc  *domtest.Document
	log  *domtest.Console
	page *Page
	cat  *consent.Catalogue
	// changes are the decisions Changed was called with, after each.
	changes []consent.Decision
	// gtag holds the Consent Mode commands sent.
	gtag []map[string]string
}

// newFixture binds a Page to the document of page, with the test catalogue
// in French; edit, when given, changes the Config first.
func newFixture(t *testing.T, page string, edit ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, doc: domtest.MustParse(pageURL, page), log: &domtest.Console{}, cat: testCatalogue(t)}
	cfg := Config{
		Document: f.doc, Console: f.log, Catalogue: f.cat,
		Parts: &testParts{doc: f.doc, cat: f.cat, lang: "fr"},
		Nonce: fixtureNonce,
		Now:   func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) },
		// Twelve zero bytes: the id AAAAAAAAAAAAAAAA, made again each time.
		Random:  bytes.NewReader(make([]byte, 1200)),
		Changed: func(_, after consent.Decision) { f.changes = append(f.changes, after) },
		Gtag: func(command, action string, state map[string]string) error {
			f.gtag = append(f.gtag, state)
			return nil
		},
	}
	for _, e := range edit {
		e(&cfg)
	}
	f.page = New(cfg)
	return f
}

// allowing returns the choice that allows exactly the given services.
func allowing(ids ...string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// count returns how many elements of the document match selector.
func (f *fixture) count(selector string) int {
	f.t.Helper()
	els, err := f.doc.QueryAll(selector)
	require.NoError(f.t, err)
	return len(els)
}

// one returns the one element matching selector.
func (f *fixture) one(selector string) *domtest.Element {
	f.t.Helper()
	els, err := f.doc.QueryAll(selector)
	require.NoError(f.t, err)
	require.Len(f.t, els, 1, selector)
	return els[0].(*domtest.Element)
}

// attr returns an attribute of the one element matching selector.
func (f *fixture) attr(selector, name string) string {
	f.t.Helper()
	v, _ := f.one(selector).Attr(name)
	return v
}

// shadow returns the shadow root of the one element matching selector.
func (f *fixture) shadow(selector string) *domtest.Element {
	f.t.Helper()
	root := f.one(selector).Shadow()
	require.NotNil(f.t, root, "%s has no shadow root", selector)
	return root
}

// testParts renders the prerendered pieces with the app's components, as
// the build does, into the test document.
type testParts struct {
	doc    *domtest.Document
	cat    *consent.Catalogue
	lang   string
	styled int
}

func (p *testParts) Placeholder(id string) (dom.Element, error) {
	return p.doc.Fragment(goapp.HTMLString(&app.Placeholder{Catalogue: p.cat, Lang: p.lang, ID: id}))
}

func (p *testParts) Notice(serviceID string) (dom.Element, error) {
	svc, ok := p.cat.Service(serviceID)
	if !ok || svc.Loader == nil || svc.Loader.Notice.In(p.lang) == "" {
		return nil, nil
	}
	return p.doc.Fragment(goapp.HTMLString(&app.Notice{Service: svc, Lang: p.lang}))
}

func (p *testParts) Style(dom.Element) error {
	p.styled++
	return nil
}
