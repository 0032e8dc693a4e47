package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WCAG 2.2, 2.4.11 Focus Not Obscured (Minimum) and 2.4.12 (Enhanced): the
// widget sits fixed over the bottom of the host page, which is where a
// browser scrolls an element that Tab focuses. These scenarios press Tab
// through whole host pages with the first layer shown and measure each
// focused element against the widget's frame.

// focusStop is where the host page's focus is, measured by focusStopJS.
type focusStop struct {
	// Where is "page" for an element of the host page, "widget" once Tab
	// has reached the widget's frame, "none" for no focus.
	Where string
	Key   string
	// CoveredW and CoveredH are the width and height of the part of the
	// element under the widget's frame, Width and Height the element's.
	CoveredW, CoveredH, Width, Height float64
	// Top and Bottom are the element's edges, VH the viewport's height.
	Top, Bottom, VH float64
	ScrollY         float64
}

func (s focusStop) String() string {
	return fmt.Sprintf("%s (top %.1f, bottom %.1f of %.0f; %.1f×%.1f of %.1f×%.1f px under the widget; scrolled %.0f)", s.Key, s.Top, s.Bottom, s.VH, s.CoveredW, s.CoveredH, s.Width, s.Height, s.ScrollY)
}

// focusStopJS measures the focused element of the host page against the
// widget's frame (which is exactly the area the widget covers) and the
// viewport.
const focusStopJS = `(() => {
const f = document.querySelector('civic-consent iframe'), a = document.activeElement;
if (!a || a === document.body || a === document.documentElement) return {Where: 'none'};
if (a === f) return {Where: 'widget'};
const r = a.getBoundingClientRect(), w = f.getBoundingClientRect();
const ix = Math.max(0, Math.min(r.right, w.right) - Math.max(r.left, w.left));
const iy = Math.max(0, Math.min(r.bottom, w.bottom) - Math.max(r.top, w.top));
const text = (a.textContent || a.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
return {Where: 'page', Key: a.tagName.toLowerCase() + ' ' + JSON.stringify(text) + (a.getAttribute('href') ? ' ' + a.getAttribute('href') : ''),
	CoveredW: ix, CoveredH: iy, Width: r.width, Height: r.height, Top: r.top, Bottom: r.bottom,
	VH: document.documentElement.clientHeight, ScrollY: window.scrollY};
})()`

// tabThroughPage moves focus to the host page's first control (its skip
// link, at the top of the page: the first layer takes focus when it
// shows), then presses Tab until focus reaches the widget's frame, which
// comes last in the page, and returns every stop Tab made in the host page.
func (tb *tab) tabThroughPage() []focusStop {
	tb.t.Helper()
	return tb.tabThrough(focusStopJS)
}

// tabThroughButton is tabThroughPage on a page whose widget is the
// loader's frame-less button: the stops are measured against the button.
func (tb *tab) tabThroughButton() []focusStop {
	tb.t.Helper()
	measure := strings.Replace(focusStopJS, `const f = document.querySelector('civic-consent iframe')`,
		`const b = document.querySelector('civic-consent-button'), f = b.shadowRoot.querySelector('.cc-fab')`, 1)
	return tb.tabThrough(strings.Replace(measure, `if (a === f) return {Where: 'widget'};`, `if (a === b) return {Where: 'widget'};`, 1))
}

// tabThrough is tabThroughPage with measure, focusStopJS or a variant.
func (tb *tab) tabThrough(measure string) []focusStop {
	tb.t.Helper()
	tb.eval(`(() => { document.querySelector('.skip-link').focus(); return true; })()`, nil)
	var stops []focusStop
	for range 200 {
		tb.pressKey("Tab")
		var s focusStop
		tb.eval(measure, &s)
		switch s.Where {
		case "widget":
			return stops
		case "page":
			stops = append(stops, s)
		}
	}
	require.FailNow(tb.t, "Tab never reached the widget", "after 200 presses; stops: %v", stops)
	return nil
}

// obscured lists the stops the widget hides, entirely (2.4.11) or in part
// (2.4.12), and those not whole in the viewport.
func obscured(stops []focusStop) []string {
	// Sub-pixel layout: an edge may be a fraction of a pixel off.
	const slack = 0.5
	var out []string
	for _, s := range stops {
		switch {
		case s.CoveredW >= s.Width-slack && s.CoveredH >= s.Height-slack:
			out = append(out, "hidden: "+s.String())
		case s.CoveredW > slack && s.CoveredH > slack:
			out = append(out, "partly hidden: "+s.String())
		case s.Top < -slack || s.Bottom > s.VH+slack:
			out = append(out, "not whole in the viewport: "+s.String())
		}
	}
	return out
}

// focusViewports are a desktop window and a phone (see windowWidth for
// WebKit).
var focusViewports = []struct {
	name string
	w, h int
}{
	{"desktop", 1280, 720},
	{"phone", 375, 667},
}

func TestFocusNeverHiddenByTheWidget(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, vp := range focusViewports {
			t.Run(vp.name, func(t *testing.T) {
				w := windowWidth(b, vp.w)
				tb := open(t, b, "/?position=bar", engine.PageOptions{Width: w, Height: vp.h})
				// The home page and the cookie policy page, the demo's
				// longest: every stop below the first screen is scrolled to.
				for _, page := range []string{"/", "/charte-cookies"} {
					for _, position := range []string{"bar", "box", "center"} {
						at := page + "?position=" + position
						tb.load(at)
						require.Equal(t, "banner", tb.mode())
						stops := tb.tabThroughPage()
						require.GreaterOrEqual(t, len(stops), 11, "%s: the page's controls, each a stop: %v", at, stops)
						assert.Empty(t, obscured(stops), "2.4.11, 2.4.12: %s at %d×%d: focused controls the widget hides", at, w, vp.h)
						assert.Positive(t, stops[len(stops)-1].ScrollY, "%s: Tab scrolled the page", at)
						assert.Equal(t, "banner", tb.mode(), "Tab through the page is not a choice")
					}
				}
			})
		}
		// A return visit to a page with nothing to decide: the loader's
		// own button, without a frame, keeps its room too (on a phone,
		// where it sits over the page's text).
		t.Run("return-visit", func(t *testing.T) {
			tb := open(t, b, "/charte-cookies", engine.PageOptions{Width: windowWidth(b, phoneW), Height: phoneH})
			tb.click(frame(`#cc-banner [data-action=refuse]`))
			tb.waitMode("button")
			tb.load("/charte-cookies")
			require.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-button').length`), "the frame-less button")
			const padding = `getComputedStyle(document.documentElement).scrollPaddingBottom`
			assert.Equal(t, tb.str(`document.querySelector('civic-consent-button').style.height`), tb.str(padding), "the root's scroll padding is the button's room")
			stops := tb.tabThroughButton()
			require.GreaterOrEqual(t, len(stops), 11)
			assert.Empty(t, obscured(stops), "2.4.11, 2.4.12: focused controls the button hides")
			// The frame takes over, and with it the room: none while the
			// modal preferences show.
			tb.clickFab()
			tb.waitMode("modal")
			assert.Equal(t, "auto", tb.str(padding))
		})
		// A page shorter than the window: the last controls can be
		// scrolled above the widget only thanks to the room it keeps at
		// the end of the page.
		t.Run("short-page", func(t *testing.T) {
			tb := open(t, b, "/no-such-page?position=bar", engine.PageOptions{Width: 1280, Height: 720})
			for _, position := range []string{"bar", "box", "center"} {
				tb.load("/no-such-page?position=" + position)
				require.Equal(t, "banner", tb.mode())
				stops := tb.tabThroughPage()
				require.GreaterOrEqual(t, len(stops), 8, "%s: the page's header, its link home and its footer: %v", position, stops)
				assert.Empty(t, obscured(stops), "2.4.11, 2.4.12: %s on a short page: focused controls the widget hides", position)
			}
		})
	})
}

// The room is the widget's, for as long as it covers the page: the root's
// scroll padding is the height the first layer covers, the page's own
// (none) while the modal preferences show, and the measure above does see
// what a browser does without the room: focused controls under the widget.
func TestFocusHiddenWithoutTheWidgetsScrollPadding(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/charte-cookies", engine.PageOptions{Width: 1280, Height: 720})
		require.Equal(t, "banner", tb.mode())
		const covered = `Math.ceil(document.documentElement.clientHeight - document.querySelector('civic-consent iframe').getBoundingClientRect().top)`
		const padding = `getComputedStyle(document.documentElement).scrollPaddingBottom`
		assert.Equal(t, fmt.Sprintf("%dpx", tb.num(covered)), tb.str(padding), "the root's scroll padding is what the first layer covers")

		tb.click(frame(`.cc-actions [data-action=customise]`))
		tb.waitMode("modal")
		assert.Equal(t, "auto", tb.str(padding), "the page's own scroll padding while the modal preferences show")
		tb.pressKey("Escape")
		tb.waitMode("banner")
		tb.waitFor(padding + ` === ` + covered + ` + 'px'`)
		assert.Empty(t, tb.str(`document.documentElement.getAttribute('style') || ''`), "no attribute of the page's changes")

		tb.eval(`(() => { document.documentElement.style.setProperty('scroll-padding-bottom', '0px', 'important'); return true; })()`, nil)
		hidden := obscured(tb.tabThroughPage())
		assert.NotEmpty(t, hidden, "without the room, a browser scrolls focused controls under the widget")
		t.Logf("without the room: %d hidden: %v", len(hidden), hidden)
	})
}
