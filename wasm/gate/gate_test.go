package gate

import (
	"errors"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/dom/domtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestR1FirstVisitAsksAndLoadsNothing(t *testing.T) {
	f := newFixture(t, contactPage)
	d := f.page.Start()
	assert.True(t, d.Ask)
	assert.Zero(t, f.count("script"), "no loader before a choice")
	assert.Equal(t, 1, f.count("civic-consent-placeholder[data-consent-service=recaptcha]"), "R17: the form's placeholder")
	header, _ := f.doc.Cookie()
	assert.Empty(t, header, "R2: nothing stored before a choice")
}

func TestR10R12RecordStoresTheWholeChoiceAndAppliesIt(t *testing.T) {
	f := newFixture(t, contactPage)
	f.page.Start()
	require.NoError(t, f.page.Record(f.page.AllowAll()))

	header, err := f.doc.Cookie()
	require.NoError(t, err)
	value, found, err := consent.RecordFromCookieHeader(header)
	require.NoError(t, err)
	require.True(t, found)
	rec, err := consent.DecodeRecord(value, f.cat, f.page.now())
	require.NoError(t, err, "R12: a complete record of this revision")
	assert.Equal(t, map[string]bool{"recaptcha": true, "vimeo": true}, rec.Services)
	assert.Equal(t, "AAAAAAAAAAAAAAAA", rec.ID)

	assert.Equal(t, 1, f.count(`head > script[data-consent-service=recaptcha][data-consent-part=loader]`))
	script := f.one(`head > script[data-consent-service=recaptcha]`)
	assert.Equal(t, []string{"src https://www.google.com/recaptcha/api.js"}, script.Trusted, "the URL goes through the page's Trusted Types policy")
	assert.True(t, script.Async())
	assert.Zero(t, f.count("civic-consent-placeholder"))
	require.Len(t, f.changes, 1, "the views hear of the choice")
	assert.True(t, f.changes[0].Allowed("recaptcha"))
	require.Len(t, f.doc.Events, 1)
	assert.Equal(t, "consent:change", f.doc.Events[0].Name)
	assert.Equal(t, true, f.doc.Events[0].Detail["current"].(map[string]any)["services"].(map[string]any)["recaptcha"])
}

func TestAllowedServiceLoadsOnceWithItsNotice(t *testing.T) {
	f := newFixture(t, contactPage)
	f.page.Start()
	require.NoError(t, f.page.Record(allowing("recaptcha")))
	require.NoError(t, f.page.Record(allowing("recaptcha")))
	f.page.Start()
	assert.Equal(t, 1, f.count(`head > script[data-consent-service=recaptcha]`), "the loader is appended exactly once")
	assert.Equal(t, 1, f.count(`.g-recaptcha + p[data-consent-part=notice]`), "R19: the notice follows the form's element")
	notice := f.one(`[data-consent-part=notice]`)
	text := strings.Join(strings.Fields(notice.Text()), " ")
	assert.True(t, strings.HasPrefix(text, "Ce site est protégé par reCAPTCHA"), text)
	assert.Equal(t, 2, f.count(`[data-consent-part=notice] a[href^="https://policies.google.com/"]`), "R19: both links")
}

func TestServiceWithAPlaceholderLoadsOnlyWhereItHasOne(t *testing.T) {
	f := newFixture(t, `<html><head></head><body><main>Accueil</main></body></html>`)
	f.page.Start()
	require.NoError(t, f.page.Record(f.page.AllowAll()))
	assert.Zero(t, f.count("script"), "no form, no reCAPTCHA")
}

func TestR17PlaceholderAllowsItsCategory(t *testing.T) {
	f := newFixture(t, contactPage)
	f.page.Start()
	f.page.Start()
	assert.Equal(t, 1, f.count(`civic-consent-placeholder[data-consent-service=recaptcha]`), "one placeholder, however often applied")
	box := f.one("civic-consent-placeholder")
	assert.True(t, box.Shadow() != nil)
	text := f.shadow("civic-consent-placeholder").Text()
	assert.Contains(t, text, "Ce contenu utilise Google ReCaptcha")
	assert.Contains(t, text, "Autoriser")
	assert.Contains(t, text, "Saint-Maur-des-Fossés", "R17: another way to get in touch")
	assert.NotContains(t, text, "Voir ce contenu", "no link for a form")

	buttons, err := f.shadow("civic-consent-placeholder").QueryAll("button")
	require.NoError(t, err)
	require.Len(t, buttons, 1)
	buttons[0].(interface{ Fire(string) }).Fire("click")
	assert.Equal(t, 1, f.count(`head > script[data-consent-service=recaptcha]`), "Autoriser allows the contact category")
	assert.Zero(t, f.count("civic-consent-placeholder"))
	require.Len(t, f.changes, 1)
	assert.False(t, f.changes[0].Allowed("vimeo"), "and nothing else")
}

func TestR17AllowCategoryKeepsTheRestOfTheChoice(t *testing.T) {
	f := newFixture(t, contactPage)
	f.page.Start()
	require.NoError(t, f.page.Record(allowing("vimeo")))
	assert.Equal(t, map[string]bool{"recaptcha": true, "vimeo": true}, f.page.AllowCategory("contact"))
	require.NoError(t, f.page.Record(allowing()))
	assert.Equal(t, map[string]bool{"recaptcha": true, "vimeo": false}, f.page.AllowCategory("contact"))
}

func TestR16WithdrawalRemovesWhatTheServiceLeft(t *testing.T) {
	f := newFixture(t, contactPage)
	f.page.Start()
	require.NoError(t, f.page.Record(allowing("recaptcha")))
	// What reCAPTCHA would have done: a frame in its element, a storage key.
	_, err := f.doc.Insert(".g-recaptcha", `<iframe title="reCAPTCHA"></iframe>`)
	require.NoError(t, err)
	require.NoError(t, f.doc.Local().Set("_grecaptcha", "token"))

	require.NoError(t, f.page.Record(allowing()))
	assert.Zero(t, f.count(`script[data-consent-service]`))
	assert.Zero(t, f.count(`.g-recaptcha > *`))
	assert.Zero(t, f.count(`[data-consent-part=notice]`))
	assert.Equal(t, 1, f.count(`civic-consent-placeholder`))
	_, found, _ := f.doc.Local().Get("_grecaptcha")
	assert.False(t, found)
}

func TestR16WithdrawalOnAnotherPageClearsTheServicesTraces(t *testing.T) {
	// Allowed on the contact page; taken back from the footer of the home
	// page, where reCAPTCHA never ran.
	f := newFixture(t, `<html><head></head><body><main>Accueil</main></body></html>`)
	f.page.Start()
	require.NoError(t, f.page.Record(f.page.AllowAll()))
	require.NoError(t, f.doc.Local().Set("_grecaptcha", "token"))
	require.NoError(t, f.doc.Session().Set("_grecaptcha_x", "1"))
	require.NoError(t, f.doc.SetCookie("player_pref=1; Path=/"))
	require.NoError(t, f.doc.SetCookie("player_pref=1; Path=/; Domain=example.fr"))

	require.NoError(t, f.page.Record(allowing()))
	_, found, _ := f.doc.Local().Get("_grecaptcha")
	assert.False(t, found, "R16: gone wherever the withdrawal happens")
	_, found, _ = f.doc.Session().Get("_grecaptcha_x")
	assert.False(t, found)
	header, _ := f.doc.Cookie()
	assert.NotContains(t, header, "player_pref", "every copy the page can clear")
}

func TestCopiesOfTheChoiceNeverLockTheVisitorOut(t *testing.T) {
	const agenda = "https://data.example.fr/agenda/2026"
	f := newFixture(t, contactPage)
	f.doc = domtest.MustParse(agenda, contactPage)
	f.page = New(Config{Document: f.doc, Console: f.log, Catalogue: f.cat, Parts: &testParts{doc: f.doc, cat: f.cat, lang: "fr"},
		Now: f.page.cfg.Now, Random: f.page.cfg.Random})
	// A sibling subdomain's copy for the parent domain and this folder,
	// and a nameless cookie whose value names the choice.
	old := consent.AcceptAll(f.cat, f.page.now().Add(-time.Hour), "BBBBBBBBBBBBBBBB")
	require.NoError(t, f.doc.SetCookieAt("https://www.data.example.fr/agenda/", consent.RecordCookieName+"="+old.Encode()+"; Path=/agenda; Domain=data.example.fr"))
	require.NoError(t, f.doc.SetCookie(consent.RecordCookieName+"=x; Path=/"))

	d := f.page.Start()
	assert.False(t, d.Ask, "the copy it can verify stands: no asking on every visit")
	assert.Equal(t, 2, d.Copies)
	require.NotEmpty(t, f.log.Warnings)
	assert.Contains(t, f.log.Warnings[0], "this page sees 2 cookies_preferences cookies")

	require.NoError(t, f.page.Record(f.page.RefuseAll()))
	header, err := f.doc.Cookie()
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(header, consent.RecordCookieName+"="), "the choice replaced every copy this page reaches: %s", header)
	assert.False(t, f.page.Current().Allowed("recaptcha"))
}

func TestRecordThatTheBrowserDoesNotKeepFailsClosed(t *testing.T) {
	f := newFixture(t, contactPage)
	f.page.Start()
	f.doc.FailCookie = errors.New("SecurityError: the operation is insecure")
	err := f.page.Record(f.page.AllowAll())
	require.Error(t, err)
	assert.Zero(t, f.count("script"), "nothing loads without a stored choice")
	assert.Empty(t, f.changes)
	require.NotEmpty(t, f.log.Errors)
	assert.Contains(t, f.log.Errors[0], "the choice was not saved")
}

func TestR11StoredChoiceIsAppliedOnTheNextPage(t *testing.T) {
	first := newFixture(t, contactPage)
	first.page.Start()
	require.NoError(t, first.page.Record(allowing("recaptcha")))
	header, _ := first.doc.Cookie()

	next := newFixture(t, contactPage)
	require.NoError(t, next.doc.SetCookie(header+"; Path=/"))
	d := next.page.Start()
	assert.False(t, d.Ask)
	assert.True(t, d.Allowed("recaptcha"))
	assert.Equal(t, 1, next.count(`head > script[data-consent-service=recaptcha]`))
}

func TestR11TamperedStoredChoiceIsRefusedAndSaidWhy(t *testing.T) {
	f := newFixture(t, contactPage)
	require.NoError(t, f.doc.SetCookie("cookies_preferences=1.000000000000.1.AAAAAAAAAAAAAAAA.contact:1.recaptcha:1; Path=/"))
	d := f.page.Start()
	assert.True(t, d.Ask)
	assert.Zero(t, f.count("script"))
	require.NotEmpty(t, f.log.Warnings)
	assert.Contains(t, f.log.Warnings[0], "the stored choice is not valid")
}

func TestR20GPCRefusesWithoutAsking(t *testing.T) {
	f := newFixture(t, contactPage)
	f.doc.GPCSignal = true
	d := f.page.Start()
	assert.False(t, d.Ask)
	assert.False(t, d.Allowed("recaptcha"))
	require.NoError(t, f.page.Record(allowing("recaptcha")))
	assert.True(t, f.page.Current().Allowed("recaptcha"), "an explicit choice overrides GPC")
}

func TestConsentModeUpdateOnChoice(t *testing.T) {
	f := newFixture(t, contactPage)
	f.cat.Site.ConsentMode = true
	f.cat.Categories[1].ConsentMode = []string{"analytics_storage"}
	f.page.Start()
	assert.Empty(t, f.gtag, "no update before a choice: the default stays")
	require.NoError(t, f.page.Record(allowing("recaptcha")))
	require.Len(t, f.gtag, 1)
	assert.Equal(t, "granted", f.gtag[0]["analytics_storage"])
	assert.Equal(t, "denied", f.gtag[0]["ad_storage"])
}

func TestConsentModeWithoutTheLoadersGtagFailsClosed(t *testing.T) {
	f := newFixture(t, contactPage, func(c *Config) { c.Gtag = nil })
	f.cat.Site.ConsentMode = true
	f.page.Start()
	require.NoError(t, f.page.Record(allowing("recaptcha")))
	require.NotEmpty(t, f.log.Errors)
	assert.Contains(t, f.log.Errors[len(f.log.Errors)-1], "Google's consent types stay denied")
}
