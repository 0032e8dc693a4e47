package consent

import (
	"bytes"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the checked-in seed corpus of FuzzDecodeRecord")

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

// recordCase is a cookie value and why DecodeRecord must reject it ("" for
// a valid value), checked against testCatalogue at testNow.
type recordCase struct {
	name   string
	value  string
	reason Reason
}

// recordCases are the values every reason test, the fuzz seeds and the
// checked-in corpus use. Names are file names in the corpus.
func recordCases(c *Catalogue) []recordCase {
	rev := c.Revision()
	ts := strconv.FormatInt(testNow.Unix(), 10)
	at := func(d time.Duration) string { return strconv.FormatInt(testNow.Add(d).Unix(), 10) }
	const cats0, services0 = "media:0~stats:0", "hotjar:0~matomo:0~youtube:0"
	record := func(rev, ts, id, cats, services string) string {
		return strings.Join([]string{"1", rev, ts, id, cats, services}, ".")
	}
	withLists := func(cats, services string) string { return record(rev, ts, testID, cats, services) }
	withRevision := func(rev string) string { return record(rev, ts, testID, cats0, services0) }
	withTime := func(ts string) string { return record(rev, ts, testID, cats0, services0) }
	withID := func(id string) string { return record(rev, ts, id, cats0, services0) }
	refused := withLists(cats0, services0)
	accepted := withLists("media:1~stats:1", "hotjar:1~matomo:1~youtube:1")
	afterVersion := strings.TrimPrefix(refused, "1")
	maxAge := c.MaxAge()

	return []recordCase{
		{"valid-refuse-all", refused, ""},
		{"valid-accept-all", accepted, ""},
		{"valid-partial", withLists("media:0~stats:1", "hotjar:1~matomo:1~youtube:0"), ""},
		{"valid-at-max-clock-skew", withTime(at(MaxClockSkew)), ""},
		{"valid-just-before-expiry", withTime(at(-maxAge + time.Second)), ""},

		{"empty", "", ReasonEmpty},
		{"too-long", refused + "~" + strings.Repeat("a", MaxRecordLength-len(refused)), ReasonTooLong},

		{"char-space", strings.Replace(refused, ".", ". ", 1), ReasonMalformed},
		{"char-semicolon", refused + ";", ReasonMalformed},
		{"char-equals", "cookies_preferences=" + refused, ReasonMalformed},
		{"char-quoted", `"` + refused + `"`, ReasonMalformed},
		{"char-non-ascii", strings.Replace(refused, "media", "médiа", 1), ReasonMalformed},
		{"char-nul", refused + "\x00", ReasonMalformed},
		{"char-comma", strings.Replace(refused, "~", ",", 1), ReasonMalformed},
		{"no-version", "media:0", ReasonMalformed},
		{"leading-dot", "." + refused, ReasonMalformed},
		{"too-few-fields", strings.Join([]string{"1", rev, ts, testID, cats0}, "."), ReasonMalformed},
		{"too-many-fields", refused + ".x", ReasonMalformed},
		{"truncated", refused[:len(refused)-2], ReasonMalformed},
		{"revision-not-hex", withRevision("zzzzzzzzzzzz"), ReasonMalformed},
		{"revision-short", withRevision(rev[:11]), ReasonMalformed},
		{"revision-uppercase", withRevision("ABCDEF012345"), ReasonMalformed},
		{"bit-not-binary", withLists("media:2~stats:0", services0), ReasonMalformed},
		{"bit-word", withLists("media:true~stats:0", services0), ReasonMalformed},
		{"entry-without-bit", withLists("media~stats:0", services0), ReasonMalformed},
		{"entry-empty", withLists("media:0~~stats:0", services0), ReasonMalformed},
		{"entry-trailing-separator", withLists("media:0~stats:0~", services0), ReasonMalformed},
		{"entry-bad-id", withLists("Media:0~stats:0", services0), ReasonMalformed},
		{"entry-two-colons", withLists("media:0:1~stats:0", services0), ReasonMalformed},
		{"entries-out-of-order", withLists("stats:0~media:0", services0), ReasonMalformed},

		{"version-2", "2" + afterVersion, ReasonVersion},
		{"version-0", "0" + afterVersion, ReasonVersion},
		{"version-leading-zero", "01" + afterVersion, ReasonVersion},
		{"version-2-other-layout", "2.AAAA", ReasonVersion},

		{"revision-other", withRevision("000000000000"), ReasonRevision},

		{"timestamp-negative", withTime("-1"), ReasonTimestamp},
		{"timestamp-leading-zero", withTime("0" + ts), ReasonTimestamp},
		{"timestamp-empty", withTime(""), ReasonTimestamp},
		{"timestamp-not-a-number", withTime("17959x3600"), ReasonTimestamp},
		{"timestamp-exponent", withTime("1e9"), ReasonTimestamp},
		{"timestamp-overflow", withTime("99999999999999999999"), ReasonTimestamp},
		{"future", withTime(at(MaxClockSkew + time.Second)), ReasonFuture},
		{"far-future", withTime("9223372036854775807"), ReasonFuture},
		{"expired", withTime(at(-maxAge)), ReasonExpired},
		{"epoch", withTime("0"), ReasonExpired},

		{"id-short", withID(testID[1:]), ReasonBadID},
		{"id-long", withID(testID + "A"), ReasonBadID},
		{"id-empty", withID(""), ReasonBadID},
		{"id-chars", withID("7vN_2kQ-xYb0Lm:~"), ReasonBadID},

		{"unknown-category", withLists("media:0~nosuch:0~stats:0", services0), ReasonUnknownEntry},
		{"necessary-category", withLists("media:0~necessary:1~stats:0", services0), ReasonUnknownEntry},
		{"unknown-service", withLists(cats0, "hotjar:0~matomo:0~nosuch:1~youtube:0"), ReasonUnknownEntry},
		{"necessary-service", withLists(cats0, "hotjar:0~matomo:0~preferences:1~youtube:0"), ReasonUnknownEntry},
		{"category-as-service", withLists(cats0, "media:0~stats:0"), ReasonUnknownEntry},

		{"missing-category", withLists("stats:0", services0), ReasonMissingEntry},
		{"missing-service", withLists(cats0, "hotjar:0~youtube:0"), ReasonMissingEntry},
		{"missing-everything", withLists("", ""), ReasonMissingEntry},

		{"duplicate-category", withLists("media:0~media:0~stats:0", services0), ReasonDuplicate},
		{"duplicate-service-conflicting", withLists(cats0, "hotjar:0~hotjar:1~matomo:0~youtube:0"), ReasonDuplicate},

		{"inconsistent-category-on", withLists("media:0~stats:1", "hotjar:0~matomo:1~youtube:0"), ReasonInconsistent},
		{"inconsistent-category-off", withLists(cats0, "hotjar:1~matomo:1~youtube:0"), ReasonInconsistent},
	}
}

func TestDecodeRecordRejectsEveryMalformedValue(t *testing.T) {
	c := testCatalogue()
	covered := make(map[Reason]bool)
	for _, tc := range recordCases(c) {
		if tc.reason == "" {
			continue
		}
		covered[tc.reason] = true
		t.Run(tc.name, func(t *testing.T) {
			r, err := DecodeRecord(tc.value, c, testNow)
			var re *RecordError
			require.ErrorAs(t, err, &re, "value %q", tc.value)
			assert.Equal(t, tc.reason, re.Reason, "%v", err)
			assert.Zero(t, r, "never a partial grant")
			assert.Contains(t, err.Error(), string(tc.reason))
		})
	}
	for _, reason := range []Reason{ReasonEmpty, ReasonTooLong, ReasonMalformed, ReasonVersion, ReasonRevision,
		ReasonTimestamp, ReasonFuture, ReasonExpired, ReasonBadID, ReasonUnknownEntry, ReasonMissingEntry,
		ReasonDuplicate, ReasonInconsistent} {
		assert.True(t, covered[reason], "no case for %s", reason)
	}
}

func TestDecodeRecordAcceptsValidValues(t *testing.T) {
	c := testCatalogue()
	for _, tc := range recordCases(c) {
		if tc.reason != "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			r, err := DecodeRecord(tc.value, c, testNow)
			require.NoError(t, err)
			assert.Equal(t, tc.value, r.Encode())
			assert.NoError(t, r.check(c))
		})
	}
}

func TestDecodeRecordWithoutCatalogue(t *testing.T) {
	r, err := DecodeRecord(RefuseAll(testCatalogue(), testNow, testID).Encode(), nil, testNow)
	var re *RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, ReasonRevision, re.Reason)
	assert.Zero(t, r)
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

func TestRecordFromCookieHeader(t *testing.T) {
	for _, tc := range []struct {
		name, header, value string
		found               bool
	}{
		{"no cookies", "", "", false},
		{"other cookies", "sessionid=abc; csrftoken=def", "", false},
		{"alone", "cookies_preferences=1.abc", "1.abc", true},
		{"among others", "sessionid=abc; cookies_preferences=1.abc; csrftoken=def", "1.abc", true},
		{"without spaces", "sessionid=abc;cookies_preferences=1.abc", "1.abc", true},
		{"empty value", "cookies_preferences=", "", true},
		{"similar names", "xcookies_preferences=1; cookies_preferences_old=2; cookies_preferences", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value, found, err := RecordFromCookieHeader(tc.header)
			require.NoError(t, err)
			assert.Equal(t, tc.found, found)
			assert.Equal(t, tc.value, value)
		})
	}

	t.Run("several are ambiguous", func(t *testing.T) {
		value, found, err := RecordFromCookieHeader("cookies_preferences=1.a; x=y; cookies_preferences=1.b")
		var re *RecordError
		require.True(t, errors.As(err, &re))
		assert.Equal(t, ReasonAmbiguous, re.Reason)
		assert.True(t, found)
		assert.Empty(t, value)
	})
}

func TestCookieStringR11(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		o    CookieOptions
		want string
	}{
		{"default six months", CookieOptions{}, "cookies_preferences=V; Path=/; Max-Age=15811200; SameSite=Lax"},
		{"site's own max age", CookieOptions{MaxAge: 30 * day}, "cookies_preferences=V; Path=/; Max-Age=2592000; SameSite=Lax"},
		{"at most 13 months", CookieOptions{MaxAge: 1000 * day}, "cookies_preferences=V; Path=/; Max-Age=34128000; SameSite=Lax"},
		{"negative means default", CookieOptions{MaxAge: -time.Hour}, "cookies_preferences=V; Path=/; Max-Age=15811200; SameSite=Lax"},
		{"domain and secure", CookieOptions{Secure: true, Domain: "saint-maur.com", MaxAge: Seed().MaxAge()},
			"cookies_preferences=V; Path=/; Max-Age=15811200; SameSite=Lax; Domain=saint-maur.com; Secure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, CookieString("V", tc.o))
		})
	}
}

func TestExpireCookieStringR16(t *testing.T) {
	assert.Equal(t, "_grecaptcha=; Path=/; Max-Age=0; SameSite=Lax", ExpireCookieString("_grecaptcha", CookieOptions{MaxAge: time.Hour}))
	assert.Equal(t, "cookies_preferences=; Path=/; Max-Age=0; SameSite=Lax; Domain=.saint-maur.com; Secure",
		ExpireCookieString(RecordCookieName, CookieOptions{Secure: true, Domain: ".saint-maur.com"}))
}

// corpusDir holds the checked-in seed corpus of FuzzDecodeRecord.
const corpusDir = "testdata/fuzz/FuzzDecodeRecord"

// TestFuzzCorpusIsCurrent checks that the checked-in corpus holds every
// record case, so that the valid seeds stay valid for testCatalogue's
// revision. Run with -update-corpus to rewrite it.
func TestFuzzCorpusIsCurrent(t *testing.T) {
	for _, tc := range recordCases(testCatalogue()) {
		path := filepath.Join(corpusDir, tc.name)
		want := fmt.Sprintf("go test fuzz v1\nstring(%q)\n", tc.value)
		if *updateCorpus {
			require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err, "run go test -run TestFuzzCorpusIsCurrent -update-corpus")
		assert.Equal(t, want, string(got), "%s is stale: run go test -run TestFuzzCorpusIsCurrent -update-corpus", path)
	}
}

// FuzzDecodeRecord checks that no value makes DecodeRecord panic or grant
// part of a choice, and that whatever it accepts is exactly the encoding of
// a complete, consistent record.
func FuzzDecodeRecord(f *testing.F) {
	c := testCatalogue()
	for _, tc := range recordCases(c) {
		f.Add(tc.value)
	}
	f.Fuzz(func(t *testing.T, value string) {
		r, err := DecodeRecord(value, c, testNow)
		if err != nil {
			var re *RecordError
			require.ErrorAs(t, err, &re)
			require.Zero(t, r)
			return
		}
		require.Equal(t, value, r.Encode())
		require.NoError(t, r.check(c))
		for _, cat := range c.OptionalCategories() {
			all := true
			for _, s := range c.ServicesIn(cat.ID) {
				all = all && r.Services[s.ID]
			}
			require.Equal(t, all, r.Categories[cat.ID], "category %s", cat.ID)
		}
		d := Decide(c, RecordCookieName+"="+value, testNow, false)
		require.NoError(t, d.Invalid)
		for id, ok := range r.Services {
			require.Equal(t, ok, d.Allowed(id), "service %s", id)
		}
	})
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
