package app

import (
	"html"
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// policyHTMLRow is the table row of rendered policy HTML that lists cookie.
func policyHTMLRow(t *testing.T, page, cookie string) string {
	t.Helper()
	i := strings.Index(page, "<code>"+cookie+"</code>")
	require.Positive(t, i, "cookie %s is listed", cookie)
	start := strings.LastIndex(page[:i], "<tr>")
	end := strings.Index(page[i:], "</tr>")
	require.True(t, start >= 0 && end >= 0, "cookie %s is in a table row", cookie)
	return page[start : i+end]
}

func TestPolicyPageListsEveryCookieOfTheSeed(t *testing.T) { // R18
	c := consent.Seed()
	for _, lang := range []string{"fr", "en"} {
		page := app.HTMLString(&PolicyPage{Catalogue: c, Lang: lang})
		n := 0
		for _, svc := range c.Services {
			cat, ok := c.Category(svc.Category)
			require.True(t, ok, svc.ID)
			for _, cookie := range svc.Cookies {
				n++
				row := policyHTMLRow(t, page, cookie.Name)
				for _, want := range []string{svc.Provider, svc.Name.In(lang), cookie.Purpose.In(lang), cookie.Lifetime.In(lang)} {
					assert.Contains(t, row, html.EscapeString(want), "%s (%s)", cookie.Name, lang)
				}
				status := c.Label(lang, consent.LabelPolicyExempt)
				if !cat.Necessary {
					status = c.Label(lang, consent.LabelPolicyRequired)
				}
				assert.Contains(t, row, status, "%s (%s)", cookie.Name, lang)
			}
		}
		assert.Equal(t, n, strings.Count(page, "<code>"), "one row per cookie (%s)", lang)
		assert.Equal(t, len(c.Categories), strings.Count(page, "<table>"), "one table per category (%s)", lang)
	}

	fr := app.HTMLString(&PolicyPage{Catalogue: c, Lang: "fr"})
	recaptcha := policyHTMLRow(t, fr, "_grecaptcha")
	assert.Contains(t, recaptcha, "Soumis à votre consentement")
	assert.Contains(t, recaptcha, `<a href="https://policies.google.com/privacy">Google ReCaptcha</a>`)
	assert.Contains(t, recaptcha, "(cookie tiers)")
	assert.Contains(t, policyHTMLRow(t, fr, consent.RecordCookieName), "Exempté de consentement")
	en := app.HTMLString(&PolicyPage{Catalogue: c, Lang: "en"})
	assert.Contains(t, policyHTMLRow(t, en, "_grecaptcha"), "Requires your consent")
}

func TestPolicyPageStructure(t *testing.T) {
	c := consent.Seed()
	page := &PolicyPage{Catalogue: c, Lang: "fr"}
	require.NoError(t, app.NewTestEngine().Load(page))

	intro := len(c.Site.PolicyIntro)
	assert.NoError(t, app.Match(app.Article().Class("policy"), page, 0))
	assert.NoError(t, app.Match(app.Text("Charte cookies"), page, 0, 0, 0))
	// The prose: headings stand apart from paragraphs.
	assert.NoError(t, app.Match(app.P(), page, 0, 1))
	assert.NoError(t, app.Match(app.H2(), page, 0, 2))
	assert.NoError(t, app.Match(app.Text("Qu'est ce qu'un cookie ?"), page, 0, 2, 0))
	assert.NoError(t, app.Match(app.P(), page, 0, 4), "a sentence announcing a list is a paragraph")
	// The last heading links the site's address.
	assert.NoError(t, app.Match(app.H2(), page, 0, intro))
	assert.NoError(t, app.Match(app.A().Href("https://data.saint-maur.com"), page, 0, intro, 1))

	// Then one section per category, under that heading, each with a
	// captioned table whose headers are column headers.
	for i, cat := range c.Categories {
		sec := 1 + intro + i
		assert.NoError(t, app.Match(app.Section().Class("policy-category"), page, 0, sec))
		assert.NoError(t, app.Match(app.H3(), page, 0, sec, 0))
		assert.NoError(t, app.Match(app.Text(cat.Title.In("fr")), page, 0, sec, 0, 0))
		table := 2
		if cat.Refusal != nil {
			table = 3
		}
		assert.NoError(t, app.Match(app.Table(), page, 0, sec, table))
		assert.NoError(t, app.Match(app.Caption(), page, 0, sec, table, 0))
		assert.NoError(t, app.Match(app.Text("Cookies : "+cat.Title.In("fr")), page, 0, sec, table, 0, 0))
		for col := range 6 {
			assert.NoError(t, app.Match(app.Th().Scope("col"), page, 0, sec, table, 1, 0, col))
		}
		cookies := 0
		for _, svc := range c.ServicesIn(cat.ID) {
			cookies += len(svc.Cookies)
		}
		assert.Equal(t, cookies, countRows(page, sec, table), cat.ID)
	}

	// Last, the control that opens the preferences (R14).
	settings := 1 + intro + len(c.Categories)
	assert.NoError(t, app.Match(app.Section().Class("policy-settings"), page, 0, settings))
	assert.NoError(t, app.Match(app.Button().Type("button").Class("button").DataSet("consent-open", true), page, 0, settings, 2, 0))
	assert.NoError(t, app.Match(app.Text("Gestion des cookies"), page, 0, settings, 2, 0, 0))
}

// countRows counts the body rows of a table of the mounted page.
func countRows(page *PolicyPage, section, table int) int {
	n := 0
	for app.Match(app.Tr(), page, 0, section, table, 2, n) == nil {
		n++
	}
	return n
}

func TestPolicyPageWithoutIntroHeadings(t *testing.T) {
	c := consent.Seed()
	c.Site.PolicyIntro = []consent.Text{{"fr": "Une seule phrase."}}
	page := &PolicyPage{Catalogue: c, Lang: "fr"}
	require.NoError(t, app.NewTestEngine().Load(page))
	// No prose heading to sit under: categories are top-level sections.
	assert.NoError(t, app.Match(app.H2(), page, 0, 2, 0))
}

func TestPolicyPageRefusesUnsafeLinks(t *testing.T) {
	c := consent.Seed()
	for i := range c.Services {
		if c.Services[i].ID == "recaptcha" {
			c.Services[i].PrivacyURL = `javascript:alert(1)`
		}
	}
	c.Site.PolicyIntro = []consent.Text{{"fr": `Voir <https://x.example/" onmouseover="alert(1)> et <javascript:alert(1)>`}}
	page := app.HTMLString(&PolicyPage{Catalogue: c, Lang: "fr"})
	assert.NotContains(t, page, "<a ", "no link from unsafe URLs")
	assert.Contains(t, policyHTMLRow(t, page, "_grecaptcha"), "<td>Google ReCaptcha</td>")
	assert.Contains(t, page, "&lt;javascript", "unsafe autolinks stay text")
}

func TestPolicyPageWithoutCatalogue(t *testing.T) {
	page := app.HTMLString(&PolicyPage{Lang: "en"})
	assert.Contains(t, page, "The list of cookies is not available.")
}

func TestIsPolicyHeading(t *testing.T) {
	for s, want := range map[string]bool{
		"Qu'est ce qu'un cookie ?":                 true,
		"What is a cookie?":                        true,
		"A quoi servent les cookies <https://x.y>": true,
		"Il existe plusieurs types de cookies :":   false,
		"Une phrase.":                              false,
		"":                                         false,
		strings.Repeat("mot ", 40):                 false,
	} {
		assert.Equal(t, want, isPolicyHeading(s), "%q", s)
	}
}
