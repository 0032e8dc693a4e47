package consent

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChoiceAction(t *testing.T) {
	c := Seed()
	c.Services = append(c.Services, Service{ID: "video", Category: "contact", Provider: "P", Name: c.Services[4].Name})
	now := time.Date(2026, 11, 30, 9, 15, 2, 0, time.UTC)
	rec := func(allowed ...string) *Record {
		r := NewRecord(c, func(id string) bool {
			for _, a := range allowed {
				if a == id {
					return true
				}
			}
			return false
		}, now, "7vN_2kQ-xYb0LmPa")
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
			assert.Equal(t, tc.want, ChoiceAction(tc.before, *tc.after, tc.gpc))
		})
	}
}

func TestNewReceiptHoldsTheRecordActionAndTimeOnly(t *testing.T) {
	c := Seed()
	now := time.Date(2026, 11, 30, 9, 15, 2, 500, time.UTC)
	r := NewRecord(c, func(string) bool { return true }, now, "7vN_2kQ-xYb0LmPa")
	var got map[string]any
	require.NoError(t, json.Unmarshal(NewReceipt(r, ActionAcceptAll), &got))
	assert.Equal(t, map[string]any{
		"record": r.Encode(),
		"action": "accept-all",
		"time":   "2026-11-30T09:15:02Z",
	}, got)
}
