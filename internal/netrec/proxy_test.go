package netrec_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civic-consent/consent/internal/netrec"
)

// client sends every request through the proxy and trusts only its CA, so
// a request that succeeds proves the minted certificate is valid for the
// host.
func client(t *testing.T, p *netrec.Proxy) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(p.CAPEM()))
	proxyURL, err := url.Parse("http://" + p.Addr())
	require.NoError(t, err)
	tr := &http.Transport{
		Proxy:           http.ProxyURL(proxyURL),
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func start(t *testing.T) *netrec.Proxy {
	t.Helper()
	p, err := netrec.Start()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, p.Close()) })
	return p
}

func get(t *testing.T, c *http.Client, u string) (int, string, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestStubOverHTTPS(t *testing.T) {
	p := start(t)
	require.NoError(t, p.Stub("https://www.google.com/recaptcha/api.js", "text/javascript", "window.stub = 1;"))
	c := client(t, p)

	code, ctype, body := get(t, c, "https://www.google.com/recaptcha/api.js?hl=fr&render=explicit")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "text/javascript", ctype)
	assert.Equal(t, "window.stub = 1;", body, "the query string does not matter")

	code, _, body = get(t, c, "https://www.gstatic.com/recaptcha/releases/x/recaptcha__fr.js")
	assert.Equal(t, http.StatusBadGateway, code, "no stub, no internet")
	assert.Contains(t, body, "no stub")

	var got []string
	for _, r := range p.Requests() {
		got = append(got, r.String())
		assert.False(t, r.Time.IsZero())
	}
	assert.Equal(t, []string{
		"CONNECT www.google.com:443 -> 200",
		"GET https://www.google.com/recaptcha/api.js?hl=fr&render=explicit -> 200",
		"CONNECT www.gstatic.com:443 -> 200",
		"GET https://www.gstatic.com/recaptcha/releases/x/recaptcha__fr.js -> 502",
	}, got)
	reqs := p.Requests()
	assert.Equal(t, "https", reqs[1].Scheme)
	assert.Equal(t, "www.google.com", reqs[1].Host)
	assert.Equal(t, "/recaptcha/api.js", reqs[1].Path)
	assert.Equal(t, "hl=fr&render=explicit", reqs[1].Query)
	assert.NotEmpty(t, reqs[1].Header.Get("User-Agent"))
}

func TestPlainHTTPAndIPHosts(t *testing.T) {
	p := start(t)
	require.NoError(t, p.Stub("http://tracker.example/pixel.gif", "image/gif", "GIF89a"))
	require.NoError(t, p.Stub("https://203.0.113.7:8443/x", "text/plain", "ip"))
	c := client(t, p)

	code, _, body := get(t, c, "http://tracker.example/pixel.gif")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "GIF89a", body)
	code, _, body = get(t, c, "https://203.0.113.7:8443/x")
	assert.Equal(t, http.StatusOK, code, "a certificate for an IP address")
	assert.Equal(t, "ip", body)

	reqs := p.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "http://tracker.example/pixel.gif", reqs[0].URL())
	assert.Equal(t, "203.0.113.7:8443", reqs[1].URL())
	assert.Equal(t, "https://203.0.113.7:8443/x", reqs[2].URL())
}

func TestHandleSeesTheRequest(t *testing.T) {
	p := start(t)
	var gotHeader string
	require.NoError(t, p.Handle("https://api.example/teapot", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHeader = r.Header.Get("X-Test")
		w.WriteHeader(http.StatusTeapot)
	})))
	req, err := http.NewRequest(http.MethodGet, "https://api.example/teapot", nil)
	require.NoError(t, err)
	req.Header.Set("X-Test", "yes")
	resp, err := client(t, p).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTeapot, resp.StatusCode)
	assert.Equal(t, "yes", gotHeader)
	reqs := p.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.StatusTeapot, reqs[1].Status)
}

func TestThirdPartyAndReset(t *testing.T) {
	p := start(t)
	c := client(t, p)
	get(t, c, "http://127.0.0.1:8080/same")
	get(t, c, "http://127.0.0.1:9090/other-port")
	get(t, c, "https://127.0.0.1:8080/other-scheme")
	get(t, c, "https://cdn.example/lib.js")

	third, err := p.ThirdParty("http://127.0.0.1:8080/any/path")
	require.NoError(t, err)
	var got []string
	for _, r := range third {
		got = append(got, r.Method+" "+r.URL())
	}
	assert.Equal(t, []string{
		"GET http://127.0.0.1:9090/other-port",
		"GET https://127.0.0.1:8080/other-scheme",
		"CONNECT cdn.example:443",
		"GET https://cdn.example/lib.js",
	}, got, "by origin; a CONNECT to the site's host and port is the site's")

	third, err = p.ThirdParty("https://cdn.example")
	require.NoError(t, err)
	assert.Len(t, third, 4, "default port 443 matches")

	for _, bad := range []string{"", "127.0.0.1:8080", "ftp://x", "http://"} {
		_, err := p.ThirdParty(bad)
		assert.Error(t, err, "%q", bad)
	}

	p.Reset()
	assert.Empty(t, p.Requests())
}

func TestBadStubs(t *testing.T) {
	p := start(t)
	for _, bad := range []string{"", "/relative", "ftp://x/y", "https://", "http://%zz"} {
		assert.Error(t, p.Stub(bad, "text/plain", ""), "%q", bad)
	}
	assert.Error(t, p.Handle("https://x/", nil))
}

func TestNotAProxyRequest(t *testing.T) {
	p := start(t)
	resp, err := http.Get("http://" + p.Addr() + "/direct")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	reqs := p.Requests()
	require.Len(t, reqs, 1)
	assert.True(t, strings.HasSuffix(reqs[0].URL(), "/direct"))
}
