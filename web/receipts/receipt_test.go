package receipts

import (
	"slices"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2026, 11, 30, 9, 15, 2, 0, time.UTC)

func TestParseAcceptsEveryAction(t *testing.T) {
	c := consent.Seed()
	cs := NewCatalogues(c)
	at := now.Add(-time.Hour)
	for a, rec := range map[Action]consent.Record{
		ActionAcceptAll:  consent.AcceptAll(c, at, "AAAAAAAAAAAAAAAA"),
		ActionRefuseAll:  consent.RefuseAll(c, at, "AAAAAAAAAAAAAAAA"),
		ActionCustom:     consent.AcceptAll(c, at, "AAAAAAAAAAAAAAAA"),
		ActionWithdrawal: consent.RefuseAll(c, at, "AAAAAAAAAAAAAAAA"),
		ActionGPC:        consent.RefuseAll(c, at, "AAAAAAAAAAAAAAAA"),
	} {
		r, err := Parse(body(t, rec, a), cs, now)
		require.NoError(t, err, a)
		assert.Equal(t, Receipt{
			RecordID: "AAAAAAAAAAAAAAAA", Action: a, Time: at, Received: now, Revision: c.Revision(),
			Categories: rec.Categories, Services: rec.Services, Value: rec.Encode(),
		}, r, a)
	}
}

func TestParseAcceptsAnOlderRevisionItKnows(t *testing.T) {
	old := consent.Seed()
	old.Services[4].Provider = "Google LLC"
	cur := consent.Seed()
	rec := consent.AcceptAll(old, now, "AAAAAAAAAAAAAAAA")

	r, err := Parse(body(t, rec, ActionAcceptAll), NewCatalogues(cur, old), now)
	require.NoError(t, err)
	assert.Equal(t, old.Revision(), r.Revision)

	_, err = Parse(body(t, rec, ActionAcceptAll), NewCatalogues(cur), now)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown catalogue revision \""+old.Revision()+"\"")
}

func TestParseRefuses(t *testing.T) {
	c := consent.Seed()
	cs := NewCatalogues(c)
	accept := consent.AcceptAll(c, now, "AAAAAAAAAAAAAAAA")
	refuse := consent.RefuseAll(c, now, "AAAAAAAAAAAAAAAA")
	other := consent.Seed()
	other.Services[4].Provider = "Google LLC"
	good := `"record":"` + accept.Encode() + `","action":"accept-all","time":"` + now.Format(time.RFC3339) + `"`
	forged := strings.Replace(accept.Encode(), "contact:1", "contact:0", 1)
	for _, tc := range []struct {
		name, body, want string
	}{
		{"empty", ``, "not a JSON object"},
		{"not JSON", `record=1`, "not a JSON object"},
		{"array", `[` + good + `]`, "not a JSON object"},
		{"truncated", `{` + good, "not a JSON object"},
		{"trailing data", `{` + good + `} {}`, "data after the JSON object"},
		{"unknown field", `{` + good + `,"ip":"192.0.2.1"}`, `receipt: ip: unknown field`},
		{"duplicate field", `{` + good + `,"action":"accept-all"}`, "receipt: action: listed twice"},
		{"number", `{"record":"` + accept.Encode() + `","action":"accept-all","time":1795900000}`, "receipt: time: want a string"},
		{"missing field", `{"record":"` + accept.Encode() + `","action":"accept-all"}`, "receipt: time: missing"},
		{"oversized", `{` + good + strings.Repeat(" ", MaxBodyBytes) + `}`, "larger than"},
		{"unknown revision", `{"record":"` + consent.AcceptAll(other, now, "AAAAAAAAAAAAAAAA").Encode() + `","action":"accept-all","time":"` + now.Format(time.RFC3339) + `"}`, "unknown catalogue revision"},
		{"not a record", `{"record":"hello","action":"accept-all","time":"` + now.Format(time.RFC3339) + `"}`, "receipt: record: cookies_preferences: malformed: no format version"},
		{"empty record", `{"record":"","action":"accept-all","time":"` + now.Format(time.RFC3339) + `"}`, "receipt: record: cookies_preferences: empty"},
		{"record of a later format", `{"record":"2.x","action":"accept-all","time":"` + now.Format(time.RFC3339) + `"}`, "format version \"2\", want 1"},
		{"forged category", `{"record":"` + forged + `","action":"custom","time":"` + now.Format(time.RFC3339) + `"}`, "inconsistent"},
		{"expired", `{"record":"` + consent.AcceptAll(c, now.Add(-200*24*time.Hour), "AAAAAAAAAAAAAAAA").Encode() + `","action":"accept-all","time":"` + now.Add(-200*24*time.Hour).Format(time.RFC3339) + `"}`, "expired"},
		{"future", `{"record":"` + consent.AcceptAll(c, now.Add(time.Hour), "AAAAAAAAAAAAAAAA").Encode() + `","action":"accept-all","time":"` + now.Add(time.Hour).Format(time.RFC3339) + `"}`, "future"},
		{"unknown action", `{"record":"` + accept.Encode() + `","action":"maybe","time":"` + now.Format(time.RFC3339) + `"}`, `receipt: action: "maybe" is not one of`},
		{"accept-all refusing", `{"record":"` + refuse.Encode() + `","action":"accept-all","time":"` + now.Format(time.RFC3339) + `"}`, "accept-all but the record refuses 1 of 1 services"},
		{"refuse-all allowing", `{"record":"` + accept.Encode() + `","action":"refuse-all","time":"` + now.Format(time.RFC3339) + `"}`, "refuse-all but the record allows 1 services"},
		{"gpc allowing", `{"record":"` + accept.Encode() + `","action":"gpc","time":"` + now.Format(time.RFC3339) + `"}`, "gpc but the record allows"},
		{"withdrawal refusing nothing", `{"record":"` + accept.Encode() + `","action":"withdrawal","time":"` + now.Format(time.RFC3339) + `"}`, "withdrawal but the record refuses no service"},
		{"bad time", `{"record":"` + accept.Encode() + `","action":"accept-all","time":"yesterday"}`, "receipt: time: \"yesterday\" is not an RFC 3339 time"},
		{"time of another second", `{"record":"` + accept.Encode() + `","action":"accept-all","time":"` + now.Add(time.Second).Format(time.RFC3339) + `"}`, "is not the record's time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.body), cs, now)
			require.Error(t, err)
			var rerr *Error
			require.ErrorAs(t, err, &rerr)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseTakesTheTimeToTheSecond(t *testing.T) {
	c := consent.Seed()
	rec := consent.AcceptAll(c, now, "AAAAAAAAAAAAAAAA")
	b := `{"time":"` + now.Add(999*time.Millisecond).Format(time.RFC3339Nano) + `","action":"accept-all","record":"` + rec.Encode() + `"}`
	r, err := Parse([]byte(b), NewCatalogues(c), now.Add(1500*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, now, r.Time)
	assert.Equal(t, now.Add(time.Second), r.Received, "received is truncated to the second")
}

// TestParseAcceptsWhatTheWidgetSends: the body the widget builds
// (consent.NewReceipt, with the action consent.ChoiceAction names) is a
// receipt this package stores, for every action.
func TestParseAcceptsWhatTheWidgetSends(t *testing.T) {
	c := consent.Seed()
	c.Services = append(c.Services, consent.Service{ID: "video", Category: "contact", Provider: "P", Name: c.Services[4].Name})
	cs := NewCatalogues(c)
	at := now.Add(-time.Minute)
	record := func(allowed ...string) consent.Record {
		return consent.NewRecord(c, func(id string) bool { return slices.Contains(allowed, id) }, at, "AAAAAAAAAAAAAAAA")
	}
	before := record("recaptcha", "video")
	for _, tc := range []struct {
		before *consent.Record
		after  consent.Record
		gpc    bool
	}{
		{nil, record("recaptcha", "video"), false},
		{nil, record(), false},
		{nil, record("video"), false},
		{nil, record(), true},
		{&before, record("video"), false},
	} {
		a := consent.ChoiceAction(tc.before, tc.after, tc.gpc)
		r, err := Parse(consent.NewReceipt(tc.after, a), cs, now)
		require.NoError(t, err, a)
		assert.Equal(t, a, r.Action)
		assert.Equal(t, tc.after.Services, r.Services, a)
	}
}
