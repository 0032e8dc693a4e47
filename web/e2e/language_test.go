package e2e

import (
	"strings"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A malformed django_language cookie (%E0, which decodeURIComponent
// refuses) must not keep the widget from starting. The page has no <html
// lang>, so the loader reads the cookie.
func TestMalformedDjangoLanguageCookie(t *testing.T) {
	needLibrary(t)
	const page = `<!doctype html><html><head><meta charset="utf-8"><title>Langue</title>
<script src="/consent/consent.js" defer></script>
</head><body><main><h1>Langue</h1><p>No lang attribute: the loader reads django_language.</p></main></body></html>`
	require.NoError(t, proxy.Stub(libraryOrigin+"/stub/lang", "text/html; charset=utf-8", page))
	require.NoError(t, proxy.Stub(libraryOrigin+"/stub/setup", "text/html; charset=utf-8", `<!doctype html><title>Setup</title>`))
	const frameLang = `document.querySelector('civic-consent iframe').contentDocument.documentElement.lang`
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openPlain(t, b, libraryOrigin+"/stub/setup", `document.readyState === 'complete'`)

		// A valid cookie is read: the widget speaks English.
		tb.eval(`document.cookie = 'django_language=en; path=/'`, nil)
		tb.visit(libraryOrigin + "/stub/lang")
		require.Equal(t, "en", tb.str(frameLang), "the loader reads django_language")

		msgs, _ := tb.console()
		tb.eval(`document.cookie = 'django_language=%E0; path=/'`, nil)
		tb.visit(libraryOrigin + "/stub/lang")
		assert.Equal(t, "fr", tb.str(frameLang), "a malformed cookie: French, the default")
		assert.Equal(t, "banner", tb.mode(), "the widget started")
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		got, ok := tb.consoleSince(len(msgs), "about django_language", func(m engine.ConsoleMessage) bool {
			return strings.Contains(m.Text, "django_language")
		})
		if !ok {
			t.Logf("%s cannot read the console: the widget's behaviour is checked, not its message", b.Name())
			return
		}
		for _, m := range got {
			assert.NotEqual(t, engine.SourceException, m.Source, "no uncaught exception: %+v", m)
			if strings.Contains(m.Text, "django_language") {
				assert.Equal(t, engine.LevelError, m.Level)
				assert.Contains(t, m.Text, "consent: the django_language cookie is not valid")
				assert.Contains(t, m.Text, "ignored")
			}
		}
	})
}
