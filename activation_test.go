package consent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testPage = "https://www.example.org/agenda/talks?x=1"

func TestActivateURLOnlyHTTP(t *testing.T) {
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

// activationCatalogue is the seed with a "vimeo" service in the contact
// category that lists a player script, a folder of scripts and a script of
// the site.
func activationCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	c := Seed()
	c.Services = append(c.Services, Service{
		ID: "vimeo", Category: "contact", Provider: "Vimeo",
		Name:       Text{"fr": "Vidéos", "en": "Videos"},
		PrivacyURL: "https://vimeo.com/privacy",
		Scripts:    []string{"https://player.example.com/api/player.js", "https://cdn.example.com:8443/lib/", "/js/player.js"},
		Cookies:    []Cookie{{Name: "vuid", Purpose: Text{"fr": "x", "en": "x"}, Lifetime: Text{"fr": "x", "en": "x"}, ThirdParty: true}},
	})
	require.NoError(t, c.Validate())
	return c
}

func TestScriptsRunOnlyWhenListedForTheirServiceOrWithTheNonce(t *testing.T) {
	c := activationCatalogue(t)
	p := Page{URL: testPage, Base: testPage, Nonce: "n0nce"}
	allowed := map[BlockedScript]string{
		{ID: "vimeo", External: true, Src: "https://player.example.com/api/player.js"}:     "https://player.example.com/api/player.js",
		{ID: "vimeo", External: true, Src: "https://player.example.com:443/api/player.js"}: "https://player.example.com/api/player.js",
		{ID: "vimeo", External: true, Src: "https://cdn.example.com:8443/lib/a/b.js?v=2"}:  "https://cdn.example.com:8443/lib/a/b.js?v=2",
		{ID: "vimeo", External: true, Src: "/js/player.js"}:                                "https://www.example.org/js/player.js",
		{ID: "recaptcha", External: true, Src: "https://www.google.com/recaptcha/api.js"}:  "https://www.google.com/recaptcha/api.js",
		{ID: "contact", External: true, Src: "https://player.example.com/api/player.js"}:   "https://player.example.com/api/player.js",
		{ID: "vimeo", Nonce: "n0nce"}: "",
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
		{ID: "vimeo", External: true, Src: "http://player.example.com/api/player.js"},
		{ID: "vimeo", External: true, Src: "https://player.example.com/api/other.js"},
		{ID: "vimeo", External: true, Src: "https://player.example.com/api/player.js?callback=x"},
		{ID: "vimeo", External: true, Src: "https://cdn.example.com/lib/a.js"},
		{ID: "vimeo", External: true, Src: "https://cdn.example.com:8443/library.js"},
		{ID: "vimeo", External: true, Src: "https://cdn.example.com:8443/lib/%2e%2e/evil.js"},
		{ID: "vimeo", External: true, Src: "https://cdn.example.com:8443/lib/%2E%2E/evil.js"},
		{ID: "vimeo", External: true, Src: "https://www.google.com/recaptcha/api.js"},
		{ID: "vimeo", External: true, Src: "/api/jsonp?callback=alert"},
		{ID: "vimeo", External: true, Src: "https://www.example.org.evil.example/js/player.js"},
		{ID: "vimeo"},
		{ID: "vimeo", Nonce: "guess"},
	} {
		_, err := c.ActivateScript(s, p)
		assert.Error(t, err, "%+v", s)
	}
	_, err := c.ActivateScript(BlockedScript{ID: "vimeo"}, Page{URL: testPage, Base: testPage})
	assert.ErrorContains(t, err, "carries no nonce", "a page without a nonce runs no inline script")

	// A <base> elsewhere moves relative URLs off the page's origin.
	_, err = c.ActivateScript(BlockedScript{ID: "vimeo", External: true, Src: "/js/player.js"}, Page{URL: testPage, Base: "https://evil.example/"})
	assert.ErrorContains(t, err, "https://evil.example/js/player.js is not a script the catalogue lists")
}

func TestNecessaryMarkupIsNeverActivated(t *testing.T) {
	c := activationCatalogue(t)
	p := Page{URL: testPage, Base: testPage, Nonce: "n0nce"}
	for _, s := range []BlockedScript{
		{ID: "necessary", External: true, Src: "/api/jsonp?callback=alert"},
		{ID: "csrf", External: true, Src: "/js/player.js"},
		{ID: "necessary", Nonce: "n0nce"},
	} {
		_, err := c.ActivateScript(s, p)
		assert.ErrorContains(t, err, "names necessary content", "%+v", s)
	}
	assert.True(t, c.Necessary("necessary"))
	assert.True(t, c.Necessary("csrf"))
	assert.False(t, c.Necessary("contact"))
	assert.False(t, c.Necessary("vimeo"))
	assert.False(t, c.Necessary("unknown"))
}

func TestScriptsAreValidated(t *testing.T) {
	for _, tc := range []struct{ script, msg string }{
		{"player.example.com/api.js", "not an absolute https URL"},
		{"http://player.example.com/api.js", "not an absolute https URL"},
		{"https://player.example.com", "names a whole origin"},
		{"https://player.example.com/", "names a whole origin"},
		{"https://player.example.com/api/player.js#x", "fragment"},
		{"https://player.example.com/api/../x.js", "dot segment"},
		{"https://player.example.com/%2e%2e/x.js", "dot segment"},
		{"https://u@player.example.com/api.js", "user info"},
		{"https://Player.example.com/api.js", "no valid host"},
		{"https://player.example.com/a\"x.js", "no URL of a catalogue"},
		{"//player.example.com/x.js", "single /"},
		{"/", "names a whole origin"},
	} {
		c := activationCatalogue(t)
		c.Services[5].Scripts = []string{tc.script}
		requireFieldError(t, c.Validate(), "services[5].scripts[0]", tc.msg)
	}
	c := activationCatalogue(t)
	c.Services[5].Scripts = []string{"https://a.example/x.js", "https://a.example/x.js"}
	requireFieldError(t, c.Validate(), "services[5].scripts[1]", "duplicate script")

	rev := activationCatalogue(t)
	rev.Services[5].Scripts = nil
	assert.Equal(t, rev.Revision(), activationCatalogue(t).Revision(), "scripts are no part of the revision")
}

func TestSrcsetActivation(t *testing.T) {
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
