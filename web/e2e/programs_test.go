package e2e

import (
	"strings"
	"sync"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/internal/recipe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// programsOrigin serves the seed's demo through the recording proxy, so
// that every request for the widget's files, the warm-up worker's too, is
// counted there.
const programsOrigin = "https://programs.example.org"

var (
	programsOnce sync.Once
	programsErr  error
)

// needProgramsOrigin makes the proxy answer programsOrigin's pages and
// bundle from the preview server.
func needProgramsOrigin(t *testing.T) {
	t.Helper()
	programsOnce.Do(func() {
		programsErr = forward(programsOrigin, siteURL, distDir, previewPages)
	})
	require.NoError(t, programsErr)
}

// programRequests counts the requests the proxy saw for each program's
// module, from programsOrigin.
func programRequests() map[string]int {
	host := strings.TrimPrefix(programsOrigin, "https://")
	out := map[string]int{}
	for _, r := range proxy.Requests() {
		for _, p := range recipe.Programs {
			if r.Host == host && strings.HasPrefix(r.Path, "/consent/"+p.Name+".") && strings.HasSuffix(r.Path, ".wasm") {
				out[p.Name]++
			}
		}
	}
	return out
}

// The dialog program (go-app, twice the page program's size) is for the
// preferences alone: the first layer's choices and the pages that need a
// decision are the page program's, and never download it.
func TestOnlyOpeningThePreferencesDownloadsTheDialogProgram(t *testing.T) {
	needProgramsOrigin(t)
	page, dialog := recipe.PageProgram.Name, recipe.DialogProgram.Name
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, programsOrigin+"/contact", engine.PageOptions{})
		tb.waitLive()
		require.Equal(t, "banner", tb.mode())
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		assert.False(t, tb.record().Services["recaptcha"])
		assert.Positive(t, programRequests()[page], "the contact page runs the page program")
		assert.Zero(t, programRequests()[dialog], "a first-layer choice needs no dialog program")

		tb.visit(programsOrigin + "/contact")
		tb.waitLive()
		assert.Equal(t, "button", tb.mode())
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`), "the stored refusal is applied")
		assert.Zero(t, programRequests()[dialog], "a return visit to the contact page needs no dialog program")

		tb.click(frame(`.cc-fab`))
		tb.waitMode("modal")
		assert.Positive(t, programRequests()[dialog], "opening the preferences downloads the dialog program")
		assert.Equal(t, "live", tb.str(`document.querySelector('civic-consent iframe').contentWindow.civicFrame.programs.dialog`))
	})
}
