package consent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCookieDomains(t *testing.T) {
	tests := []struct {
		host string
		want []string
	}{
		{"www.data.example.org", []string{"", "www.data.example.org", "data.example.org", "example.org"}},
		{"WWW.Example.ORG.", []string{"", "www.example.org", "example.org"}},
		{"example.org", []string{"", "example.org"}},
		{"127.0.0.1", []string{""}},
		{"[::1]", []string{""}},
		{"::1", []string{""}},
		{"localhost", []string{""}},
		{"intranet", []string{""}},
		{"", []string{""}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CookieDomains(tt.host), tt.host)
	}
}

func TestExpireEveryRecordCopyOfEachDomain(t *testing.T) {
	got := ExpireCookieStrings(RecordCookieName, "www.mediatheque.example.org", "/", true)
	assert.Equal(t, []string{
		"cookies_preferences=; Path=/; Max-Age=0; SameSite=Lax; Secure",
		"cookies_preferences=; Path=/; Max-Age=0; SameSite=Lax; Domain=www.mediatheque.example.org; Secure",
		"cookies_preferences=; Path=/; Max-Age=0; SameSite=Lax; Domain=mediatheque.example.org; Secure",
		"cookies_preferences=; Path=/; Max-Age=0; SameSite=Lax; Domain=example.org; Secure",
	}, got)
	assert.Equal(t, []string{"cookies_preferences=; Path=/; Max-Age=0; SameSite=Lax"},
		ExpireCookieStrings(RecordCookieName, "127.0.0.1", "/", false), "host-only on an IP address")
}

func TestR16ExpireEveryCopyOfEachPathThePageSees(t *testing.T) {
	assert.Equal(t, []string{"/"}, CookiePaths("/"))
	assert.Equal(t, []string{"/"}, CookiePaths(""))
	assert.Equal(t, []string{"/", "/agenda"}, CookiePaths("/agenda"))
	assert.Equal(t, []string{"/", "/agenda", "/agenda/"}, CookiePaths("/agenda/"))
	assert.Equal(t, []string{"/", "/agenda", "/agenda/", "/agenda/2026", "/agenda/2026/", "/agenda/2026/talk"}, CookiePaths("/agenda/2026/talk"))
	assert.Len(t, CookiePaths("/a/b/c/d/e/f/g/h/i/j/k"), 1+2*maxPathDepth, "bounded")

	got := ExpireCookieStrings("_ga", "www.example.org", "/agenda", false)
	assert.Equal(t, []string{
		"_ga=; Path=/; Max-Age=0; SameSite=Lax",
		"_ga=; Path=/agenda; Max-Age=0; SameSite=Lax",
		"_ga=; Path=/; Max-Age=0; SameSite=Lax; Domain=www.example.org",
		"_ga=; Path=/agenda; Max-Age=0; SameSite=Lax; Domain=www.example.org",
		"_ga=; Path=/; Max-Age=0; SameSite=Lax; Domain=example.org",
		"_ga=; Path=/agenda; Max-Age=0; SameSite=Lax; Domain=example.org",
	}, got, "a _ga set for the parent domain, here or for /agenda, is cleared too")
}

func TestRecordValuesAreEveryCopy(t *testing.T) {
	assert.Equal(t, []string{"a", "b"}, RecordValues("x=1; cookies_preferences=a;cookies_preferences= b ; y=2"))
	assert.Nil(t, RecordValues("x=1; cookies_preferences_old=a"))
}

func TestDomainMatches(t *testing.T) {
	tests := []struct {
		host, domain string
		want         bool
	}{
		{"www.mediatheque.example.org", "mediatheque.example.org", true},
		{"www.mediatheque.example.org", ".mediatheque.example.org", true},
		{"mediatheque.example.org", "mediatheque.example.org", true},
		{"WWW.Mediatheque.example.org", "mediatheque.example.org", true},
		{"www.mediatheque.example.org", "example.org", true},
		{"evilmediatheque.example.org", "mediatheque.example.org", false},
		{"www.example.org", "mediatheque.example.org", false},
		{"127.0.0.1", "mediatheque.example.org", false},
		{"127.0.0.1", "0.0.1", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"localhost", "mediatheque.example.org", false},
		{"", "example.org", false},
		{"example.org", "", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, DomainMatches(tt.host, tt.domain), "%s in %s", tt.host, tt.domain)
	}
}

func TestRecordCookieDomainFallsBackToHostOnly(t *testing.T) {
	d, err := RecordCookieDomain("www.mediatheque.example.org", "mediatheque.example.org")
	require.NoError(t, err)
	assert.Equal(t, "mediatheque.example.org", d)

	d, err = RecordCookieDomain("127.0.0.1", "mediatheque.example.org")
	require.Error(t, err)
	assert.Empty(t, d, "falls back to a host-only cookie")
	assert.Contains(t, err.Error(), `site.cookieDomain "mediatheque.example.org" does not match this page's host "127.0.0.1"`)

	d, err = RecordCookieDomain("127.0.0.1", "")
	require.NoError(t, err)
	assert.Empty(t, d)
}

func TestExpireCookieVariantsHonourTheNamePrefixes(t *testing.T) {
	host := "www.mediatheque.example.org"
	assert.Len(t, ExpireCookieStrings("_pk_id", host, "/", false), 4, "host-only and each domain")
	for _, s := range ExpireCookieStrings("_pk_id", host, "/", false) {
		assert.NotContains(t, s, "Secure", "no Secure on an http page")
	}
	assert.Equal(t, []string{"__Host-sid=; Path=/; Max-Age=0; SameSite=Lax; Secure"},
		ExpireCookieStrings("__Host-sid", host, "/a/b", true), "__Host-: host-only, Path=/, Secure")
	assert.Empty(t, ExpireCookieStrings("__Host-sid", host, "/", false), "a __Host- cookie cannot be cleared from http")

	secure := ExpireCookieStrings("__secure-sid", host, "/", true)
	assert.Len(t, secure, 4)
	for _, s := range secure {
		assert.Contains(t, s, "; Secure")
	}
	assert.Empty(t, ExpireCookieStrings("__Secure-sid", host, "/", false))
}

func TestVerifyWrittenSaysWhenACopyRemains(t *testing.T) {
	written := RefuseAll(testCatalogue(), testNow, testID).Encode()
	other := AcceptAll(testCatalogue(), testNow, testID).Encode()
	name := RecordCookieName + "="

	shadowed, err := VerifyWritten("a=1; "+name+written, written)
	assert.NoError(t, err)
	assert.False(t, shadowed, "the one copy, as written")

	shadowed, err = VerifyWritten(name+other+"; "+name+written, written)
	assert.NoError(t, err, "a copy the page cannot clear next to the one written")
	assert.True(t, shadowed, "honoured on this page only")

	_, err = VerifyWritten("a=1", written)
	assert.ErrorIs(t, err, ErrRecordNotKept, "cookies blocked")
	_, err = VerifyWritten(name+other, written)
	assert.ErrorIs(t, err, ErrRecordNotKept, "another value than the one written")
	_, err = VerifyWritten(name+other+"; "+name+other, written)
	assert.Error(t, err, "two copies, neither the one written")
}
