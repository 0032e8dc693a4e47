package receipts

import (
	"fmt"
	"net/http"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientKey(t *testing.T) {
	xff, err := NewTrustedProxies("x-forwarded-for", []string{"10.0.0.1", "10.1.0.0/16"})
	require.NoError(t, err)
	fwd, err := NewTrustedProxies("Forwarded", []string{"10.0.0.1"})
	require.NoError(t, err)
	real, err := NewTrustedProxies("X-Real-IP", []string{"::ffff:10.0.0.1"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		proxies *TrustedProxies
		remote  string
		header  []string
		want    string
	}{
		{"no proxy trusted", nil, "10.0.0.1:5000", []string{"X-Forwarded-For", "198.51.100.1"}, "10.0.0.1"},
		{"a peer that is no proxy names nobody", xff, "192.0.2.5:5000", []string{"X-Forwarded-For", "198.51.100.1"}, "192.0.2.5"},
		{"the proxy names the client", xff, "10.0.0.1:5000", []string{"X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"what the client wrote is passed over", xff, "10.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9, 198.51.100.1"}, "198.51.100.1"},
		{"past every trusted proxy", xff, "10.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9, 198.51.100.1, 10.1.2.3"}, "198.51.100.1"},
		{"several header lines", xff, "10.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9", "X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"IPv6 by its /64", xff, "10.0.0.1:5000", []string{"X-Forwarded-For", "2001:db8:1:2:aaaa::1"}, "2001:db8:1:2::/64"},
		{"garbage from the proxy: the proxy's shared key", xff, "10.0.0.1:5000", []string{"X-Forwarded-For", "198.51.100.1, nonsense"}, "10.0.0.1"},
		{"no header from the proxy: the proxy's shared key", xff, "10.0.0.1:5000", nil, "10.0.0.1"},
		{"only trusted proxies named", xff, "10.0.0.1:5000", []string{"X-Forwarded-For", "10.1.0.9"}, "10.0.0.1"},
		{"Forwarded for=", fwd, "10.0.0.1:5000", []string{"Forwarded", `for=203.0.113.9, for="[2001:db8::7]:4711";proto=https`}, "2001:db8::/64"},
		{"Forwarded with port", fwd, "10.0.0.1:5000", []string{"Forwarded", `for="198.51.100.1:4711"`}, "198.51.100.1"},
		{"Forwarded obfuscated", fwd, "10.0.0.1:5000", []string{"Forwarded", `for=_hidden`}, "10.0.0.1"},
		{"X-Real-IP", real, "10.0.0.1:5000", []string{"X-Real-IP", "198.51.100.1"}, "198.51.100.1"},
		{"IPv4-mapped peer", real, "[::ffff:10.0.0.1]:5000", []string{"X-Real-IP", "198.51.100.1"}, "198.51.100.1"},
	} {
		req := &http.Request{RemoteAddr: tc.remote, Header: http.Header{}}
		for i := 0; i+1 < len(tc.header); i += 2 {
			req.Header.Add(tc.header[i], tc.header[i+1])
		}
		assert.Equal(t, tc.want, tc.proxies.ClientKey(req), tc.name)
	}
}

// TestBehindAProxyEachVisitorHasABucket: behind a trusted proxy, the rate
// limit counts the visitor the proxy names, not the proxy; without the
// setting, every visitor behind it shares one bucket.
func TestBehindAProxyEachVisitorHasABucket(t *testing.T) {
	proxies, err := NewTrustedProxies(HeaderXForwardedFor, []string{"127.0.0.1"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		proxies *TrustedProxies
		want201 int
	}{{"trusted", proxies, 40}, {"untrusted", nil, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &clock{t: now}
			s := startService(t, backends[0].open(t), func(cfg *Config) {
				cfg.Limiter, cfg.Proxies = NewLimiter(0.001, 1, clk.now), tc.proxies
			})
			created := 0
			for i := range 40 {
				code, _ := s.post(t, body(t, consent.AcceptAll(consent.Seed(), now, newID(t)), ActionAcceptAll),
					"X-Forwarded-For", fmt.Sprintf("203.0.113.66, 198.51.100.%d", i+1))
				if code == http.StatusCreated {
					created++
				}
			}
			assert.Equal(t, tc.want201, created)
			code, _ := s.get(t, testToken, "")
			assert.Equal(t, http.StatusOK, code, "the DPO's export after the visitors")
		})
	}
}
