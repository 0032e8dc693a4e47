package consent

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fieldErrors returns the *FieldError values joined in err.
func fieldErrors(t *testing.T, err error) []*FieldError {
	t.Helper()
	var errs []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var out []*FieldError
	for _, e := range errs {
		var fe *FieldError
		require.True(t, errors.As(e, &fe), "%v is not a *FieldError", e)
		out = append(out, fe)
	}
	return out
}

// requireFieldError asserts that err holds a problem at path whose message
// contains msg.
func requireFieldError(t *testing.T, err error, path, msg string) {
	t.Helper()
	require.Error(t, err)
	for _, fe := range fieldErrors(t, err) {
		if fe.Path == path && strings.Contains(fe.Msg, msg) {
			return
		}
	}
	t.Fatalf("no error at %s containing %q in:\n%v", path, msg, err)
}

func TestValidateRejects(t *testing.T) {
	// Seed services: 0 authentication, 1 language, 2 csrf, 3 preferences
	// (necessary), 4 recaptcha (contact).
	for _, tc := range []struct {
		name   string
		change func(c *Catalogue)
		path   string
		msg    string
	}{
		{"category id syntax", func(c *Catalogue) { c.Categories[1].ID = "Contact" }, "categories[1].id", "does not match"},
		{"category id too long", func(c *Catalogue) { c.Categories[1].ID = strings.Repeat("a", 33) }, "categories[1].id", "does not match"},
		{"duplicate category", func(c *Catalogue) { c.Categories[1].ID = "necessary" }, "categories[1].id", "duplicate id \"necessary\", already used by categories[0]"},
		{"service id syntax", func(c *Catalogue) { c.Services[2].ID = "csrf token" }, "services[2].id", "does not match"},
		{"duplicate service", func(c *Catalogue) { c.Services[2].ID = "language" }, "services[2].id", "duplicate id \"language\", already used by services[1]"},
		{"duplicate cookie in a service", func(c *Catalogue) {
			c.Services[0].Cookies = append(c.Services[0].Cookies, c.Services[0].Cookies[0])
		}, "services[0].cookies[1].name", "duplicate cookie \"sessionid\""},
		{"cookie name syntax", func(c *Catalogue) { c.Services[0].Cookies[0].Name = "session id" }, "services[0].cookies[0].name", "not a cookie"},
		{"empty cookie name", func(c *Catalogue) { c.Services[0].Cookies[0].Name = "" }, "services[0].cookies[0].name", "not a cookie"},
		{"unknown category", func(c *Catalogue) { c.Services[4].Category = "ads" }, "services[4].category", "unknown category \"ads\""},
		{"loader in necessary", func(c *Catalogue) { c.Services[4].Category = "necessary" }, "services[4].loader", "needs consent"},
		{"no necessary category", func(c *Catalogue) { c.Categories[0].Necessary = false }, "categories", "no necessary category"},
		{"own cookie not listed", func(c *Catalogue) { c.Services[3].Cookies[0].Name = "prefs" }, "services", "cookies_preferences"},
		{"own cookie only in an optional category", func(c *Catalogue) { c.Services[3].Category = "contact" }, "services", "cookies_preferences"},
		{"category without service", func(c *Catalogue) {
			c.Categories = append(c.Categories, Category{ID: "video", Title: c.Categories[1].Title, Description: c.Categories[1].Description, Refusal: c.Categories[1].Refusal})
		}, "categories[2]", "no service"},
		{"R7 optional category without refusal text", func(c *Catalogue) { c.Categories[1].Refusal = nil }, "categories[1].refusal", "missing text"},
		{"missing French", func(c *Catalogue) { delete(c.Categories[1].Title, "fr") }, "categories[1].title.fr", "missing text"},
		{"missing English", func(c *Catalogue) { delete(c.Services[0].Cookies[0].Lifetime, "en") }, "services[0].cookies[0].lifetime.en", "missing text"},
		{"blank text", func(c *Catalogue) { c.Services[1].Name["fr"] = "  " }, "services[1].name.fr", "empty text"},
		{"missing text", func(c *Catalogue) { c.Services[1].Cookies[0].Purpose = nil }, "services[1].cookies[0].purpose", "missing text"},
		{"language the site does not have", func(c *Catalogue) { c.Services[0].Cookies[0].Purpose["de"] = "x" }, "services[0].cookies[0].purpose.de", "not one of the catalogue's languages [fr en]"},
		{"incomplete optional text", func(c *Catalogue) { delete(c.Services[4].Loader.Notice, "en") }, "services[4].loader.notice.en", "missing text"},
		{"incomplete policy paragraph", func(c *Catalogue) { delete(c.Site.PolicyIntro[2], "en") }, "site.policyIntro[2].en", "missing text"},
		{"site without French", func(c *Catalogue) { delete(c.Site.Name, "fr") }, "site.name.fr", "missing text"},
		{"bad language code", func(c *Catalogue) { c.Site.Name["EN"] = "x" }, "site.name.EN", "not a lowercase ISO 639 code"},
		{"http loader", func(c *Catalogue) { c.Services[4].Loader.URL = "http://www.google.com/recaptcha/api.js" }, "services[4].loader.url", "not an absolute https URL"},
		{"relative loader", func(c *Catalogue) { c.Services[4].Loader.URL = "/recaptcha/api.js" }, "services[4].loader.url", "not an absolute https URL"},
		{"protocol-relative loader", func(c *Catalogue) { c.Services[4].Loader.URL = "//www.google.com/recaptcha/api.js" }, "services[4].loader.url", "not an absolute https URL"},
		{"loader with query", func(c *Catalogue) { c.Services[4].Loader.URL += "?render=explicit" }, "services[4].loader.url", "query or fragment"},
		{"loader with fragment", func(c *Catalogue) { c.Services[4].Loader.URL += "#x" }, "services[4].loader.url", "query or fragment"},
		{"loader with user info", func(c *Catalogue) { c.Services[4].Loader.URL = "https://u:p@www.google.com/api.js" }, "services[4].loader.url", "user info"},
		{"loader without host", func(c *Catalogue) { c.Services[4].Loader.URL = "https:///api.js" }, "services[4].loader.url", "not an absolute https URL"},
		{"empty param name", func(c *Catalogue) { c.Services[4].Loader.Params = map[string]string{"": "x"} }, "services[4].loader.params", "empty parameter name"},
		{"placement", func(c *Catalogue) { c.Services[4].Loader.Placement = "footer" }, "services[4].loader.placement", "neither"},
		{"R19 notice link text", func(c *Catalogue) { delete(c.Services[4].Loader.NoticeLinks[1].Text, "en") }, "services[4].loader.noticeLinks[1].text.en", "missing text"},
		{"R19 notice link URL", func(c *Catalogue) { c.Services[4].Loader.NoticeLinks[0].URL = "policies.google.com" }, "services[4].loader.noticeLinks[0].url", "not an absolute https URL"},
		{"empty storage prefix", func(c *Catalogue) { c.Services[4].Loader.StoragePrefixes = []string{""} }, "services[4].loader.storagePrefixes[0]", "empty prefix"},
		{"R7 loader without privacy URL", func(c *Catalogue) { c.Services[4].PrivacyURL = "" }, "services[4].privacyUrl", "missing"},
		{"http privacy URL", func(c *Catalogue) { c.Services[4].PrivacyURL = "http://policies.google.com/privacy" }, "services[4].privacyUrl", "not an absolute https URL"},
		{"no provider", func(c *Catalogue) { c.Services[4].Provider = " " }, "services[4].provider", "missing"},
		{"R11 max age above 13 months", func(c *Catalogue) { c.Site.MaxAgeDays = 396 }, "site.maxAgeDays", "out of range"},
		{"negative max age", func(c *Catalogue) { c.Site.MaxAgeDays = -1 }, "site.maxAgeDays", "out of range"},
		{"no policy URL", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: ""} }, "site.policyUrl", "missing"},
		{"javascript policy URL", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "javascript:alert(1)"} }, "site.policyUrl", "not an absolute https URL"},
		{"protocol-relative policy URL", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "//evil.example/x"} }, "site.policyUrl", "scheme-relative"},
		{"policy path with space", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "/charte cookies"} }, "site.policyUrl", "white space"},
		{"R17 no contact", func(c *Catalogue) { c.Site.Contact = nil }, "site.contact", "missing text"},
		{"contact URL", func(c *Catalogue) { c.Site.ContactURL = "tel:+33100000000" }, "site.contactUrl", "want mailto: or an https URL"},
		{"contact mailto", func(c *Catalogue) { c.Site.ContactURL = "mailto:nobody" }, "site.contactUrl", "not a mailto: address"},
		{"contact mailto without domain", func(c *Catalogue) { c.Site.ContactURL = "mailto:nobody@" }, "site.contactUrl", "not a mailto: address"},
		{"contact mailto with a quote", func(c *Catalogue) { c.Site.ContactURL = `mailto:a@example.org"onclick=alert(1)` }, "site.contactUrl", `contains '"'`},
		{"policy path with a bad escape", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "/charte%zz"} }, "site.policyUrl", "not a valid path"},
		{"cookie domain with scheme", func(c *Catalogue) { c.Site.CookieDomain = "https://saint-maur.com" }, "site.cookieDomain", "not a lowercase domain name"},
		{"cookie domain with path", func(c *Catalogue) { c.Site.CookieDomain = "saint-maur.com/x" }, "site.cookieDomain", "not a lowercase domain name"},
		{"cookie domain with space", func(c *Catalogue) { c.Site.CookieDomain = "saint maur.com" }, "site.cookieDomain", "not a lowercase domain name"},
		{"cookie domain with port", func(c *Catalogue) { c.Site.CookieDomain = "saint-maur.com:443" }, "site.cookieDomain", "not a lowercase domain name"},
		{"record too long for a cookie", func(c *Catalogue) {
			for i := range 130 {
				id := strings.Repeat("x", 28) + string(rune('a'+i/26)) + string(rune('a'+i%26))
				c.Services = append(c.Services, Service{ID: id, Category: "contact", Provider: "P", Name: c.Services[4].Name})
			}
		}, "services", "more than 4096"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Seed()
			tc.change(c)
			requireFieldError(t, c.Validate(), tc.path, tc.msg)
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Catalogue)
	}{
		{"cookie domain", func(c *Catalogue) { c.Site.CookieDomain = "saint-maur.com" }},
		{"cookie domain with leading dot", func(c *Catalogue) { c.Site.CookieDomain = ".data.saint-maur.com" }},
		{"https policy URL", func(c *Catalogue) {
			c.Site.PolicyURL = LangURL{All: "https://data.saint-maur.com/pages/charte-cookies/"}
		}},
		{"mailto contact", func(c *Catalogue) { c.Site.ContactURL = "mailto:contact@example.org" }},
		{"https contact", func(c *Catalogue) { c.Site.ContactURL = "https://example.org/contact" }},
		{"default max age", func(c *Catalogue) { c.Site.MaxAgeDays = 0 }},
		{"13 months", func(c *Catalogue) { c.Site.MaxAgeDays = 395 }},
		{"loader params", func(c *Catalogue) { c.Services[4].Loader.Params = map[string]string{"render": "explicit", "hl": "fr"} }},
		{"optional service without loader", func(c *Catalogue) { c.Services[4].Loader = nil }},
		{"French only", func(c *Catalogue) {
			eachText(c, func(t Text) { delete(t, "en") })
			require.Equal(t, []string{"fr"}, c.Languages())
		}},
		{"a third language everywhere", func(c *Catalogue) {
			eachText(c, func(t Text) { t["de"] = "Text" })
			require.Equal(t, []string{"fr", "de", "en"}, c.Languages())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Seed()
			tc.change(c)
			require.NoError(t, c.Validate())
		})
	}
}

// eachText calls f on every non-empty text of c.
func eachText(c *Catalogue, f func(Text)) {
	texts := []Text{c.Site.Name, c.Site.Contact, c.Site.Intro}
	texts = append(texts, c.Site.PolicyIntro...)
	for _, cat := range c.Categories {
		texts = append(texts, cat.Title, cat.Description, cat.Refusal)
	}
	for _, s := range c.Services {
		texts = append(texts, s.Name)
		for _, ck := range s.Cookies {
			texts = append(texts, ck.Purpose, ck.Lifetime)
		}
		if s.Loader != nil {
			texts = append(texts, s.Loader.Notice)
			for _, link := range s.Loader.NoticeLinks {
				texts = append(texts, link.Text)
			}
		}
	}
	for _, t := range texts {
		if len(t) > 0 {
			f(t)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Seed()
	c.Services[4].Loader.URL = "http://x"
	c.Site.MaxAgeDays = 1000
	c.Categories[1].Title = nil
	errs := fieldErrors(t, c.Validate())
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	assert.ElementsMatch(t, []string{"services[4].loader.url", "site.maxAgeDays", "categories[1].title"}, paths)
}

// urlFields are the URL fields of the seed catalogue, each with its path.
var urlFields = []struct {
	path string
	set  func(c *Catalogue, url string)
}{
	{"site.policyUrl", func(c *Catalogue, u string) { c.Site.PolicyURL = LangURL{All: u} }},
	{"site.contactUrl", func(c *Catalogue, u string) { c.Site.ContactURL = u }},
	{"services[4].privacyUrl", func(c *Catalogue, u string) { c.Services[4].PrivacyURL = u }},
	{"services[4].loader.url", func(c *Catalogue, u string) { c.Services[4].Loader.URL = u }},
	{"services[4].loader.noticeLinks[1].url", func(c *Catalogue, u string) { c.Services[4].Loader.NoticeLinks[1].URL = u }},
}

// TestURLValidation puts hostile values in every URL field: each is
// rejected, at the field's path, with a message that says why.
func TestURLValidation(t *testing.T) {
	for _, tc := range []struct {
		name, url, msg string
		// policyMsg, when set, is the message for site.policyUrl, which
		// also takes a path.
		policyMsg string
	}{
		{name: "double quote ends an attribute", url: `https://example.org/c"onmouseover=alert(document.cookie)//`, msg: `contains '"'`},
		{name: "path with a double quote", url: `/cookies"onmouseover=alert(document.cookie)//`, msg: `contains '"'`},
		{name: "single quote", url: `https://example.org/c'onmouseover=alert(1)//`, msg: `contains '\''`},
		{name: "markup", url: `https://example.org/</script><img src=x onerror=alert(1)>`, msg: `contains '<'`},
		{name: "backtick", url: "https://example.org/`x`", msg: "contains '`'"},
		{name: "backslash path", url: `/\evil.example/`, msg: `contains '\\'`},
		{name: "backslash before the host's end", url: `https://example.org\@evil.example/`, msg: `contains '\\'`},
		{name: "scheme-relative", url: "//evil.example/x", msg: "not an absolute https URL", policyMsg: "scheme-relative"},
		{name: "javascript", url: "javascript:alert(document.cookie)", msg: "not an absolute https URL"},
		{name: "javascript in capitals", url: "JavaScript:alert(1)", msg: "not an absolute https URL"},
		{name: "javascript split by a tab", url: "java\tscript:alert(1)", msg: "white space"},
		{name: "data", url: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", msg: "not an absolute https URL"},
		{name: "http", url: "http://example.org/", msg: "not an absolute https URL"},
		{name: "https in capitals", url: "HTTPS://example.org/", msg: "not an absolute https URL"},
		{name: "space", url: "https://example.org/a b", msg: "white space"},
		{name: "line break", url: "https://example.org/\n", msg: "white space"},
		{name: "no-break space", url: "https://example.org/\u00a0", msg: "white space"},
		{name: "NUL", url: "https://example.org/\x00", msg: "control character U+0000"},
		{name: "right-to-left override", url: "https://example.org/\u202e", msg: "control character U+202E"},
		{name: "user info", url: "https://user@evil.example/", msg: "user info"},
		{name: "no host", url: "https:///x", msg: "not an absolute https URL"},
		{name: "opaque", url: "https:evil.example", msg: "not an absolute https URL"},
		{name: "bad escape", url: "https://example.org/%zz", msg: "not a URL"},
		{name: "host with an underscore", url: "https://evil_example.org/", msg: "no valid host name"},
	} {
		for _, f := range urlFields {
			t.Run(tc.name+"/"+f.path, func(t *testing.T) {
				c := Seed()
				f.set(c, tc.url)
				msg := tc.msg
				if tc.policyMsg != "" && f.path == "site.policyUrl" {
					msg = tc.policyMsg
				}
				requireFieldError(t, c.Validate(), f.path, msg)
			})
		}
	}
}

// TestURLValidationAccepts keeps the strict rules from refusing ordinary
// URLs.
func TestURLValidationAccepts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Catalogue)
	}{
		{"path with query and fragment", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "/charte-cookies?lang=fr#cookies"} }},
		{"path with accents", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "/données/cookies"} }},
		{"path with escapes", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "/donn%C3%A9es/cookies"} }},
		{"https policy with port", func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "https://example.org:8443/a/b?x=1&y=2#z"} }},
		{"https without path", func(c *Catalogue) { c.Services[4].PrivacyURL = "https://example.org" }},
		{"mailto with subject", func(c *Catalogue) { c.Site.ContactURL = "mailto:dpo@example.org?subject=Cookies" }},
		{"loader on a port", func(c *Catalogue) { c.Services[4].Loader.URL = "https://stats.example.org:8443/matomo.js" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Seed()
			tc.change(c)
			require.NoError(t, c.Validate())
		})
	}
}

// TestTextsHoldNoControlCharacter: HTML parsers drop or change them, so the
// page would not say what the catalogue says.
func TestTextsHoldNoControlCharacter(t *testing.T) {
	for _, r := range []string{"\x00", "\r", "\x1b", "\u0085"} {
		c := Seed()
		c.Site.Intro["fr"] = "Bonjour" + r + "."
		requireFieldError(t, c.Validate(), "site.intro.fr", "control character")
	}
	c := Seed()
	c.Site.Intro["fr"] = "Ligne\n\tsuivante"
	require.NoError(t, c.Validate())
}

// TestReceiptsEndpointIsAPathOfTheSite: receipts go to the page's own
// origin only, so site.receipts takes a plain path and nothing else, and
// every refusal names the field.
func TestReceiptsEndpointIsAPathOfTheSite(t *testing.T) {
	for _, tc := range []struct{ name, path, msg string }{
		{"https URL", "https://example.org/receipts", "not a path of the site"},
		{"http URL", "http://127.0.0.1/receipts", "not a path of the site"},
		{"scheme-relative", "//evil.example/receipts", "not a path of the site"},
		{"javascript", "javascript:alert(1)", "not a path of the site"},
		{"relative", "receipts", "not a path of the site"},
		{"backslash", `/\evil.example/`, `contains '\\'`},
		{"quote", `/receipts"x`, `contains '"'`},
		{"space", "/my receipts", "white space"},
		{"NUL", "/receipts\x00", "control character U+0000"},
		{"query", "/receipts?site=1", "query or fragment"},
		{"fragment", "/receipts#x", "query or fragment"},
		{"bad escape", "/receipts%zz", "not a valid path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Seed()
			c.Site.Receipts = tc.path
			requireFieldError(t, c.Validate(), "site.receipts", tc.msg)
		})
	}
	for _, path := range []string{"", "/receipts", "/api/consent/receipts", "/re%C3%A7us"} {
		c := Seed()
		c.Site.Receipts = path
		assert.NoError(t, c.Validate(), path)
	}
}

func TestAPlaceholderThatIsNoSelectorIsRefused(t *testing.T) {
	for _, sel := range []string{".g-recaptcha[", "div >", "   ", "#", ":not("} {
		c := Seed()
		c.Services[4].Loader.Placeholder = sel
		requireFieldError(t, c.Validate(), "services[4].loader.placeholder", "is not a CSS selector")
	}
	for _, sel := range []string{".g-recaptcha", ".a, .b", "form [data-captcha]", "div.g-recaptcha:not(.off)"} {
		c := Seed()
		c.Services[4].Loader.Placeholder = sel
		assert.NoError(t, c.Validate(), sel)
	}
}

func TestAnOptionalServiceCannotClaimTheWidgetsOwnStorage(t *testing.T) {
	for _, prefix := range []string{"civic-consent", "civic-consent-receipt", "civic", "c"} {
		c := Seed()
		c.Services[4].Loader.StoragePrefixes = []string{"_grecaptcha", prefix}
		requireFieldError(t, c.Validate(), "services[4].loader.storagePrefixes[1]", "would clear the widget's own storage keys")
	}
	c := Seed()
	c.Services[4].Cookies = append(c.Services[4].Cookies, Cookie{Name: RecordCookieName, Purpose: Text{"fr": "x", "en": "x"}, Lifetime: Text{"fr": "x", "en": "x"}})
	requireFieldError(t, c.Validate(), "services[4].cookies[1].name", "only a necessary service may list it")
}

func TestThemeIsTheDSFRsOrNone(t *testing.T) {
	for _, theme := range []string{ThemeDefault, ThemeDSFR} {
		c := Seed()
		c.Site.Theme = theme
		assert.NoError(t, c.Validate(), theme)
		assert.Equal(t, Seed().Revision(), c.Revision(), "%q: a look is no new wording", theme)
	}
	for _, theme := range []string{"DSFR", "dark", " dsfr"} {
		c := Seed()
		c.Site.Theme = theme
		requireFieldError(t, c.Validate(), "site.theme", fmt.Sprintf("%q is not \"dsfr\"", theme))
	}
	c, err := ParseCatalogue([]byte(fuzzCatalogueSeeds[0][:len(`{"site":{`)] + `"theme":"dsfr",` + fuzzCatalogueSeeds[0][len(`{"site":{`):]))
	require.NoError(t, err)
	assert.Equal(t, ThemeDSFR, c.Site.Theme)
	_, err = ParseCatalogue([]byte(`{"site":{"theme":true}}`))
	requireFieldError(t, err, "site.theme", "want string, got bool")
}
