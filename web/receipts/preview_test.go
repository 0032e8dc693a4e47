package receipts

import (
	"net/http"
	"net/http/httptest"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPreviewLimitsTokenGuesses: the preview server's receipts service has
// no visitor rate limit (its browsers all come from 127.0.0.1), but wrong
// export tokens are limited there as anywhere.
func TestPreviewLimitsTokenGuesses(t *testing.T) {
	p, err := OpenPreview(consent.Seed(), t.TempDir(), "", testToken)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	get := func(token string) int {
		req, err := http.NewRequest(http.MethodGet, srv.URL+consent.Seed().Site.Receipts, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		code, _ := do(t, req)
		return code
	}
	for range guessBurst {
		require.Equal(t, http.StatusUnauthorized, get("wrong-0123456789-0123456789-0123456789"))
	}
	assert.Equal(t, http.StatusTooManyRequests, get("wrong-0123456789-0123456789-0123456789"))
	assert.Equal(t, http.StatusTooManyRequests, get(testToken))

	_, err = OpenPreview(consent.Seed(), t.TempDir(), "", "short")
	assert.ErrorContains(t, err, "fewer than 32", "the preview's token is checked too")
}
