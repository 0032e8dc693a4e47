package consent

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedRow is one row of the seed policy's cookie tables.
type seedRow struct {
	provider, service, cookie, purpose string
	thirdParty                         bool
}

// readSeedTable parses the tab-separated tables of the seed policy: the
// header row, the rows, and a "Cookies tiers" row after which rows are
// third-party cookies.
func readSeedTable(t *testing.T) (rows []seedRow, prose []string) {
	t.Helper()
	data, err := os.ReadFile("testdata/charte-cookies.txt")
	require.NoError(t, err)
	thirdParty, inTable := false, false
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		fields := strings.Split(line, "\t")
		switch {
		case strings.TrimSpace(line) == "":
		case len(fields) == 1 && !inTable:
			prose = append(prose, line)
		case len(fields) != 4:
			t.Fatalf("seed table row %q has %d fields, want 4", line, len(fields))
		case fields[0] == "Nom du prestataire":
			inTable = true
		case fields[0] == "Cookies tiers" && fields[1] == "":
			thirdParty = true
		default:
			rows = append(rows, seedRow{fields[0], fields[1], fields[2], fields[3], thirdParty})
		}
	}
	return rows, prose
}

func TestSeedHoldsEveryRowOfThePolicy(t *testing.T) {
	rows, _ := readSeedTable(t)
	require.Len(t, rows, 6, "the seed table has 6 rows, reCAPTCHA twice")
	c := Seed()
	for _, row := range rows {
		found := false
		for _, s := range c.Services {
			for _, ck := range s.Cookies {
				if s.Provider == row.provider && s.Name["fr"] == row.service && ck.Name == row.cookie && ck.Purpose["fr"] == row.purpose {
					found = true
					if row.thirdParty {
						assert.True(t, ck.ThirdParty, "%s is listed as third-party", ck.Name)
					}
				}
			}
		}
		assert.True(t, found, "row %+v is not in Seed() as written", row)
	}
}

func TestSeedListsNoCookieThePolicyDoesNot(t *testing.T) {
	rows, _ := readSeedTable(t)
	inPolicy := make(map[string]bool)
	for _, row := range rows {
		inPolicy[row.cookie] = true
	}
	for _, s := range Seed().Services {
		for _, ck := range s.Cookies {
			assert.True(t, inPolicy[ck.Name], "service %s lists cookie %s, which the policy does not", s.ID, ck.Name)
		}
	}
}

func TestSeedProseAndHeadingsAreThePolicyText(t *testing.T) {
	_, prose := readSeedTable(t)
	// The title, then the introduction, then the first table's heading.
	require.GreaterOrEqual(t, len(prose), 3)
	assert.Equal(t, "Charte cookies", prose[0])
	c := Seed()
	var intro []string
	for _, p := range c.Site.PolicyIntro {
		intro = append(intro, p["fr"])
	}
	assert.Equal(t, prose[1:len(prose)-1], intro)
	necessary, ok := c.Category("necessary")
	require.True(t, ok)
	assert.Equal(t, prose[len(prose)-1], necessary.Title["fr"])
}

func TestSeedRecaptchaNeedsConsent(t *testing.T) {
	c := Seed()
	s, ok := c.Service("recaptcha")
	require.True(t, ok)
	assert.Equal(t, "contact", s.Category)
	require.Len(t, s.Cookies, 1)
	assert.True(t, s.Cookies[0].ThirdParty)
	cat, ok := c.Category("contact")
	require.True(t, ok)
	assert.False(t, cat.Necessary, "R18: reCAPTCHA is listed as needing consent")
	require.NotNil(t, s.Loader)
	assert.Equal(t, "https://www.google.com/recaptcha/api.js", s.Loader.URL)
}

func TestSeedIsValid(t *testing.T) {
	require.NoError(t, Seed().Validate())
}

func TestSeedReturnsIndependentCopies(t *testing.T) {
	a := Seed()
	eachText(a, func(t Text) { t["fr"] = "changed" })
	a.Services[4].Loader.StoragePrefixes[0] = "changed"
	b := Seed()
	assert.NotEqual(t, "changed", b.Site.PolicyIntro[0]["fr"])
	assert.NotEqual(t, "changed", b.Categories[0].Title["fr"])
	assert.NotEqual(t, "changed", b.Services[4].Loader.StoragePrefixes[0])
}

func TestLanguagesPutsFrenchFirst(t *testing.T) {
	assert.Equal(t, []string{"fr", "en"}, Seed().Languages())
	c := &Catalogue{Site: Site{Name: Text{"nl": "x", "de": "x", "fr": "x", "en": "x"}}}
	assert.Equal(t, []string{"fr", "de", "en", "nl"}, c.Languages())
}

func TestLookups(t *testing.T) {
	c := Seed()

	cat, ok := c.Category("contact")
	require.True(t, ok)
	assert.Equal(t, "contact", cat.ID)
	_, ok = c.Category("nope")
	assert.False(t, ok)

	s, ok := c.Service("csrf")
	require.True(t, ok)
	assert.Equal(t, "csrftoken", s.Cookies[0].Name)
	_, ok = c.Service("nope")
	assert.False(t, ok)

	var ids []string
	for _, s := range c.ServicesIn("necessary") {
		ids = append(ids, s.ID)
	}
	assert.Equal(t, []string{"authentication", "language", "csrf", "preferences"}, ids)
	assert.Empty(t, c.ServicesIn("nope"))

	opt := c.OptionalCategories()
	require.Len(t, opt, 1)
	assert.Equal(t, "contact", opt[0].ID)
}

func TestMaxAgeR11(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		days int
		want time.Duration
	}{
		{0, 183 * day},
		{30, 30 * day},
		{183, 183 * day},
		{395, 395 * day},
		{1000, 395 * day}, // an invalid catalogue still never keeps a choice longer
		{-4, 183 * day},
	} {
		c := &Catalogue{Site: Site{MaxAgeDays: tc.days}}
		assert.Equal(t, tc.want, c.MaxAge(), "MaxAgeDays %d", tc.days)
	}
}
