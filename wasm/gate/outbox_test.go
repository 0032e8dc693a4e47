package gate

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receiptOf decodes a posted receipt body.
func receiptOf(t *testing.T, body string) map[string]string {
	t.Helper()
	var r map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	return r
}

func TestReceiptSentOnceAndNotKeptWhenAcknowledged(t *testing.T) {
	f := newFixture(t, contactPage)
	f.page.Start()
	require.NoError(t, f.page.Record(f.page.AllowAll()))
	require.Len(t, f.doc.Posts, 1)
	assert.Equal(t, "/consent/receipts", f.doc.Posts[0].Path)
	r := receiptOf(t, f.doc.Posts[0].Body)
	assert.Equal(t, string(consent.ActionAcceptAll), r["action"])
	header, _ := f.doc.Cookie()
	assert.Contains(t, header, r["record"], "the receipt names the record the cookie holds")
	_, kept, _ := f.doc.Local().Get(contract.ReceiptKey)
	assert.False(t, kept, "an acknowledged receipt leaves no trace")
}

func TestReceiptNotAcknowledgedIsRetriedOnceOnTheNextPage(t *testing.T) {
	f := newFixture(t, contactPage)
	f.doc.Answer = func(string, []byte) bool { return false }
	f.page.Start()
	require.NoError(t, f.page.Record(f.page.RefuseAll()))
	require.Len(t, f.doc.Posts, 1)
	kept, found, _ := f.doc.Local().Get(contract.ReceiptKey)
	require.True(t, found, "kept for the next page")
	assert.True(t, strings.HasPrefix(kept, "refuse-all 1."), kept)

	// The next page, whose endpoint still fails: sent once more, then gone.
	f.page = New(f.page.cfg)
	f.page.Start()
	require.Len(t, f.doc.Posts, 2)
	assert.Equal(t, f.doc.Posts[0].Body, f.doc.Posts[1].Body, "the same receipt")
	_, found, _ = f.doc.Local().Get(contract.ReceiptKey)
	assert.False(t, found, "retried once only")
	f.page.Start()
	assert.Len(t, f.doc.Posts, 2)
}

func TestPendingReceiptWrittenByThePageIsNotPosted(t *testing.T) {
	for name, pending := range map[string]string{
		"not a record":                 "accept-all 1.abc",
		"unknown action":               "agree 1.abc",
		"action against the record":    "",
		"older than the service takes": "old",
		"another visitor's future":     "accept-all 1.%s.4102444800.AAAAAAAAAAAAAAAA.contact:1~video:1.recaptcha:1~vimeo:1",
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, contactPage)
			switch pending {
			case "":
				rec := consent.RefuseAll(f.cat, f.page.now(), "AAAAAAAAAAAAAAAA")
				pending = "accept-all " + rec.Encode()
			case "old":
				rec := consent.RefuseAll(f.cat, f.page.now().Add(-consent.MaxReceiptDelay-time.Hour), "AAAAAAAAAAAAAAAA")
				pending = "refuse-all " + rec.Encode()
			}
			pending = strings.Replace(pending, "%s", f.cat.Revision(), 1)
			require.NoError(t, f.doc.Local().Set(contract.ReceiptKey, pending))
			f.page.Start()
			assert.Empty(t, f.doc.Posts, "nothing the page's storage says is posted unchecked")
			_, found, _ := f.doc.Local().Get(contract.ReceiptKey)
			assert.False(t, found, "dropped")
			require.NotEmpty(t, f.log.Warnings)
			assert.Contains(t, f.log.Warnings[len(f.log.Warnings)-1], "is not one the widget kept")
		})
	}
}

func TestNoEndpointSendsNothingAndDropsAPendingReceipt(t *testing.T) {
	f := newFixture(t, contactPage)
	f.cat.Site.Receipts = ""
	require.NoError(t, f.doc.Local().Set(contract.ReceiptKey, "refuse-all 1.x"))
	f.page.Start()
	require.NoError(t, f.page.Record(f.page.AllowAll()))
	assert.Empty(t, f.doc.Posts)
	_, found, _ := f.doc.Local().Get(contract.ReceiptKey)
	assert.False(t, found)
}
