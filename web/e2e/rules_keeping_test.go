package e2e

import (
	"errors"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badRecord is a cookies_preferences value the widget must not trust, and
// the reason the record decoder gives for it.
type badRecord struct {
	name   string
	value  string
	reason consent.Reason
}

// badRecords forges the stored choices of TestR11R13BadStoredChoiceIsNotTrusted
// from a real record of the seed catalogue. Each allows reCAPTCHA, so that
// trusting it would show.
func badRecords(t *testing.T) []badRecord {
	t.Helper()
	seed := consent.Seed()
	now := time.Now()
	const id = "AAAAAAAAAAAAAAAA"
	accept := consent.AcceptAll(seed, now, id).Encode()

	// A catalogue from before a change: the seed without its language
	// cookie. A choice made then is validly formed, for another revision.
	old := consent.Seed()
	for i := range old.Services {
		if old.Services[i].ID == "language" {
			old.Services[i].Cookies = nil
		}
	}
	require.NotEqual(t, seed.Revision(), old.Revision(), "a changed catalogue has a new revision")
	oldValue := consent.AcceptAll(old, now, id).Encode()
	_, err := consent.DecodeRecord(oldValue, old, now)
	require.NoError(t, err, "the old choice is valid for the old catalogue")

	// The revision with its last digit changed.
	rev := seed.Revision()
	last := "0"
	if strings.HasSuffix(rev, "0") {
		last = "1"
	}
	altered := strings.Replace(accept, rev, rev[:len(rev)-1]+last, 1)

	// A refusal whose reCAPTCHA bit was flipped to 1.
	refuse := consent.RefuseAll(seed, now, id).Encode()
	flipped := strings.Replace(refuse, "recaptcha:0", "recaptcha:1", 1)
	require.NotEqual(t, refuse, flipped)

	return []badRecord{
		{"expired", consent.AcceptAll(seed, now.Add(-seed.MaxAge()-time.Hour), id).Encode(), consent.ReasonExpired},
		{"old-revision", oldValue, consent.ReasonRevision},
		{"revision-altered", altered, consent.ReasonRevision},
		{"grant-flipped", flipped, consent.ReasonInconsistent},
		{"from-the-future", consent.AcceptAll(seed, now.Add(24*time.Hour), id).Encode(), consent.ReasonFuture},
	}
}

func TestR11R13BadStoredChoiceIsNotTrusted(t *testing.T) {
	bad := badRecords(t)
	for _, r := range bad {
		_, err := consent.DecodeRecord(r.value, consent.Seed(), time.Now())
		var recErr *consent.RecordError
		require.True(t, errors.As(err, &recErr), "%s: the forged value is rejected", r.name)
		require.Equal(t, r.reason, recErr.Reason, "%s: %v", r.name, err)
	}
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, r := range bad {
			t.Run(r.name, func(t *testing.T) {
				// The first page only gives the cookie its origin: the home
				// page, where a first visit starts no wasm.
				tb := open(t, b, "/", engine.PageOptions{})
				tb.eval(`document.cookie = `+jsString(consent.CookieString(r.value, consent.CookieOptions{})), nil)
				tb.waitConsentCookie(r.value)

				proxy.Reset()
				tb.load("/contact")
				assert.Equal(t, "banner", tb.settledMode(), "R11, R13: the visitor is asked again")
				assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
				assertNothingLoaded(t, tb, "a "+r.name+" choice")
				c, _ := tb.consentCookie()
				assert.Equal(t, r.value, c.Value, "R2: the widget writes nothing before the visitor chooses")

				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				assert.Equal(t, allOff(), tb.toggles(), "R8: the untrusted choice ticks nothing")
				tb.click(frame(`.cc-prefs [data-action=refuse]`))
				tb.waitMode("button")
				rec := tb.record() // decodes, so it is a valid record of this revision
				assert.Equal(t, consent.Seed().Revision(), rec.Revision)
				assert.NotEqual(t, r.value, rec.Encode(), "the new choice replaces the bad one")
				assert.False(t, rec.Services["recaptcha"])
				assertNothingLoaded(t, tb, "after refusing")
			})
		}
	})
}

func TestR10R11R12ChoiceIsRecordedInFull(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct {
			name, control string
			allowed       bool
		}{
			{"refuse", `#cc-banner [data-action=refuse]`, false},
			{"accept", `#cc-banner [data-action=accept]`, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tb := open(t, b, "/contact", engine.PageOptions{})
				before := time.Now().Truncate(time.Second)
				tb.click(frame(tt.control))
				tb.waitMode("button")
				after := time.Now()

				c, ok := tb.consentCookie()
				require.True(t, ok)
				rec, err := consent.DecodeRecord(c.Value, seed, time.Now())
				require.NoError(t, err, "R12: a valid consent record")
				assert.Equal(t, rec.Encode(), c.Value, "stored in its canonical form")
				assert.Equal(t, map[string]bool{"contact": tt.allowed}, rec.Categories, "R12: yes or no per purpose")
				assert.Equal(t, map[string]bool{"recaptcha": tt.allowed}, rec.Services)
				assert.Equal(t, seed.Revision(), rec.Revision, "R12, R13: the revision answered")
				assert.Regexp(t, `^[A-Za-z0-9_-]{16}$`, rec.ID, "R12: a consent id")
				assert.False(t, rec.Time.Before(before), "R12: the time of the choice, %s, not before the click at %s", rec.Time, before)
				assert.False(t, rec.Time.After(after), "R12: the time of the choice, %s, not after %s", rec.Time, after)
				// R11: Max-Age of 183 days from when the cookie was set.
				life := time.Duration(consent.DefaultMaxAgeDays) * 24 * time.Hour
				assert.WithinRange(t, c.Expires, before.Add(life-time.Second), after.Add(life+time.Second), "R11: about six months")

				// R10: remembered on every page, and not rewritten.
				for _, p := range demoPages {
					tb.load(p.path)
					assert.Equal(t, "button", tb.settledMode(), "R10: %s", p.path)
				}
				again, _ := tb.consentCookie()
				assert.Equal(t, c.Value, again.Value, "visits do not rewrite the record")

				// A new choice is a new record with its own id.
				tb.clickFab()
				tb.waitMode("modal")
				tb.click(frame(`.cc-prefs [data-action=accept]`))
				tb.waitMode("button")
				next := tb.record()
				assert.NotEqual(t, rec.ID, next.ID, "each choice has its own consent id")
				assert.False(t, next.Time.Before(rec.Time))
				assert.Equal(t, map[string]bool{"recaptcha": true}, next.Services)
			})
		}
	})
}
