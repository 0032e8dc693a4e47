package consent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withConsentMode is the seed with Consent Mode on and a second optional
// category, so that two categories can share a type.
func withConsentMode() *Catalogue {
	c := Seed()
	c.Site.ConsentMode = true
	c.Categories[1].ConsentMode = []string{"ad_storage", "ad_user_data"}
	ads := c.Categories[1]
	ads.ID, ads.ConsentMode = "ads", []string{"ad_storage", "ad_personalization"}
	c.Categories = append(c.Categories, ads)
	svc := c.Services[4]
	svc.ID, svc.Category, svc.Loader = "adsense", "ads", nil
	c.Services = append(c.Services, svc)
	return c
}

func TestGoogleConsent(t *testing.T) {
	c := withConsentMode()
	require.NoError(t, c.Validate())
	decide := func(allowed ...string) Decision {
		rec := NewRecord(c, func(id string) bool {
			for _, a := range allowed {
				if a == id {
					return true
				}
			}
			return false
		}, time.Now(), "AAAAAAAAAAAAAAAA")
		d := Decide(c, RecordCookieName+"="+rec.Encode(), time.Now(), false)
		require.NotNil(t, d.Record)
		return d
	}
	allDenied := map[string]string{"ad_storage": "denied", "analytics_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied"}

	assert.Equal(t, allDenied, c.GoogleConsent(Decide(c, "", time.Now(), false)), "no choice: all denied")
	assert.Equal(t, allDenied, c.GoogleConsent(decide()), "refuse all")
	assert.Equal(t, map[string]string{"ad_storage": "granted", "analytics_storage": "denied", "ad_user_data": "granted", "ad_personalization": "granted"},
		c.GoogleConsent(decide("recaptcha", "adsense")), "accept all: analytics_storage is mapped by no category")
	assert.Equal(t, map[string]string{"ad_storage": "denied", "analytics_storage": "denied", "ad_user_data": "granted", "ad_personalization": "denied"},
		c.GoogleConsent(decide("recaptcha")), "a type two categories list needs both")
	assert.Equal(t, map[string]string{"ad_storage": "denied", "analytics_storage": "denied", "ad_user_data": "denied", "ad_personalization": "granted"},
		c.GoogleConsent(decide("adsense")))
}

func TestNewCatalogueFieldsValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Catalogue)
		path   string
		msg    string
	}{
		{"consent types without consentMode", func(c *Catalogue) { c.Site.ConsentMode = false }, "categories[1].consentMode", "site.consentMode is off"},
		{"unknown consent type", func(c *Catalogue) { c.Categories[1].ConsentMode[1] = "functionality_storage" }, "categories[1].consentMode[1]", "not one of"},
		{"consent type twice", func(c *Catalogue) { c.Categories[1].ConsentMode[1] = "ad_storage" }, "categories[1].consentMode[1]", "listed twice"},
		{"necessary category granting", func(c *Catalogue) { c.Categories[0].ConsentMode = []string{"analytics_storage"} }, "categories[0].consentMode", "necessary category"},
		{"position", func(c *Catalogue) { c.Site.Position = "top" }, "site.position", `"top" is not one of`},
		{"service id that is a category id", func(c *Catalogue) { c.Services[5].ID = "ads" }, "services[5].id", "also a category id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := withConsentMode()
			tc.change(c)
			requireFieldError(t, c.Validate(), tc.path, tc.msg)
		})
	}
	for _, pos := range []string{"", PositionBar, PositionBox, PositionCenter} {
		c := Seed()
		c.Site.Position = pos
		assert.NoError(t, c.Validate(), pos)
	}
	c := Seed()
	c.Site.ConsentMode = true
	assert.NoError(t, c.Validate(), "Consent Mode with every type always denied")
}

func TestNewCatalogueFieldsParse(t *testing.T) {
	data, err := withConsentMode().JSON()
	require.NoError(t, err)
	c, err := ParseCatalogue(data)
	require.NoError(t, err)
	assert.True(t, c.Site.ConsentMode)
	assert.Equal(t, []string{"ad_storage", "ad_user_data"}, c.Categories[1].ConsentMode)

	_, err = ParseCatalogue([]byte(`{"site":{"consentMode":"yes","position":3},"categories":[{"consentMode":"ad_storage"}],"services":[]}`))
	requireFieldError(t, err, "site.consentMode", "want boolean, got string")
	requireFieldError(t, err, "site.position", "want string, got number")
	requireFieldError(t, err, "categories[0].consentMode", "want array, got string")
}

func TestRevisionFollowsConsentTypes(t *testing.T) {
	a, b := withConsentMode(), withConsentMode()
	assert.Equal(t, a.Revision(), b.Revision())
	b.Categories[1].ConsentMode = []string{"ad_user_data", "ad_storage"}
	assert.Equal(t, a.Revision(), b.Revision(), "order is left out")
	b.Categories[1].ConsentMode = []string{"ad_storage", "ad_user_data", "ad_personalization"}
	assert.NotEqual(t, a.Revision(), b.Revision(), "granting Google more is a new consent (R13)")
	b.Categories[1].ConsentMode = nil
	b.Categories[2].ConsentMode = nil
	c := Seed()
	c.Categories = append(c.Categories, b.Categories[2])
	c.Services = append(c.Services, b.Services[5])
	assert.Equal(t, c.Revision(), b.Revision(), "no consent types: the revision is as before the field existed")
}

func TestGoogleConsentDefaultDeniesEveryType(t *testing.T) {
	state := GoogleConsentDefault()
	assert.Len(t, state, len(ConsentTypes))
	for _, ty := range ConsentTypes {
		assert.Equal(t, ConsentDenied, state[ty], ty)
	}
	assert.Equal(t, state, withConsentMode().GoogleConsent(Decision{}), "a decision with nothing allowed is the default")
}
