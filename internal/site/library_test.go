package site

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func libraryCatalogue(t *testing.T) *consent.Catalogue {
	t.Helper()
	data, err := os.ReadFile("../../web/catalogues/library.json")
	require.NoError(t, err)
	c, err := consent.ParseCatalogue(data)
	require.NoError(t, err)
	return c
}

func newLibrarySite(t *testing.T, c *consent.Catalogue) http.Handler {
	t.Helper()
	h, err := New(Config{BundleDir: fakeBundle(t), Catalogue: c, Demo: DemoLibrary})
	require.NoError(t, err)
	return h
}

var nonceAttr = regexp.MustCompile(`nonce="([^"]+)"`)

func TestLibraryPages(t *testing.T) {
	h := newLibrarySite(t, libraryCatalogue(t))
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/", http.StatusOK, "Bienvenue à la médiathèque"},
		{"/?lang=en", http.StatusOK, "Welcome to the library"},
		{"/agenda", http.StatusOK, `<iframe data-consent="vimeo" data-src="https://player.vimeo.example.com/video/824804225?dnt=1" data-consent-link="https://vimeo.example.com/824804225"`},
		{"/informations/cookies", http.StatusOK, "_pk_id"},
		{"/informations/cookies?lang=en", http.StatusOK, "Audience measurement"},
		{"/contact", http.StatusNotFound, "Page introuvable"},
		{"/assets/site.css", http.StatusNotFound, "Page introuvable"},
	} {
		w := do(h, http.MethodGet, tc.path)
		body := w.Body.String()
		require.Equal(t, tc.status, w.Code, tc.path)
		assert.Contains(t, body, tc.want, tc.path)
		assert.Contains(t, body, `<script src="/consent/consent.js" nonce="`, tc.path)
		assert.Contains(t, body, `data-consent-open`, tc.path)
		assert.Regexp(t, `<p class="site-name"><a href="[^"]*">(Médiathèque municipale de Valmont|Valmont Municipal Library)</a>`, body, tc.path)
		assert.Contains(t, body, `<script type="text/plain" data-consent="matomo" nonce="`, tc.path)
		assert.NotContains(t, body, "googletagmanager", tc.path)

		// The page's inline scripts carry this response's nonce, and only
		// the CSP of this response allows it.
		csp := w.Header().Get("Content-Security-Policy")
		nonces := nonceAttr.FindAllStringSubmatch(body, -1)
		require.NotEmpty(t, nonces, tc.path)
		for _, n := range nonces {
			assert.Contains(t, csp, "'nonce-"+n[1]+"'", tc.path)
		}
		assert.Contains(t, csp, "script-src 'self' 'wasm-unsafe-eval' 'nonce-", tc.path)
		assert.Contains(t, csp, "frame-src 'self' https://player.vimeo.example.com", tc.path)
		assert.NotContains(t, csp, "unsafe-inline", tc.path)
		assert.Equal(t, "no-store", w.Header().Get("Cache-Control"), tc.path)
		assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"), tc.path)
	}
	a, b := do(h, http.MethodGet, "/"), do(h, http.MethodGet, "/")
	assert.NotEqual(t, a.Header().Get("Content-Security-Policy"), b.Header().Get("Content-Security-Policy"), "a new nonce each time")

	css := do(h, http.MethodGet, "/assets/library.css")
	require.Equal(t, http.StatusOK, css.Code)
	assert.Contains(t, css.Body.String(), "--cc-accent:")

	w := do(h, http.MethodGet, "/consent/consent.js")
	assert.Equal(t, "identity:consent.js", w.Body.String(), "the bundle is served as on the seed's site")
}

func TestLibraryPositionQuery(t *testing.T) {
	h := newLibrarySite(t, libraryCatalogue(t))
	for query, tag := range map[string]string{
		"?position=center":        `" defer data-position="center"></script>`,
		"?position=bar&lang=en":   `" defer data-position="bar"></script>`,
		"?position=%22%3E%3Cb%3E": `" defer></script>`,
	} {
		assert.Regexp(t, `<script src="/consent/consent.js" nonce="[-_A-Za-z0-9]+`+regexp.QuoteMeta(tag), do(h, http.MethodGet, "/"+query).Body.String(), query)
	}
}

func TestLibraryWithConsentModeLoadsGooglesTagAfterTheLoader(t *testing.T) {
	c := libraryCatalogue(t)
	c.Site.ConsentMode = true
	h := newLibrarySite(t, c)
	w := do(h, http.MethodGet, "/")
	body := w.Body.String()
	loader := strings.Index(body, `<script src="/consent/consent.js" nonce="`)
	tag := strings.Index(body, `<script type="text/plain" data-consent="audience" async src="https://www.googletagmanager.com/gtag/js`)
	require.Positive(t, loader)
	assert.NotContains(t, body[loader:strings.Index(body[loader:], ">")+loader], "defer", "the loader runs at once")
	assert.Greater(t, tag, loader, "Google's tag comes after the loader, blocked until audience is allowed")
	assert.Contains(t, w.Header().Get("Content-Security-Policy"), "https://www.googletagmanager.com")
}

func TestUnknownDemo(t *testing.T) {
	_, err := New(Config{BundleDir: fakeBundle(t), Demo: "shop"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown demo "shop"`)
}

func TestServeCommandWithACatalogue(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "serve")
	build := exec.Command("go", "build", "-o", bin, "../../serve.go")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build serve.go: %s", out)

	// The library's file picks the library's demo; the given folder is
	// served as it is.
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", fakeBundle(t), "-catalogue", "../../web/catalogues/library.json")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	resp, err := http.Get(strings.TrimSpace(line) + "informations/cookies")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "Médiathèque municipale de Valmont")

	// Never over the seed's bundle.
	abs, err := filepath.Abs("../../web/catalogues/library.json")
	require.NoError(t, err)
	refuse := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", "web/dist", "-catalogue", abs)
	refuse.Dir = "../.."
	out, err = refuse.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "web/dist holds the seed's bundle")

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"site": {}}`), 0o644))
	out, err = exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", t.TempDir(), "-catalogue", bad).CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "site.name: missing text")
}

// TestLibraryDemoTakesAnyValidPolicyURL starts the library demo with policy
// URLs that pass validation but are no plain ServeMux pattern (wildcards, a
// query) or are already one of the demo's pages: it starts and serves the
// policy at its path, or refuses with an error naming the clash, and never
// panics.
func TestLibraryDemoTakesAnyValidPolicyURL(t *testing.T) {
	for _, tc := range []struct {
		policyURL string
		// get is the request for the policy page; "" when New must refuse.
		get string
		// clash is what New's error names.
		clash string
	}{
		{policyURL: "/informations/cookies", get: "/informations/cookies"},
		{policyURL: "/{id}", get: "/%7Bid%7D"},
		{policyURL: "/cookies/{", get: "/cookies/%7B"},
		{policyURL: "/a{b}", get: "/a%7Bb%7D"},
		{policyURL: "/{$}x", get: "/%7B$%7Dx"},
		{policyURL: "/cookies?lang=fr#tableau", get: "/cookies?lang=fr"},
		{policyURL: "/donn%C3%A9es/cookies", get: "/donn%C3%A9es/cookies"},
		{policyURL: "/données/cookies", get: "/donn%C3%A9es/cookies"},
		{policyURL: "/cookies/", get: "/cookies/"},
		{policyURL: "https://mediatheque.example.org/cookies"},
		{policyURL: "/agenda", clash: `"/agenda"`},
		{policyURL: "/", clash: `"/"`},
		{policyURL: "/assets/library.css", clash: `"/assets/library.css"`},
		{policyURL: "/consent/consent.js", clash: `"/consent/consent.js"`},
	} {
		t.Run(tc.policyURL, func(t *testing.T) {
			c := libraryCatalogue(t)
			c.Site.PolicyURL = consent.LangURL{All: tc.policyURL}
			require.NoError(t, c.Validate())
			var (
				h   http.Handler
				err error
			)
			require.NotPanics(t, func() {
				h, err = New(Config{BundleDir: fakeBundle(t), Catalogue: c, Demo: DemoLibrary})
			})
			if tc.clash != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "site.policyUrl "+tc.clash)
				return
			}
			require.NoError(t, err)
			if tc.get != "" {
				w := do(h, http.MethodGet, tc.get)
				assert.Equal(t, http.StatusOK, w.Code)
				assert.Contains(t, w.Body.String(), "_pk_id", "the policy page")
			}
			assert.Equal(t, http.StatusNotFound, do(h, http.MethodGet, "/nowhere").Code)
			assert.Contains(t, do(h, http.MethodGet, "/agenda").Body.String(), "data-consent=\"vimeo\"")
		})
	}
}

// TestLibraryPolicyLinkInEachLanguage: the demo's links to a policy URL
// with a query and a fragment lead to the policy page, in the page's
// language.
func TestLibraryPolicyLinkInEachLanguage(t *testing.T) {
	c := libraryCatalogue(t)
	c.Site.PolicyURL = consent.LangURL{All: "/cookies?x=1#tableau"}
	h := newLibrarySite(t, c)
	assert.Contains(t, do(h, http.MethodGet, "/agenda").Body.String(), `<a href="/cookies">Cookies</a>`)
	assert.Contains(t, do(h, http.MethodGet, "/agenda?lang=en").Body.String(), `<a href="/cookies?lang=en">Cookies</a>`)
	assert.Contains(t, do(h, http.MethodGet, "/cookies?lang=en").Body.String(), `<a href="/cookies?lang=en" aria-current="page">Cookies</a>`)

	c.Site.PolicyURL = consent.LangURL{All: "https://mediatheque.example.org/cookies?x=1"}
	h = newLibrarySite(t, c)
	assert.Contains(t, do(h, http.MethodGet, "/agenda?lang=en").Body.String(), `<a href="https://mediatheque.example.org/cookies?lang=en&amp;x=1">Cookies</a>`)
}

func TestLibraryTrustedTypesVariant(t *testing.T) {
	h := newLibrarySite(t, libraryCatalogue(t))
	csp := do(h, http.MethodGet, "/?tt=civic-consent").Header().Get("Content-Security-Policy")
	assert.True(t, strings.HasSuffix(csp, "; require-trusted-types-for 'script'; trusted-types civic-consent"), csp)
	assert.Contains(t, csp, "'nonce-", "the library's policy, with its nonce")
	assert.NotContains(t, do(h, http.MethodGet, "/").Header().Get("Content-Security-Policy"), "trusted-types")
}
