package consent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testPage = "https://www.example.org/agenda/talks?x=1"

func TestHardening2ActivateURLOnlyHTTP(t *testing.T) {
	for raw, want := range map[string]string{
		"https://player.example.com/v/1?dnt=1": "https://player.example.com/v/1?dnt=1",
		"http://cdn.example.com/a.png":         "http://cdn.example.com/a.png",
		"/video/1":                             "https://www.example.org/video/1",
		"clip.mp4":                             "https://www.example.org/agenda/clip.mp4",
		"//cdn.example.com/x.js":               "https://cdn.example.com/x.js",
		"  https://example.com/a \n":           "https://example.com/a",
	} {
		got, err := ActivateURL(raw, testPage)
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, raw)
	}
	for _, raw := range []string{
		"javascript:alert(document.cookie)",
		" JavaScript:alert(1)",
		"java\tscript:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"vbscript:msgbox(1)",
		"blob:https://www.example.org/1234",
		"about:blank",
		"file:///etc/passwd",
		"https://user:pw@example.com/",
		"/\\evil.example/x",
		"https:evil",
		"",
		"   ",
	} {
		got, err := ActivateURL(raw, testPage)
		assert.Error(t, err, "%q gave %q", raw, got)
	}
	_, err := ActivateURL("/x", "about:srcdoc")
	assert.Error(t, err, "a base that is no http(s) page resolves nothing")
}

func TestHardening2PageNonceIsTheLoaders(t *testing.T) {
	const style = "https://www.example.org/consent/consent.0123abcd.css"
	loader := "https://www.example.org/consent/consent.js"
	other := ScriptTag{Src: "https://www.example.org/app.js", Nonce: "other"}
	assert.Equal(t, "n0nce", PageNonce(style, []ScriptTag{other, {Src: loader, Nonce: "n0nce"}}))
	assert.Equal(t, "n0nce", PageNonce(style, []ScriptTag{{Src: loader + "?v=2", Nonce: "n0nce"}}), "a query string is still the loader")
	assert.Empty(t, PageNonce(style, []ScriptTag{other}), "no loader tag")
	assert.Empty(t, PageNonce(style, []ScriptTag{{Src: loader}}), "a loader without a nonce")
	assert.Empty(t, PageNonce(style, []ScriptTag{{Src: loader, Nonce: "n0nce"}, {Src: loader, Nonce: "forged"}}), "two loaders that disagree")
	assert.Empty(t, PageNonce(style, []ScriptTag{{Src: "https://evil.example/consent/consent.js", Nonce: "x"}}))
}

// activationCatalogue is the seed with a "vimeo" service in the contact
// category whose scripts may come from a player origin.
func activationCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	c := Seed()
	c.Services = append(c.Services, Service{
		ID: "vimeo", Category: "contact", Provider: "Vimeo",
		Name:       Text{"fr": "Vidéos", "en": "Videos"},
		PrivacyURL: "https://vimeo.com/privacy",
		Origins:    []string{"https://player.example.com", "https://cdn.example.com:8443"},
		Cookies:    []Cookie{{Name: "vuid", Purpose: Text{"fr": "x", "en": "x"}, Lifetime: Text{"fr": "x", "en": "x"}, ThirdParty: true}},
	})
	require.NoError(t, c.Validate())
	return c
}

func TestHardening2ScriptsRunOnlyFromListedOriginsOrWithTheNonce(t *testing.T) {
	c := activationCatalogue(t)
	p := Page{URL: testPage, Base: testPage, Nonce: "n0nce"}
	assert.Equal(t, []string{"https://cdn.example.com:8443", "https://player.example.com"}, c.ScriptOrigins("vimeo"))
	assert.Equal(t, []string{"https://cdn.example.com:8443", "https://player.example.com", "https://www.google.com"}, c.ScriptOrigins("contact"), "a category: every service's, loaders included")

	allowed := map[BlockedScript]string{
		{ID: "vimeo", External: true, Src: "https://player.example.com/api/player.js"}:  "https://player.example.com/api/player.js",
		{ID: "vimeo", External: true, Src: "https://player.example.com:443/p.js"}:       "https://player.example.com:443/p.js",
		{ID: "vimeo", External: true, Src: "https://cdn.example.com:8443/p.js"}:         "https://cdn.example.com:8443/p.js",
		{ID: "vimeo", External: true, Src: "/js/player.js"}:                             "https://www.example.org/js/player.js",
		{ID: "recaptcha", External: true, Src: "https://www.google.com/recaptcha/x.js"}: "https://www.google.com/recaptcha/x.js",
		{ID: "contact", External: true, Src: "https://player.example.com/p.js"}:         "https://player.example.com/p.js",
		{ID: "vimeo", Nonce: "n0nce"}:                                                   "",
	}
	for s, want := range allowed {
		got, err := c.ActivateScript(s, p)
		require.NoError(t, err, "%+v", s)
		assert.Equal(t, want, got, "%+v", s)
	}
	for _, s := range []BlockedScript{
		{ID: "vimeo", External: true, Src: "javascript:alert(1)"},
		{ID: "vimeo", External: true, Src: "data:text/javascript,alert(1)"},
		{ID: "vimeo", External: true, Src: "https://evil.example/x.js"},
		{ID: "vimeo", External: true, Src: "http://player.example.com/p.js"},
		{ID: "vimeo", External: true, Src: "https://cdn.example.com/p.js"},
		{ID: "vimeo", External: true, Src: "https://www.google.com/recaptcha/x.js"},
		{ID: "vimeo", External: true, Src: "https://www.example.org.evil.example/p.js"},
		{ID: "vimeo"},
		{ID: "vimeo", Nonce: "guess"},
	} {
		_, err := c.ActivateScript(s, p)
		assert.Error(t, err, "%+v", s)
	}
	_, err := c.ActivateScript(BlockedScript{ID: "vimeo"}, Page{URL: testPage, Base: testPage})
	assert.ErrorContains(t, err, "carries no nonce", "a page without a nonce runs no inline script")

	// A <base> elsewhere moves relative URLs off the page's origin.
	_, err = c.ActivateScript(BlockedScript{ID: "vimeo", External: true, Src: "/p.js"}, Page{URL: testPage, Base: "https://evil.example/"})
	assert.ErrorContains(t, err, "https://evil.example is neither")
}

func TestHardening2OriginsAreValidated(t *testing.T) {
	for _, tc := range []struct{ origin, msg string }{
		{"player.example.com", "not an origin"},
		{"https://player.example.com/", "no user, path"},
		{"https://player.example.com/api", "no user, path"},
		{"https://player.example.com?x", "no user, path"},
		{"https://u@player.example.com", "no user, path"},
		{"javascript://player.example.com", "not an origin"},
		{"https://Player.example.com", "no valid host"},
		{"https://player.example.com\"x", "no URL of a catalogue"},
		{"https:player.example.com", "not an origin"},
	} {
		c := activationCatalogue(t)
		c.Services[5].Origins = []string{tc.origin}
		requireFieldError(t, c.Validate(), "services[5].origins[0]", tc.msg)
	}
	c := activationCatalogue(t)
	c.Services[5].Origins = []string{"https://a.example", "https://a.example"}
	requireFieldError(t, c.Validate(), "services[5].origins[1]", "duplicate origin")

	rev := activationCatalogue(t)
	rev.Services[5].Origins = nil
	assert.Equal(t, rev.Revision(), activationCatalogue(t).Revision(), "origins are no part of the revision")
}

func TestHardening7SrcsetActivation(t *testing.T) {
	got, err := ActivateSrcset("a.jpg 1x,\n /img/b.jpg 2x, https://cdn.example.com/c,d.jpg 640w", testPage)
	require.NoError(t, err)
	assert.Equal(t, "https://www.example.org/agenda/a.jpg 1x, https://www.example.org/img/b.jpg 2x, https://cdn.example.com/c,d.jpg 640w", got)
	got, err = ActivateSrcset("https://cdn.example.com/a.jpg,https://cdn.example.com/b.jpg 2x", testPage)
	require.NoError(t, err)
	assert.Equal(t, "https://cdn.example.com/a.jpg,https://cdn.example.com/b.jpg 2x", got, "as a browser reads it: one URL, up to the white space")
	for _, raw := range []string{"", " , ", "a.jpg 1x, javascript:alert(1) 2x", "data:image/png;base64,AAAA 1x"} {
		_, err := ActivateSrcset(raw, testPage)
		assert.Error(t, err, raw)
	}
}

func TestExternalLinkAcceptsOnlyHTTPLinksWithoutCredentials(t *testing.T) {
	href, host, ok := ExternalLink(" https://vimeo.com/76979871 ")
	assert.True(t, ok)
	assert.Equal(t, "https://vimeo.com/76979871", href)
	assert.Equal(t, "vimeo.com", host)
	for _, bad := range []string{"", "/local", "javascript:alert(1)", "//vimeo.com/x", "https://user:pw@vimeo.com/", "data:text/html,x", "https:///nohost"} {
		_, _, ok := ExternalLink(bad)
		assert.False(t, ok, bad)
	}
}

func TestHardening9TrustScriptURLOnlyWhatTheCatalogueLists(t *testing.T) {
	c := activationCatalogue(t)
	for _, raw := range []string{
		"https://www.example.org/js/player.js",
		"https://player.example.com/api/player.js",
		"https://cdn.example.com:8443/p.js",
		"https://www.google.com/recaptcha/api.js?hl=fr&render=explicit",
	} {
		assert.NoError(t, c.TrustScriptURL(raw, testPage), raw)
	}
	for _, raw := range []string{
		"/js/player.js",
		"//player.example.com/p.js",
		"javascript:alert(1)",
		"data:text/javascript,alert(1)",
		"blob:https://www.example.org/1",
		"https://evil.example/x.js",
		"http://player.example.com/p.js",
		"https://player.example.com\\@evil.example/p.js",
		"https://user@player.example.com/p.js",
		"https://www.example.org.evil.example/p.js",
		"",
	} {
		assert.Error(t, c.TrustScriptURL(raw, testPage), raw)
	}
	assert.ErrorContains(t, c.TrustScriptURL("https://evil.example/x.js", testPage), "https://evil.example is neither")
}
