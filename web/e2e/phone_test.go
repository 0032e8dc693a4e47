package e2e

import (
	"strings"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The first layer on a phone leaves most of the page in view and still
// shows its three choices, equal, without scrolling (R4, R5, R6).

// phoneW and phoneH are a common phone's viewport, in CSS px.
const phoneW, phoneH = 375, 667

// maxPhoneCover is the largest share of a phone's viewport the first
// layer may cover.
const maxPhoneCover = 0.40

// phoneText is what phoneTextJS measures of the first layer's text.
type phoneText struct {
	// Smallest is the smallest font size of the first layer's text, in CSS
	// px.
	Smallest float64
	// Buttons are the choices' font size, weight and family, one string
	// each.
	Buttons []string
}

// phoneTextJS measures the first layer's text sizes and its buttons' type.
const phoneTextJS = `(() => {
const d = ` + widgetDoc + `, b = d.getElementById('cc-banner');
const own = [...b.querySelectorAll('*')].filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
const cs = (el) => d.defaultView.getComputedStyle(el);
return {Smallest: Math.min(...own.map(el => parseFloat(cs(el).fontSize))),
	Buttons: [...b.querySelectorAll('[data-action]:not(.cc-close)')].map(el => cs(el).fontSize + ' ' + cs(el).fontWeight + ' ' + cs(el).fontFamily)};
})()`

func TestPhoneFirstLayerCoversAtMostTwoFifths(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/?position=bar", engine.PageOptions{Width: windowWidth(b, phoneW), Height: phoneH})
		for _, position := range []string{"bar", "box", "center"} {
			tb.load("/?position=" + position)
			require.Equal(t, "banner", tb.mode())
			var l reflowLayout
			tb.eval(reflowJS(`#cc-banner button, #cc-banner a[href]`, false), &l)
			cover := (l.Frame.Right - l.Frame.Left) * (l.Frame.Bottom - l.Frame.Top) / (l.Width * l.Height)
			t.Logf("%s at %.0f×%.0f: the first layer covers %.1f %% of the viewport (%.0f px high)", position, l.Width, l.Height, 100*cover, l.Frame.Bottom-l.Frame.Top)
			assert.LessOrEqual(t, cover, maxPhoneCover, "%s: the first layer covers %.1f %% of a %.0f×%.0f phone", position, 100*cover, l.Width, l.Height)

			// Every control whole, uncovered, with nothing to scroll to.
			require.Len(t, l.Controls, 5, "close, policy link and three buttons")
			assertVisible(t, l, position+" on a phone")
			assert.Empty(t, l.CutText, "%s: text cut off by the frame", position)
			assert.Empty(t, l.Sideways, "%s: text to scroll sideways", position)

			// The three choices side by side, the same size (R5); every
			// button a target of at least 24×24 px (WCAG 2.2, 2.5.8).
			var choices []ctrlBox
			for _, c := range l.Controls {
				if c.Key == "refuse" || c.Key == "accept" || c.Key == "customise" {
					choices = append(choices, c)
				}
			}
			require.Len(t, choices, 3, "R4: refuse, accept, customise")
			for _, c := range l.Controls {
				if strings.HasPrefix(c.Key, "a ") {
					continue // a link in a sentence: 2.5.8's inline exception
				}
				assert.GreaterOrEqual(t, c.Right-c.Left, 24.0, "2.5.8: %q's width", c.Key)
				assert.GreaterOrEqual(t, c.Bottom-c.Top, 24.0, "2.5.8: %q's height", c.Key)
			}
			for _, c := range choices[1:] {
				assert.InDelta(t, choices[0].Top, c.Top, 1, "%s: %q on the row of %q", position, c.Key, choices[0].Key)
				assert.InDelta(t, choices[0].Right-choices[0].Left, c.Right-c.Left, 1, "R5: %q has the width of %q", c.Key, choices[0].Key)
				assert.InDelta(t, choices[0].Bottom-choices[0].Top, c.Bottom-c.Top, 1, "R5: %q has the height of %q", c.Key, choices[0].Key)
			}
			var text phoneText
			tb.eval(phoneTextJS, &text)
			require.Len(t, text.Buttons, 3)
			assert.Equal(t, text.Buttons[0], text.Buttons[1], "R5: the same type on every choice")
			assert.Equal(t, text.Buttons[0], text.Buttons[2], "R5: the same type on every choice")
			assert.GreaterOrEqual(t, text.Smallest, 13.0, "no text smaller than 13 px")
		}
	})
}
