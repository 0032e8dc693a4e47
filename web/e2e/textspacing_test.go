package e2e

import (
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WCAG 2.1, 1.4.12 Text Spacing (RGAA 10.12): a visitor's own stylesheet
// that spaces the text out (line height 1.5, paragraphs 2 em apart, letters
// 0.12 em, words 0.16 em) hides no text and no control of the widget.

// textSpacingJS adds the spacing to the widget's frame, as a visitor's
// stylesheet would, and is true once the frame has taken its new size.
const textSpacingJS = `(() => {
const f = document.querySelector('civic-consent iframe'), w = f.contentWindow, d = w.document;
if (!d.getElementById('spaced')) {
	const s = new w.CSSStyleSheet();
	s.replaceSync('* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }');
	d.adoptedStyleSheets = [...d.adoptedStyleSheets, s];
	d.body.id = 'spaced';
}
const c = d.body.firstElementChild.getBoundingClientRect();
return f.getAttribute('data-mode') !== 'banner' || Math.abs(f.getBoundingClientRect().height - Math.ceil(c.height)) < 1;
})()`

func TestTextSpacingHidesNothing(t *testing.T) {
	needDSFR(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, site := range []struct{ name, url, controls string }{
			{"default", siteURL, `#cc-prefs button, #cc-prefs a[href], #cc-prefs [role=switch], #cc-prefs [role=checkbox]`},
			{"dsfr", dsfrURL, `#cc-prefs button:not([hidden] *), #cc-prefs a[href]:not([hidden] *), #cc-prefs input:not([disabled]):not([hidden] *)`},
		} {
			t.Run(site.name, func(t *testing.T) {
				tb := openAt(t, b, site.url+"/", engine.PageOptions{Width: windowWidth(b, phoneW), Height: phoneH})
				tb.waitMode("banner")
				tb.waitFor(textSpacingJS)
				var l reflowLayout
				tb.eval(reflowJS(`#cc-banner button, #cc-banner a[href]`, false), &l)
				require.NotEmpty(t, l.Controls)
				assertVisible(t, l, "first layer, text spaced")
				assert.Empty(t, l.CutText, "1.4.12: first layer: text cut off")
				assert.Empty(t, l.Sideways, "1.4.12: first layer: text to scroll sideways")

				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				tb.eval(reflowJS(site.controls, true), &l)
				require.NotEmpty(t, l.Controls)
				assertVisible(t, l, "preferences, text spaced")
				assert.Empty(t, l.Sideways, "1.4.12: preferences: text to scroll sideways")
			})
		}
	})
}
