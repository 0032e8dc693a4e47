package consent

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receiptNow is the server's clock in the receipt tests.
var receiptNow = time.Date(2026, 11, 30, 9, 15, 2, 0, time.UTC)

// withVideo is the seed with a second optional service in the contact
// category, so that a record can allow some services and refuse others.
func withVideo() *Catalogue {
	c := Seed()
	c.Services = append(c.Services, Service{ID: "video", Category: "contact", Provider: "P", Name: c.Services[4].Name})
	return c
}

func recordAllowing(c *Catalogue, at time.Time, allowed ...string) Record {
	return NewRecord(c, func(id string) bool { return slices.Contains(allowed, id) }, at, "7vN_2kQ-xYb0LmPa")
}

func TestChoiceAction(t *testing.T) {
	c := withVideo()
	rec := func(allowed ...string) *Record {
		r := recordAllowing(c, receiptNow, allowed...)
		return &r
	}
	for _, tc := range []struct {
		name          string
		before, after *Record
		gpc           bool
		want          Action
	}{
		{"first choice, all on", nil, rec("recaptcha", "video"), false, ActionAcceptAll},
		{"first choice, all off", nil, rec(), false, ActionRefuseAll},
		{"first choice, some on", nil, rec("video"), false, ActionCustom},
		{"all off with GPC", nil, rec(), true, ActionGPC},
		{"all on with GPC is still the visitor's acceptance", nil, rec("recaptcha", "video"), true, ActionAcceptAll},
		{"one taken back", rec("recaptcha", "video"), rec("video"), false, ActionWithdrawal},
		{"all taken back", rec("recaptcha"), rec(), false, ActionWithdrawal},
		{"all taken back with GPC", rec("recaptcha"), rec(), true, ActionWithdrawal},
		{"one swapped for another", rec("recaptcha"), rec("video"), false, ActionWithdrawal},
		{"one more allowed", rec("video"), rec("recaptcha", "video"), false, ActionAcceptAll},
		{"refused again", rec(), rec(), false, ActionRefuseAll},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ChoiceAction(tc.before, *tc.after, tc.gpc)
			assert.Equal(t, tc.want, got)
			assert.NoError(t, Receipt{Record: *tc.after, Action: got}.CheckAction(), "every action ChoiceAction names agrees with its record")
		})
	}
}

func TestReceiptEncodeIsJSONOfTheRecordActionAndTimeOnly(t *testing.T) {
	c := Seed()
	r := NewRecord(c, func(string) bool { return true }, receiptNow.Add(500), "7vN_2kQ-xYb0LmPa")
	body := Receipt{Record: r, Action: ActionAcceptAll}.Encode()
	var got map[string]any
	require.NoError(t, json.Unmarshal(body, &got))
	assert.Equal(t, map[string]any{
		"record": r.Encode(),
		"action": "accept-all",
		"time":   "2026-11-30T09:15:02Z",
	}, got)
}

func TestReceiptEncodeRoundTripsThroughParseReceipt(t *testing.T) {
	c := withVideo()
	at := receiptNow.Add(-time.Minute)
	for _, rc := range []Receipt{
		{recordAllowing(c, at, "recaptcha", "video"), ActionAcceptAll},
		{recordAllowing(c, at), ActionRefuseAll},
		{recordAllowing(c, at), ActionGPC},
		{recordAllowing(c, at), ActionWithdrawal},
		{recordAllowing(c, at, "video"), ActionCustom},
		{recordAllowing(c, at, "video"), ActionWithdrawal},
	} {
		body := rc.Encode()
		assert.True(t, json.Valid(body), "%s", body)
		got, err := ParseReceipt(body, only(c), receiptNow)
		require.NoError(t, err, "%s", body)
		assert.Equal(t, rc, got)
		assert.Equal(t, body, got.Encode(), "the encoding is canonical")
	}
}

func TestReceiptEncodeEscapesWhatIsNotAnID(t *testing.T) {
	r := recordAllowing(Seed(), receiptNow)
	weird := "a\"b\\c\n\x01é"
	r.ID = weird
	body := Receipt{Record: r, Action: Action(weird)}.Encode()
	var got map[string]string
	require.NoError(t, json.Unmarshal(body, &got), "%s", body)
	assert.Equal(t, weird, got["action"])
	assert.Contains(t, got["record"], weird)
}

// only is a catalogue lookup that knows c alone.
func only(c *Catalogue) func(string) *Catalogue {
	rev := c.Revision()
	return func(r string) *Catalogue {
		if r == rev {
			return c
		}
		return nil
	}
}

func TestParseReceiptAcceptsTheTimeWindow(t *testing.T) {
	c := Seed()
	for name, at := range map[string]time.Time{
		"now":                      receiptNow,
		"a day before":             receiptNow.Add(-MaxReceiptDelay),
		"the clock skew ahead":     receiptNow.Add(MaxClockSkew),
		"a fraction of the second": receiptNow.Add(999 * time.Millisecond),
	} {
		rec := AcceptAll(c, at, "AAAAAAAAAAAAAAAA")
		_, err := ParseReceipt(Receipt{Record: rec, Action: ActionAcceptAll}.Encode(), only(c), receiptNow)
		assert.NoError(t, err, name)
	}
}

func TestParseReceiptRefuses(t *testing.T) {
	c := withVideo()
	accept := recordAllowing(c, receiptNow, "recaptcha", "video")
	some := recordAllowing(c, receiptNow, "video")
	refuse := recordAllowing(c, receiptNow)
	other := Seed()
	other.Services[4].Provider = "Google LLC"
	body := func(r Record, a Action) string { return string(Receipt{Record: r, Action: a}.Encode()) }
	good := body(accept, ActionAcceptAll)
	fields := strings.TrimSuffix(strings.TrimPrefix(good, "{"), "}")
	forged := strings.Replace(body(accept, ActionCustom), "contact:1", "contact:0", 1)
	for _, tc := range []struct {
		name, body, want string
	}{
		{"empty", ``, "not a JSON object"},
		{"not JSON", `record=1`, "not a JSON object"},
		{"array", `[` + fields + `]`, "not a JSON object"},
		{"truncated", `{` + fields, "not a JSON object"},
		{"trailing data", good + ` {}`, "data after the JSON object"},
		{"unknown field", `{` + fields + `,"ip":"192.0.2.1"}`, `receipt: ip: unknown field`},
		{"duplicate field", `{` + fields + `,"action":"accept-all"}`, "receipt: action: listed twice"},
		{"number", `{"record":"` + accept.Encode() + `","action":"accept-all","time":1795900000}`, "receipt: time: want a string"},
		{"missing field", `{"record":"` + accept.Encode() + `","action":"accept-all"}`, "receipt: time: missing"},
		{"oversized", `{` + fields + strings.Repeat(" ", MaxReceiptBytes) + `}`, "larger than"},
		{"unknown revision", body(AcceptAll(other, receiptNow, "AAAAAAAAAAAAAAAA"), ActionAcceptAll), `unknown catalogue revision "` + other.Revision() + `"`},
		{"not a record", `{"record":"hello","action":"accept-all","time":"2026-11-30T09:15:02Z"}`, "receipt: record: cookies_preferences: malformed: no format version"},
		{"empty record", `{"record":"","action":"accept-all","time":"2026-11-30T09:15:02Z"}`, "receipt: record: cookies_preferences: empty"},
		{"record of a later format", `{"record":"2.x","action":"accept-all","time":"2026-11-30T09:15:02Z"}`, `format version "2", want 1`},
		{"forged category", forged, "inconsistent"},
		{"expired", body(recordAllowing(c, receiptNow.Add(-200*24*time.Hour)), ActionRefuseAll), "expired"},
		{"further ahead than the clock skew", body(recordAllowing(c, receiptNow.Add(MaxClockSkew+time.Second)), ActionRefuseAll), "future"},
		{"backdated 180 days", body(recordAllowing(c, receiptNow.Add(-180*24*time.Hour)), ActionRefuseAll), "receipt: time: 2026-06-03T09:15:02Z is more than 24h0m0s before the server's time"},
		{"a day and a second old", body(recordAllowing(c, receiptNow.Add(-MaxReceiptDelay-time.Second)), ActionRefuseAll), "more than 24h0m0s before"},
		{"unknown action", body(accept, "maybe"), `receipt: action: "maybe" is not an action`},
		{"accept-all refusing", body(some, ActionAcceptAll), "accept-all but the record allows 1 of its 2 services"},
		{"custom for an accept-all record", body(accept, ActionCustom), "custom but the record allows 2 of its 2 services"},
		{"custom refusing everything", body(refuse, ActionCustom), "custom but the record allows 0 of its 2 services"},
		{"refuse-all allowing", body(some, ActionRefuseAll), "refuse-all but the record allows 1 of its 2 services"},
		{"gpc allowing", body(accept, ActionGPC), "gpc but the record allows 2"},
		{"withdrawal refusing nothing", body(accept, ActionWithdrawal), "withdrawal but the record allows 2 of its 2 services"},
		{"bad time", `{"record":"` + accept.Encode() + `","action":"accept-all","time":"yesterday"}`, `receipt: time: "yesterday" is not an RFC 3339 time`},
		{"time of another second", `{"record":"` + accept.Encode() + `","action":"accept-all","time":"2026-11-30T09:15:03Z"}`, "is not the record's time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseReceipt([]byte(tc.body), only(c), receiptNow)
			var rerr *ReceiptError
			require.ErrorAs(t, err, &rerr)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestCheckTimeRefusesAReceiptAheadOfTheClockSkew(t *testing.T) {
	rc := Receipt{Record: recordAllowing(Seed(), receiptNow.Add(MaxClockSkew+time.Second)), Action: ActionRefuseAll}
	err := rc.CheckTime(receiptNow)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "receipt: time: 2026-11-30T09:20:03Z is more than 5m0s after the server's time 2026-11-30T09:15:02Z")
}

// FuzzParseReceipt: whatever ParseReceipt accepts is a receipt whose
// encoding it reads back to the same receipt.
func FuzzParseReceipt(f *testing.F) {
	c := withVideo()
	for _, rc := range []Receipt{
		{recordAllowing(c, receiptNow, "video"), ActionCustom},
		{recordAllowing(c, receiptNow), ActionGPC},
	} {
		f.Add(rc.Encode())
	}
	f.Add([]byte(`{"record":"1.x","action":"custom","time":"2026-11-30T09:15:02Z","x":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rc, err := ParseReceipt(body, only(c), receiptNow)
		if err != nil {
			var rerr *ReceiptError
			require.ErrorAs(t, err, &rerr)
			return
		}
		again, err := ParseReceipt(rc.Encode(), only(c), receiptNow)
		require.NoError(t, err)
		assert.Equal(t, rc, again)
	})
}
