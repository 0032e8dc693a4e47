package e2e

import (
	"fmt"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// R22: reflow at 320 CSS px and at 200 % zoom.

// reflowViewports are the small screens the widget must fit. 200 % zoom is
// emulated by its CSS pixel equivalent: a 1280×800 window zoomed to 200 %
// lays out in a 640×400 CSS px viewport, and layout, media queries and
// wrapping depend only on CSS pixels (zoom changes the device pixel ratio,
// that is how sharp the rendering is). Not every engine's driver can zoom.
var reflowViewports = []struct {
	name string
	w, h int
}{
	{"320px", 320, 640},
	{"zoom-200", 640, 400},
}

// webkitMinWidth is the narrowest window WebKitGTK's MiniBrowser accepts
// through WebDriver ("Invalid width value" below it): there the 320 px case
// runs at this width, the narrowest that engine can show.
const webkitMinWidth = 480

// windowWidth is the width asked for, or the narrowest the engine's
// driver can make where that is wider.
func windowWidth(b engine.Browser, w int) int {
	if b.Name() == engine.WebKit && w < webkitMinWidth {
		return webkitMinWidth
	}
	return w
}

// ctrlBox is a control's place in the top viewport, in CSS px.
type ctrlBox struct {
	Key                      string
	Left, Top, Right, Bottom float64
	// Hit is whether the control is what a click at its centre reaches
	// (nothing else covers it).
	Hit bool
	// CoveredBy is what a click at its centre reaches instead.
	CoveredBy string
}

func (b ctrlBox) overlaps(o ctrlBox) bool {
	return b.Left < o.Right && o.Left < b.Right && b.Top < o.Bottom && o.Top < b.Bottom
}

// reflowLayout is what reflowJS measures.
type reflowLayout struct {
	// Width and Height are the top viewport's, Frame the widget frame's
	// box, without scrollbars.
	Width, Height float64
	Frame         ctrlBox
	// OverflowX is how far the frame document's content goes past its
	// viewport's right edge.
	OverflowX float64
	// Sideways lists the frame's boxes that scroll or clip their content
	// sideways (data tables aside), with what sticks out.
	Sideways []string
	// CutText lists the elements whose text is not whole in the frame's
	// viewport (without scrolling).
	CutText  []string
	Controls []ctrlBox
}

// reflowJS measures the widget's controls matching a selector; with
// scroll, each is first scrolled into view, as a visitor would.
func reflowJS(selector string, scroll bool) string {
	return fmt.Sprintf(`(() => {
const f = document.querySelector('civic-consent iframe'), fr = f.getBoundingClientRect();
const d = f.contentDocument, root = d.documentElement;
const controls = [...d.querySelectorAll(%q)].map(el => {
	if (%t) el.scrollIntoView({block: 'nearest', inline: 'nearest'});
	const r = el.getBoundingClientRect(), first = el.getClientRects()[0] || r;
	// A link that wraps is tested at its first line's centre.
	const hit = d.elementFromPoint(first.left + first.width / 2, first.top + first.height / 2);
	const key = el.id || el.getAttribute('data-action') || el.tagName.toLowerCase() + ' ' + el.textContent.trim().slice(0, 30);
	return {Key: (el.classList.contains('cc-close') ? 'close ' : '') + key,
		Left: fr.left + r.left, Top: fr.top + r.top, Right: fr.left + r.right, Bottom: fr.top + r.bottom,
		Hit: !!hit && (hit === el || el.contains(hit)),
		CoveredBy: !hit ? 'nothing' : hit.tagName.toLowerCase() + (hit.id ? '#' + hit.id : '') + (hit.className ? '.' + String(hit.className).trim().split(/\s+/).join('.') : '')};
});
// Boxes that scroll or clip sideways, and what sticks out of them. Data
// tables are exempt (WCAG 1.4.10 allows them two-dimensional scrolling).
const sideways = [...d.querySelectorAll('*')].filter(el => !el.closest('.cc-table-wrap') &&
	getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1).map(el => {
	const right = el.getBoundingClientRect().right;
	const out = [...el.querySelectorAll('*')].filter(c => !c.closest('.cc-table-wrap') && c.getBoundingClientRect().right > right + 1)
		.map(c => c.tagName.toLowerCase() + (c.className ? '.' + String(c.className).trim().split(/\s+/).join('.') : '') + ' ' + JSON.stringify(c.textContent.trim().slice(0, 30)));
	return el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' by ' + (el.scrollWidth - el.clientWidth) + 'px: ' + out.slice(0, 3).join(', ');
});
// Text that is not whole inside the frame's viewport.
const cut = [...d.querySelectorAll('body *')].filter(el => {
	if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) return false;
	const r = el.getBoundingClientRect();
	return r.width > 0 && (r.left < -0.5 || r.top < -0.5 || r.right > root.clientWidth + 0.5 || r.bottom > root.clientHeight + 0.5);
}).map(el => el.tagName.toLowerCase() + ' ' + JSON.stringify(el.textContent.trim().slice(0, 30)));
return {Width: document.documentElement.clientWidth, Height: document.documentElement.clientHeight,
	Sideways: sideways, CutText: cut,
	Frame: {Key: 'frame', Left: fr.left, Top: fr.top, Right: fr.right, Bottom: fr.bottom, Hit: true},
	OverflowX: root.scrollWidth - root.clientWidth,
	Controls: controls};
})()`, selector, scroll)
}

// assertVisible checks that each control is whole inside the viewport and
// the frame, and that nothing covers it.
func assertVisible(t *testing.T, l reflowLayout, what string) {
	t.Helper()
	// Sub-pixel layout: a control may end a fraction of a pixel past.
	const slack = 0.5
	for _, c := range l.Controls {
		inside := c.Left >= -slack && c.Top >= -slack && c.Right <= l.Width+slack && c.Bottom <= l.Height+slack &&
			c.Left >= l.Frame.Left-slack && c.Top >= l.Frame.Top-slack && c.Right <= l.Frame.Right+slack && c.Bottom <= l.Frame.Bottom+slack
		assert.True(t, inside, "R22: %s: %q is not whole in the %.0f×%.0f viewport and the frame %+v: %+v", what, c.Key, l.Width, l.Height, l.Frame, c)
		assert.True(t, c.Hit, "R22: %s: %q is covered by %s", what, c.Key, c.CoveredBy)
	}
}

func TestR22Reflow(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, vp := range reflowViewports {
			t.Run(vp.name, func(t *testing.T) {
				tb := stateFirstLayer.show(t, b, engine.PageOptions{Width: windowWidth(b, vp.w), Height: vp.h})

				// The first layer: every control visible at once, none on
				// another, nothing to scroll sideways or down to.
				var l reflowLayout
				tb.eval(reflowJS(`#cc-banner button, #cc-banner a[href]`, false), &l)
				require.Len(t, l.Controls, 5, "close, policy link and three buttons")
				assertVisible(t, l, "first layer")
				for i, c := range l.Controls {
					for _, o := range l.Controls[i+1:] {
						assert.False(t, c.overlaps(o), "R22: first layer: %q overlaps %q", c.Key, o.Key)
					}
				}
				assert.LessOrEqual(t, l.OverflowX, 0.0, "R22: the first layer scrolls sideways")
				assert.Empty(t, l.CutText, "R22: first layer: text cut off by the frame")
				assert.Empty(t, l.Sideways, "R22: first layer: text is cut off or must be scrolled sideways")
				assert.LessOrEqual(t, l.Frame.Right, l.Width+0.5, "the frame fits the viewport")

				// The preferences: each control can be scrolled to inside
				// the dialog and is then whole and uncovered.
				statePreferences.reach(tb)
				tb.waitMode(statePreferences.mode)
				tb.eval(reflowJS(`#cc-prefs button, #cc-prefs a[href], #cc-prefs [role=switch], #cc-prefs [role=checkbox]`, true), &l)
				require.GreaterOrEqual(t, len(l.Controls), 7, "close, two switches, a link, three buttons")
				assertVisible(t, l, "preferences")
				assert.LessOrEqual(t, l.OverflowX, 0.0, "R22: the preferences scroll sideways")
				assert.Empty(t, l.Sideways, "R22: preferences: text is cut off or must be scrolled sideways")
			})
		}
	})
}
