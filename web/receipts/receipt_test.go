package receipts

import (
	"encoding/json"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2026, 11, 30, 9, 15, 2, 0, time.UTC)

func TestParseReceivesAtTheServersSecond(t *testing.T) {
	c := consent.Seed()
	rec := consent.AcceptAll(c, now.Add(-time.Hour), "AAAAAAAAAAAAAAAA")
	r, err := Parse(body(t, rec, ActionAcceptAll), NewCatalogues(c), now.Add(1500*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, Receipt{Receipt: consent.Receipt{Record: rec, Action: ActionAcceptAll}, Received: now.Add(time.Second)}, r,
		"the receipt as sent, received at the server's time truncated to the second")
}

func TestParseAcceptsAnOlderRevisionItKnows(t *testing.T) {
	old := consent.Seed()
	old.Services[4].Provider = "Google LLC"
	cur := consent.Seed()
	rec := consent.AcceptAll(old, now, "AAAAAAAAAAAAAAAA")

	r, err := Parse(body(t, rec, ActionAcceptAll), NewCatalogues(cur, old), now)
	require.NoError(t, err)
	assert.Equal(t, old.Revision(), r.Record.Revision)

	_, err = Parse(body(t, rec, ActionAcceptAll), NewCatalogues(cur), now)
	var rerr *consent.ReceiptError
	require.ErrorAs(t, err, &rerr)
	assert.Contains(t, err.Error(), "unknown catalogue revision \""+old.Revision()+"\"")
}

func TestExportedReceiptRoundTripsAndRefusesAValueThatDisagrees(t *testing.T) {
	r := seedReceipt("AAAAAAAAAAAAAAAA", ActionAcceptAll, now)
	r.Received = now.Add(time.Minute)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	var back Receipt
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, r, back)

	var fields map[string]any
	require.NoError(t, json.Unmarshal(data, &fields))
	fields["services"] = map[string]any{"recaptcha": false}
	forged, err := json.Marshal(fields)
	require.NoError(t, err)
	err = json.Unmarshal(forged, &back)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not the encoding of its fields")
}
