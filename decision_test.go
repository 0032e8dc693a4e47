package consent

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecide(t *testing.T) {
	c := testCatalogue()
	cookie := func(r Record) string { return "sessionid=x; " + RecordCookieName + "=" + r.Encode() + "; csrftoken=y" }
	accepted := cookie(AcceptAll(c, testNow.Add(-time.Hour), testID))
	refused := cookie(RefuseAll(c, testNow.Add(-time.Hour), testID))
	statsOnly := cookie(NewRecord(c, func(id string) bool { return id != "youtube" }, testNow, testID))
	expired := cookie(AcceptAll(c, testNow.Add(-c.MaxAge()), testID))
	older := testCatalogue()
	older.Services = older.Services[:3] // the revision before youtube was added
	oldRevision := cookie(AcceptAll(older, testNow, testID))
	tampered := strings.Replace(accepted, "stats:1", "stats:0", 1)
	newer := cookie(RefuseAll(c, testNow.Add(time.Minute), testID))
	twice := accepted + "; " + newer
	withBadCopy := RecordCookieName + "=x; " + accepted + "; " + RecordCookieName + "=" + strings.TrimPrefix(tampered, RecordCookieName+"=")

	for _, tc := range []struct {
		name     string
		header   string
		gpc      bool
		allowed  []string // optional services allowed
		ask      bool
		reason   Reason // why the stored value is invalid, if it is
		recorded bool
	}{
		{name: "R1 R8 no choice yet: ask, nothing optional runs", header: "sessionid=x", ask: true},
		{name: "R3 empty header is no choice", header: "", ask: true},
		{name: "R10 a refusal is remembered", header: refused, recorded: true},
		{name: "acceptance is remembered", header: accepted, allowed: []string{"matomo", "hotjar", "youtube"}, recorded: true},
		{name: "R12 a choice per purpose", header: statsOnly, allowed: []string{"matomo", "hotjar"}, recorded: true},
		{name: "R11 an expired choice asks again", header: expired, ask: true, reason: ReasonExpired},
		{name: "R13 a choice for an older revision asks again", header: oldRevision, ask: true, reason: ReasonRevision},
		{name: "a tampered choice asks again", header: tampered, ask: true, reason: ReasonInconsistent},
		{name: "an empty value asks again", header: RecordCookieName + "=", ask: true, reason: ReasonEmpty},
		{name: "of two valid copies the newest stands", header: twice, recorded: true},
		{name: "a copy that is no choice does not lock the visitor out", header: withBadCopy, allowed: []string{"matomo", "hotjar", "youtube"}, recorded: true},
		{name: "copies that are all invalid ask again", header: tampered + "; " + expired, ask: true, reason: ReasonInconsistent},
		{name: "R20 GPC without a choice refuses and does not nag", header: "sessionid=x", gpc: true},
		{name: "R20 GPC never turns an invalid choice into consent", header: tampered, gpc: true, reason: ReasonInconsistent},
		{name: "R20 GPC with an expired choice does not nag", header: expired, gpc: true, reason: ReasonExpired},
		{name: "R20 an explicit opt-in is honoured under GPC", header: accepted, gpc: true, allowed: []string{"matomo", "hotjar", "youtube"}, recorded: true},
		{name: "R20 an explicit refusal stands under GPC", header: refused, gpc: true, recorded: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(c, tc.header, testNow, tc.gpc)
			assert.Equal(t, tc.ask, d.Ask, "Ask")

			wantServices := map[string]bool{"preferences": true, "matomo": false, "hotjar": false, "youtube": false}
			for _, id := range tc.allowed {
				wantServices[id] = true
			}
			assert.Equal(t, wantServices, d.Services)
			assert.Equal(t, map[string]bool{
				"necessary": true,
				"stats":     wantServices["matomo"] && wantServices["hotjar"],
				"media":     wantServices["youtube"],
			}, d.Categories)

			if tc.reason == "" {
				assert.NoError(t, d.Invalid)
			} else {
				var re *RecordError
				require.ErrorAs(t, d.Invalid, &re)
				assert.Equal(t, tc.reason, re.Reason)
			}
			if tc.recorded {
				require.NotNil(t, d.Record)
				assert.Equal(t, testID, d.Record.ID)
			} else {
				assert.Nil(t, d.Record)
			}
		})
	}
}

func TestDecideAllowed(t *testing.T) {
	c := testCatalogue()
	header := RecordCookieName + "=" + NewRecord(c, func(id string) bool { return id == "youtube" }, testNow, testID).Encode()
	d := Decide(c, header, testNow, false)
	assert.True(t, d.Allowed("preferences"), "necessary always runs")
	assert.True(t, d.Allowed("youtube"))
	assert.False(t, d.Allowed("matomo"))
	assert.False(t, d.Allowed("nosuch"), "unknown ids never run")
	assert.False(t, d.Allowed(""))
}

func TestDecideSeedR1RecaptchaOffUntilAllowed(t *testing.T) {
	c := Seed()
	d := Decide(c, "", testNow, false)
	assert.True(t, d.Ask)
	assert.False(t, d.Allowed("recaptcha"))
	for _, id := range []string{"authentication", "language", "csrf", "preferences"} {
		assert.True(t, d.Allowed(id), id)
	}

	d = Decide(c, RecordCookieName+"="+AcceptAll(c, testNow, testID).Encode(), testNow, false)
	assert.False(t, d.Ask)
	assert.True(t, d.Allowed("recaptcha"))
	assert.True(t, d.Categories["contact"])
}

func TestDecideWithoutCatalogueFailsClosed(t *testing.T) {
	d := Decide(nil, "", testNow, false)
	assert.Error(t, d.Invalid)
	assert.False(t, d.Allowed("recaptcha"))
}

func TestDecisionPermitsServicesAndCategories(t *testing.T) {
	c := Seed()
	d := Decide(c, "", time.Now(), false)
	for _, s := range c.Services {
		cat, _ := c.Category(s.Category)
		allowed, known := d.Permits(s.ID)
		assert.True(t, known, s.ID)
		assert.Equal(t, cat.Necessary, allowed, "service %s before any choice", s.ID)
		allowed, known = d.Permits(cat.ID)
		assert.True(t, known, cat.ID)
		assert.Equal(t, cat.Necessary, allowed, "category %s before any choice", cat.ID)
	}
	d.Services["recaptcha"], d.Categories["contact"] = true, true
	allowed, known := d.Permits("recaptcha")
	assert.True(t, allowed && known)
	allowed, known = d.Permits("nope")
	assert.False(t, allowed, "an unknown id stays blocked")
	assert.False(t, known)
}
