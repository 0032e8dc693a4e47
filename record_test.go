package consent

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNow is the fixed "now" of the record tests.
var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

const testID = "7vN_2kQ-xYb0LmPa"

// testCatalogue has two optional categories, one with two services, listed
// out of id order so that tests see the record sort them.
func testCatalogue() *Catalogue {
	fr := func(s string) Text { return Text{"fr": s} }
	cookie := func(name string) []Cookie {
		return []Cookie{{Name: name, Purpose: fr("Finalité."), Lifetime: fr("1 an")}}
	}
	return &Catalogue{
		Site: Site{Name: fr("Essai"), PolicyURL: LangURL{All: "/cookies"}, Contact: fr("Mairie"), Intro: fr("Bienvenue.")},
		Categories: []Category{
			{ID: "necessary", Necessary: true, Title: fr("Nécessaires"), Description: fr("Toujours actifs.")},
			{ID: "stats", Title: fr("Statistiques"), Description: fr("Mesure d'audience."), Refusal: fr("Rien ne change.")},
			{ID: "media", Title: fr("Vidéos"), Description: fr("Vidéos intégrées."), Refusal: fr("Un lien remplace la vidéo.")},
		},
		Services: []Service{
			{ID: "preferences", Category: "necessary", Provider: "Ville", Name: fr("Vos choix"), Cookies: cookie(RecordCookieName)},
			{ID: "matomo", Category: "stats", Provider: "Ville", Name: fr("Matomo"), Cookies: cookie("_pk_id")},
			{ID: "hotjar", Category: "stats", Provider: "Hotjar", Name: fr("Hotjar"), Cookies: cookie("_hjid")},
			{ID: "youtube", Category: "media", Provider: "Google", Name: fr("YouTube"), Cookies: cookie("VISITOR_INFO1_LIVE")},
		},
	}
}

func TestTestCatalogueIsValid(t *testing.T) {
	require.NoError(t, testCatalogue().Validate())
}

func TestRecordR12HoldsEachPurposeTimeIDAndRevision(t *testing.T) {
	c := testCatalogue()
	now := testNow.Add(1234567 * time.Nanosecond).In(time.FixedZone("CET", 3600))
	r := NewRecord(c, func(id string) bool { return id != "youtube" }, now, testID)
	assert.Equal(t, Record{
		Revision:   c.Revision(),
		Time:       testNow,
		ID:         testID,
		Categories: map[string]bool{"stats": true, "media": false},
		Services:   map[string]bool{"matomo": true, "hotjar": true, "youtube": false},
	}, r)

	value := r.Encode()
	assert.Equal(t, "1."+c.Revision()+".1795953600."+testID+".media:0~stats:1.hotjar:1~matomo:1~youtube:0", value)
	back, err := DecodeRecord(value, c, testNow)
	require.NoError(t, err)
	assert.Equal(t, r, back)
}

func TestNewRecordDerivesCategories(t *testing.T) {
	c := testCatalogue()
	services := []string{"matomo", "hotjar", "youtube"}
	// Every subset of the optional services round-trips and keeps the
	// invariant.
	for mask := range 1 << len(services) {
		allowed := func(id string) bool {
			for i, s := range services {
				if s == id {
					return mask&(1<<i) != 0
				}
			}
			return false
		}
		r := NewRecord(c, allowed, testNow, testID)
		assert.Equal(t, r.Services["matomo"] && r.Services["hotjar"], r.Categories["stats"], "mask %b", mask)
		assert.Equal(t, r.Services["youtube"], r.Categories["media"], "mask %b", mask)
		back, err := DecodeRecord(r.Encode(), c, testNow)
		require.NoError(t, err, "mask %b", mask)
		assert.Equal(t, r, back)
	}
}

func TestAcceptAllAndRefuseAllR4(t *testing.T) {
	c := testCatalogue()
	accept := AcceptAll(c, testNow, testID)
	refuse := RefuseAll(c, testNow, testID)
	for _, cat := range []string{"stats", "media"} {
		assert.True(t, accept.Categories[cat])
		assert.False(t, refuse.Categories[cat])
	}
	for _, s := range []string{"matomo", "hotjar", "youtube"} {
		assert.True(t, accept.Services[s])
		assert.False(t, refuse.Services[s])
	}
	assert.Len(t, accept.Services, 3, "only optional services")
	assert.Len(t, accept.Categories, 2, "only optional categories")
	assert.Equal(t, refuse, NewRecord(c, nil, testNow, testID), "nil allowed refuses")
}

func TestSeedRecords(t *testing.T) {
	c := Seed()
	rev := c.Revision()
	assert.Equal(t, "1."+rev+".1795953600.AAAAAAAAAAAAAAAA.contact:0.recaptcha:0", RefuseAll(c, testNow, "AAAAAAAAAAAAAAAA").Encode())
	assert.Equal(t, "1."+rev+".1795953600.AAAAAAAAAAAAAAAA.contact:1.recaptcha:1", AcceptAll(c, testNow, "AAAAAAAAAAAAAAAA").Encode())
}

// bigCatalogue has n optional services with ids of idLen characters, in
// categories of perCategory services each.
func bigCatalogue(t *testing.T, n, idLen, perCategory int) *Catalogue {
	t.Helper()
	c := testCatalogue()
	c.Categories, c.Services = c.Categories[:1], c.Services[:1]
	base := Category{Title: Text{"fr": "T"}, Description: Text{"fr": "D"}, Refusal: Text{"fr": "R"}}
	id := func(prefix byte, i int) string {
		s := fmt.Sprintf("%c%03d", prefix, i)
		return s + strings.Repeat("x", idLen-len(s))
	}
	for i := range n {
		if i%perCategory == 0 {
			cat := base
			cat.ID = id('c', i)
			c.Categories = append(c.Categories, cat)
		}
		c.Services = append(c.Services, Service{
			ID: id('s', i), Category: c.Categories[len(c.Categories)-1].ID, Provider: "P", Name: Text{"fr": "S"},
		})
	}
	require.NoError(t, c.Validate())
	return c
}

func TestRecordFitsInACookie(t *testing.T) {
	// Longest ids, one category per service: the worst case for 50.
	worst := bigCatalogue(t, 50, 32, 1)
	value := AcceptAll(worst, testNow, testID).Encode()
	assert.Less(t, len(RecordCookieName)+1+len(value), 4096)
	_, err := DecodeRecord(value, worst, testNow)
	require.NoError(t, err)

	// A plausible large site: 50 services with 16-character ids in 10
	// categories.
	large := bigCatalogue(t, 50, 16, 5)
	value = AcceptAll(large, testNow, testID).Encode()
	assert.Less(t, len(value), 1500)
	_, err = DecodeRecord(value, large, testNow)
	require.NoError(t, err)
}

func TestEncodeUsesOnlyCookieOctets(t *testing.T) {
	c := bigCatalogue(t, 20, 32, 3)
	for _, r := range []Record{AcceptAll(c, testNow, testID), RefuseAll(c, testNow, "-_-_-_-_-_-_-_-_")} {
		for _, b := range []byte(r.Encode()) {
			// RFC 6265 cookie-octet: no control, space, DQUOTE, comma,
			// semicolon or backslash.
			assert.True(t, b > 0x20 && b < 0x7f && !strings.ContainsRune("\",;\\", rune(b)), "byte %q", b)
		}
	}
}

func TestNewConsentID(t *testing.T) {
	id, err := NewConsentID(bytes.NewReader(make([]byte, 12)))
	require.NoError(t, err)
	assert.Equal(t, "AAAAAAAAAAAAAAAA", id)

	id, err = NewConsentID(bytes.NewReader(bytes.Repeat([]byte{0xff}, 12)))
	require.NoError(t, err)
	assert.Equal(t, "________________", id)

	_, err = NewConsentID(bytes.NewReader(make([]byte, 11)))
	assert.ErrorContains(t, err, "random bytes")

	a, err := NewConsentID(rand.Reader)
	require.NoError(t, err)
	b, err := NewConsentID(rand.Reader)
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
	assert.True(t, IsConsentID(a), a)
}

func TestFormatTimeIsRFC3339InUTC(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC),
		time.Date(9, 1, 2, 3, 4, 5, 999, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 0, time.FixedZone("CET", 3600)),
		time.Unix(0, 0),
	} {
		assert.Equal(t, tm.UTC().Format(time.RFC3339), formatTime(tm))
	}
}
