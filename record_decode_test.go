package consent

import (
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
