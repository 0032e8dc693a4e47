package netrec_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civic-consent/consent/internal/engine"
)

// thirdPartyPage contacts three outside hosts in three ways: a script, an
// image over plain HTTP and a fetch.
const thirdPartyPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>third parties</title>
<script src="https://www.google.com/recaptcha/api.js"></script>
</head><body>
<img src="http://tracker.example/pixel.gif" alt="">
<script>
fetch("https://api.example/data?x=1", {mode: "no-cors"}).then(() => window.fetched = "ok", (e) => window.fetched = String(e));
</script>
</body></html>`

// TestBrowsersGoThroughTheProxy proves, in every engine, that the proxy
// sees each request to another host (plain or TLS), answers from its stubs
// or with 502, and never sees the loopback site.
func TestBrowsersGoThroughTheProxy(t *testing.T) {
	proxy := start(t)
	require.NoError(t, proxy.Stub("https://www.google.com/recaptcha/api.js", "text/javascript", `window.recaptchaStub = true;`))
	require.NoError(t, proxy.Stub("https://api.example/data", "application/json", `{}`))
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(thirdPartyPage))
	}))
	t.Cleanup(site.Close)

	browsers := engine.NewBrowsers(proxy)
	t.Cleanup(func() { assert.NoError(t, browsers.Close()) })
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		p, err := b.NewPage(context.Background(), engine.PageOptions{})
		require.NoError(t, err)
		defer func() { assert.NoError(t, p.Close()) }()
		require.NoError(t, p.Navigate(site.URL+"/"))
		require.NoError(t, engine.WaitFor(p, `window.fetched !== undefined`, time.Minute))
		var state struct {
			Fetched string
			Stub    bool
		}
		require.NoError(t, p.Eval(`({fetched: window.fetched, stub: window.recaptchaStub === true})`, &state))
		assert.Equal(t, "ok", state.Fetched)
		assert.True(t, state.Stub)

		// Connections may be opened more than once; compare distinct entries.
		var seen []string
		for _, r := range proxy.Requests() {
			assert.NotContains(t, r.Host, "127.0.0.1", "loopback must go direct: %s", r)
			if s := r.String(); !slices.Contains(seen, s) {
				seen = append(seen, s)
			}
		}
		slices.Sort(seen)
		assert.Equal(t, []string{
			"CONNECT api.example:443 -> 200",
			"CONNECT www.google.com:443 -> 200",
			"GET http://tracker.example/pixel.gif -> 502",
			"GET https://api.example/data?x=1 -> 200",
			"GET https://www.google.com/recaptcha/api.js -> 200",
		}, seen)

		third, err := proxy.ThirdParty(site.URL)
		require.NoError(t, err)
		assert.Len(t, third, len(proxy.Requests()))
		for _, r := range third {
			assert.False(t, strings.HasPrefix(r.URL(), site.URL), "%s", r)
		}
	})
}
