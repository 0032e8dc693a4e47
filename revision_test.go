package consent

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// revisionCase changes a copy of the seed, after base (if any) has been
// applied to both the copy and the seed it is compared with.
type revisionCase struct {
	name         string
	base, change func(c *Catalogue)
}

func (rc revisionCase) revisions() (before, after string) {
	b, a := Seed(), Seed()
	if rc.base != nil {
		rc.base(b)
		rc.base(a)
	}
	rc.change(a)
	return b.Revision(), a.Revision()
}

func TestRevisionR13(t *testing.T) {
	require.Regexp(t, `^[0-9a-f]{12}$`, Seed().Revision())
	assert.Equal(t, Seed().Revision(), Seed().Revision(), "deterministic")

	withParam := func(c *Catalogue) { c.Services[4].Loader.Params = map[string]string{"render": "explicit"} }
	for _, tc := range []revisionCase{
		{name: "category id", change: func(c *Catalogue) { c.Categories[1].ID = "form"; c.Services[4].Category = "form" }},
		{name: "necessary flag", change: func(c *Catalogue) { c.Categories[1].Necessary = true }},
		{name: "new category", change: func(c *Catalogue) { c.Categories = append(c.Categories, Category{ID: "video"}) }},
		{name: "service id", change: func(c *Catalogue) { c.Services[4].ID = "captcha" }},
		{name: "service category", change: func(c *Catalogue) { c.Services[2].Category = "contact" }},
		{name: "provider", change: func(c *Catalogue) { c.Services[4].Provider = "Google" }},
		{name: "new service", change: func(c *Catalogue) { c.Services = append(c.Services, Service{ID: "video", Category: "contact"}) }},
		{name: "service removed", change: func(c *Catalogue) { c.Services = c.Services[:4] }},
		{name: "cookie name", change: func(c *Catalogue) { c.Services[4].Cookies[0].Name = "_GRECAPTCHA" }},
		{name: "third-party flag", change: func(c *Catalogue) { c.Services[0].Cookies[0].ThirdParty = true }},
		{name: "new cookie", change: func(c *Catalogue) {
			c.Services[4].Cookies = append(c.Services[4].Cookies, Cookie{Name: "NID", ThirdParty: true})
		}},
		{name: "cookie removed", change: func(c *Catalogue) { c.Services[0].Cookies = nil }},
		{name: "loader URL", change: func(c *Catalogue) { c.Services[4].Loader.URL = "https://www.recaptcha.net/recaptcha/api.js" }},
		{name: "loader param added", change: withParam},
		{name: "loader param value", base: withParam, change: func(c *Catalogue) { c.Services[4].Loader.Params["render"] = "onload" }},
		{name: "placement", change: func(c *Catalogue) { c.Services[4].Loader.Placement = "body" }},
		{name: "loader removed", change: func(c *Catalogue) { c.Services[4].Loader = nil }},
		// Every visitor-facing text: the archive of a revision must be
		// the wording the visitor read.
		{name: "site name", change: func(c *Catalogue) { c.Site.Name["en"] = "Saint-Maur data" }},
		{name: "intro", change: func(c *Catalogue) { c.Site.Intro["fr"] = "Bonjour." }},
		{name: "contact", change: func(c *Catalogue) { c.Site.Contact["fr"] = "Mairie" }},
		{name: "contact URL", change: func(c *Catalogue) { c.Site.ContactURL = "mailto:dpo@example.org" }},
		{name: "policy URL", change: func(c *Catalogue) { c.Site.PolicyURL = LangURL{All: "/cookies"} }},
		{name: "policy URL per language", change: func(c *Catalogue) {
			c.Site.PolicyURL = LangURL{ByLang: map[string]string{"fr": "/charte-cookies", "en": "/en/cookies"}}
		}},
		{name: "a label of the catalogue", change: func(c *Catalogue) {
			c.Labels = map[string]LabelSet{"fr": {LabelAcceptAll: "J'accepte tout"}}
		}},
		{name: "policy intro paragraph", change: func(c *Catalogue) { c.Site.PolicyIntro[0]["fr"] = "Autre." }},
		{name: "policy intro removed", change: func(c *Catalogue) { c.Site.PolicyIntro = nil }},
		{name: "policy intro order", change: func(c *Catalogue) { slices.Reverse(c.Site.PolicyIntro) }},
		{name: "category title", change: func(c *Catalogue) { c.Categories[1].Title["fr"] = "Formulaire" }},
		{name: "category description", change: func(c *Catalogue) { c.Categories[0].Description["en"] = "Needed." }},
		{name: "refusal text", change: func(c *Catalogue) { c.Categories[1].Refusal["en"] = "No form." }},
		{name: "service name", change: func(c *Catalogue) { c.Services[0].Name["en"] = "Login" }},
		{name: "privacy URL", change: func(c *Catalogue) { c.Services[4].PrivacyURL = "https://policies.google.com/privacy?hl=fr" }},
		{name: "cookie purpose", change: func(c *Catalogue) { c.Services[4].Cookies[0].Purpose["fr"] = "Anti-spam." }},
		{name: "cookie lifetime", change: func(c *Catalogue) { c.Services[4].Cookies[0].Lifetime["fr"] = "6 mois maximum" }},
		{name: "loader notice", change: func(c *Catalogue) { c.Services[4].Loader.Notice["fr"] = "reCAPTCHA." }},
		{name: "notice link", change: func(c *Catalogue) {
			c.Services[4].Loader.NoticeLinks[0].URL = "https://policies.google.com/terms?hl=fr"
		}},
		{name: "new language", change: func(c *Catalogue) { c.Site.Name["de"] = "Saint-Maur Open Data" }},
	} {
		t.Run("changes with "+tc.name, func(t *testing.T) {
			before, after := tc.revisions()
			assert.NotEqual(t, before, after)
		})
	}

	for _, tc := range []revisionCase{
		{name: "category order", change: func(c *Catalogue) { slices.Reverse(c.Categories) }},
		{name: "service order", change: func(c *Catalogue) { slices.Reverse(c.Services) }},
		{name: "loader placeholder", change: func(c *Catalogue) { c.Services[4].Loader.Placeholder = "#captcha" }},
		{name: "service scripts", change: func(c *Catalogue) { c.Services[4].Scripts = []string{"https://www.gstatic.com/recaptcha/"} }},
		{name: "receipts endpoint", change: func(c *Catalogue) { c.Site.Receipts = "/receipts" }},
		{
			name:   "cookie order",
			base:   func(c *Catalogue) { c.Services[0].Cookies = append(c.Services[0].Cookies, Cookie{Name: "a"}) },
			change: func(c *Catalogue) { slices.Reverse(c.Services[0].Cookies) },
		},
	} {
		t.Run("kept by "+tc.name, func(t *testing.T) {
			before, after := tc.revisions()
			assert.Equal(t, before, after)
		})
	}
}

func TestRevisionFieldsCannotRunTogether(t *testing.T) {
	a, b := Seed(), Seed()
	a.Services[4].ID, a.Services[4].Provider = "recaptcha", "Google ReCaptcha"
	b.Services[4].ID, b.Services[4].Provider = "recaptch", "aGoogle ReCaptcha"
	assert.NotEqual(t, a.Revision(), b.Revision())
}

func TestTheBuildsRevisionStandsForAcatalogueWithoutTexts(t *testing.T) {
	c := Seed()
	rev := c.Revision()
	bare := Catalogue{Categories: c.Categories, Services: c.Services, BuildRevision: rev}
	assert.Equal(t, rev, bare.Revision())
	assert.Len(t, CatalogueDigest(`{"site":{}}`), 16)
	assert.NotEqual(t, CatalogueDigest(`{"site":{}}`), CatalogueDigest(`{"site":{} }`), "any change of the text")
}
