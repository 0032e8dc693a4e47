package app

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/frame"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a Host that keeps what the widget asked of it.
type recorder struct {
	choices []Choice
	shows   [][2]frame.View
	err     error
}

func (r *recorder) Record(c Choice) error {
	r.choices = append(r.choices, c)
	return r.err
}

func (r *recorder) Show(from, to frame.View) { r.shows = append(r.shows, [2]frame.View{from, to}) }

func mount(t *testing.T, s *Session, h Host) (*Widget, app.TestEngine) {
	t.Helper()
	w := &Widget{Session: s, Host: h}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(w))
	e.ConsumeAll()
	return w, e
}

func TestWidgetMountsTheView(t *testing.T) {
	s := firstVisit(t)
	s.OpenPreferences()
	w, _ := mount(t, s, &recorder{})
	require.NoError(t, app.TestMatch(w, app.TestUIDescriptor{
		Path:     app.TestPath(0),
		Expected: app.Div().Class("cc-root").DataSet("view", "modal"),
	}))
	require.NoError(t, app.TestMatch(w, app.TestUIDescriptor{
		Path:     app.TestPath(0, 0, 0),
		Expected: app.Div().Class("cc-backdrop"),
	}))
}

func TestOpenFromThePage(t *testing.T) {
	w, _ := mount(t, firstVisit(t), &recorder{})
	w.Open()
	assert.Equal(t, frame.ViewPreferences, w.Session.View)
}

func TestAChoiceStoredElsewhereReplacesTheFirstLayer(t *testing.T) {
	h := &recorder{}
	w, e := mount(t, firstVisit(t), h)
	w.Stored(map[string]bool{"recaptcha": true}, "AAAAAAAAAAAAAAAA")
	e.ConsumeAll()
	assert.Empty(t, h.choices, "the page program stored it already")
	assert.Equal(t, frame.ViewButton, w.Session.View)
	assert.True(t, w.Session.ServiceOn("recaptcha"))
	assert.Equal(t, "AAAAAAAAAAAAAAAA", w.Session.RecordID)
}

func TestOpenBeforeMountStartsOnPreferences(t *testing.T) {
	w := &Widget{Session: firstVisit(t), Host: &recorder{}}
	w.Open()
	assert.Equal(t, frame.ViewPreferences, w.Session.View)
}

func TestFailedSaveIsShown(t *testing.T) {
	h := &recorder{err: errors.New("cookies blocked")}
	w, _ := mount(t, firstVisit(t), h)
	w.Replay(contract.ActionAccept)
	require.True(t, w.failed)
	html := app.HTMLString(&Widget{Session: w.Session, failed: w.failed})
	assert.Contains(t, html, "n&#39;a pas pu être enregistré")
	assert.Contains(t, html, `role="alert"`)
}

func TestR5R6FirstLayerButtons(t *testing.T) {
	for lang, want := range map[string][]string{
		"fr": {"Tout refuser", "Tout accepter", "Personnaliser"},
		"en": {"Reject all", "Accept all", "Customise"},
	} {
		c := consent.Seed()
		s := NewSession(c, lang, consent.Decide(c, "", now, false))
		html := app.HTMLString(&Widget{Session: s})
		// Each choice is the same element with the same class: no visual
		// steering (R5).
		buttons := regexp.MustCompile(`<button[^>]*class="cc-btn"[^>]*>([^<]*)</button>`).FindAllStringSubmatch(html, -1)
		require.Len(t, buttons, 3, lang)
		for i, label := range want {
			assert.Equal(t, label, buttons[i][1], lang)
		}
		assert.Contains(t, html, `role="dialog"`)
		assert.Contains(t, html, `aria-labelledby="cc-banner-title"`)
		// R7: the policy is one click away, in the top page.
		link := regexp.MustCompile(`<a [^>]*>`).FindString(html)
		assert.Contains(t, link, `href="/charte-cookies"`)
		assert.Contains(t, link, `target="_top"`)
	}
}

func TestR7R18PreferencesSayEverything(t *testing.T) {
	s := firstVisit(t)
	s.OpenPreferences()
	html := app.HTMLString(&Widget{Session: s})
	c := s.Catalogue
	for _, svc := range c.Services {
		for _, ck := range svc.Cookies {
			assert.Contains(t, html, "<code>"+ck.Name+"</code>")
			assert.Contains(t, html, app.HTMLString(app.Text(ck.Purpose.In("fr"))))
			assert.Contains(t, html, ck.Lifetime.In("fr"))
		}
	}
	assert.Contains(t, html, `href="https://policies.google.com/privacy"`, "R7: who receives the data, with their policy")
	assert.Contains(t, html, "Destinataire des données : Google ReCaptcha.")
	cat, _ := c.Category("contact")
	assert.Contains(t, html, app.HTMLString(app.Text(cat.Refusal.In("fr"))), "R7: what refusing means")
	assert.Contains(t, html, "Toujours actifs", "the necessary category is shown locked on")
	assert.Regexp(t, ariaTrue("modal"), html)
	assert.Contains(t, html, "Enregistrer mes choix")
}

func TestR8R21TogglesExposeTheirState(t *testing.T) {
	s := firstVisit(t)
	s.OpenPreferences()
	html := app.HTMLString(&Widget{Session: s})
	assert.Contains(t, html, `id="cc-toggle-contact"`)
	assert.Contains(t, html, `id="cc-toggle-svc-recaptcha"`)
	assert.NotRegexp(t, ariaTrue("checked"), html, "R8: nothing starts on")
	assert.Equal(t, 2, strings.Count(html, `role="switch"`))

	s.SetService("recaptcha", true)
	html = app.HTMLString(&Widget{Session: s})
	assert.Len(t, ariaTrue("checked").FindAllString(html, -1), 2)
}

// ariaTrue matches an aria attribute set to "true". go-app's HTML encoder
// writes a "true" value as a bare attribute (the live DOM gets "true").
func ariaTrue(name string) *regexp.Regexp {
	return regexp.MustCompile(`aria-` + name + `(="true")?[ >]`)
}

func TestPersistentButton(t *testing.T) {
	s := firstVisit(t)
	s.RefuseAll()
	html := app.HTMLString(&Widget{Session: s})
	assert.Contains(t, html, `class="cc-fab"`)
	assert.Contains(t, html, ">Gestion des cookies</button>", "R14")
}

// A choice clicked on the prerendered first layer before the wasm ran is
// replayed as the click would have been handled, failure included.
func TestReplayedChoiceThatFailsShowsTheError(t *testing.T) {
	for _, action := range []string{contract.ActionAccept, contract.ActionRefuse} {
		t.Run(action, func(t *testing.T) {
			h := &recorder{err: errors.New("cookies blocked")}
			s := firstVisit(t)
			w := &Widget{Session: s, Host: h}
			w.Replay(action)
			require.Len(t, h.choices, 1, "the replayed choice reaches the host")
			assert.Equal(t, action == contract.ActionAccept, h.choices[0].Allowed("recaptcha"))
			e := app.NewTestEngine()
			require.NoError(t, e.Load(w))
			e.ConsumeAll()
			assert.Contains(t, app.HTMLString(w), "cc-error", "the visitor sees that the choice was not saved")
		})
	}
}

func TestReplayOpensThePreferences(t *testing.T) {
	for _, action := range []string{contract.ActionCustomise, contract.ActionOpen} {
		s := firstVisit(t)
		w := &Widget{Session: s, Host: &recorder{}}
		w.Replay(action)
		assert.Equal(t, frame.ViewPreferences, s.View, action)
	}
	s := firstVisit(t)
	(&Widget{Session: s, Host: &recorder{}}).Replay("unknown")
	assert.Equal(t, frame.ViewBanner, s.View, "an unknown action changes nothing")
}

// TestLabelsFollowTheCatalogue renders the widget and the policy page of a
// catalogue in German (built in) whose labels change one German button, and
// whose policy page differs by language.
func TestLabelsFollowTheCatalogue(t *testing.T) {
	c := consent.Seed()
	for _, text := range []consent.Text{c.Site.Name, c.Site.Contact, c.Site.Intro} {
		text["de"] = text["en"]
	}
	c.Labels = map[string]consent.LabelSet{"de": {consent.LabelCustomise: "Auswählen"}}
	c.Site.PolicyURL = consent.LangURL{ByLang: map[string]string{"fr": "/charte-cookies", "en": "/en/cookies", "de": "/de/cookies"}}

	s := NewSession(c, "de", consent.Decide(c, "", now, false))
	html := app.HTMLString(&Widget{Session: s})
	buttons := regexp.MustCompile(`<button[^>]*class="cc-btn"[^>]*>([^<]*)</button>`).FindAllStringSubmatch(html, -1)
	require.Len(t, buttons, 3)
	assert.Equal(t, []string{"Alle ablehnen", "Alle akzeptieren", "Auswählen"}, []string{buttons[0][1], buttons[1][1], buttons[2][1]})
	link := regexp.MustCompile(`<a [^>]*>([^<]*)</a>`).FindStringSubmatch(html)
	require.NotNil(t, link)
	assert.Contains(t, link[0], `href="/de/cookies"`)
	assert.Equal(t, "Cookie-Richtlinie", link[1])

	en := app.HTMLString(&Widget{Session: NewSession(c, "en", consent.Decide(c, "", now, false))})
	assert.Contains(t, en, `href="/en/cookies"`)

	policy := app.HTMLString(&PolicyPage{Catalogue: c, Lang: "de"})
	assert.Contains(t, policy, "<h1>Cookie-Richtlinie</h1>")
	assert.Contains(t, policy, "Erfordert Ihre Einwilligung")
	assert.Contains(t, policy, "(Drittanbieter-Cookie)")
}

// TestPreferencesShowTheReceiptID: where the site keeps receipts, the
// visitor finds the id of their choice in the preferences, to quote to the
// DPO; before any choice, or without receipts, there is none to show.
func TestPreferencesShowTheReceiptID(t *testing.T) {
	c := consent.Seed()
	require.NotEmpty(t, c.Site.Receipts, "the seed keeps receipts")
	rec := consent.AcceptAll(c, now.Add(-time.Hour), "7vN_2kQ-xYb0LmPa")
	s := NewSession(c, "fr", consent.Decide(c, "cookies_preferences="+rec.Encode(), now, false))
	s.OpenPreferences()
	html := app.HTMLString(&Widget{Session: s})
	assert.Contains(t, html, "à citer au délégué à la protection des données : 7vN_2kQ-xYb0LmPa")

	s.RecordID = "AAAAAAAAAAAAAAAA" // a new choice, as the host sets it
	assert.Contains(t, app.HTMLString(&Widget{Session: s}), "AAAAAAAAAAAAAAAA")

	first := firstVisit(t)
	first.OpenPreferences()
	assert.NotContains(t, app.HTMLString(&Widget{Session: first}), `id="cc-receipt"`, "no choice yet")

	c.Site.Receipts = ""
	s = NewSession(c, "en", consent.Decide(c, "cookies_preferences="+consent.AcceptAll(c, now.Add(-time.Hour), "7vN_2kQ-xYb0LmPa").Encode(), now, false))
	s.OpenPreferences()
	assert.NotContains(t, app.HTMLString(&Widget{Session: s}), "7vN_2kQ-xYb0LmPa", "no receipts, no reference to quote")
}
