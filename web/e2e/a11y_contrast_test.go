package e2e

import (
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// R22: text contrast.

// textContrastJS returns, for each element with text of its own under the
// roots (elements or shadow roots) that roots yields, its text and
// background colours and their contrast ratio. The background is the
// element's and its ancestors' backgrounds blended until an opaque one;
// the host page's white when none is (the frame itself is transparent).
const textContrastJS = `((roots) => {
const parse = (s) => {
	const m = /^rgba?\(([^)]+)\)$/.exec(s.trim());
	if (!m) throw new Error('cannot read colour ' + s);
	const v = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
	return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1};
};
const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1});
const lum = (c) => {
	const ch = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
	return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
};
const parent = (el) => el.parentElement || (el.parentNode && el.parentNode.host) || null;
const background = (el) => {
	const layers = [];
	for (let e = el; e; e = parent(e)) {
		const c = parse(e.ownerDocument.defaultView.getComputedStyle(e).backgroundColor);
		if (c.a > 0) layers.push(c);
		if (c.a >= 1) break;
	}
	let bg = {r: 255, g: 255, b: 255, a: 1};
	for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
	return bg;
};
const out = [];
for (const root of roots) {
	const els = root.nodeType === 1 ? [root, ...root.querySelectorAll('*')] : [...root.querySelectorAll('*')];
	for (const el of els) {
		const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
		const r = el.getBoundingClientRect(), cs = el.ownerDocument.defaultView.getComputedStyle(el);
		if (!own || r.width === 0 || r.height === 0 || cs.visibility !== 'visible') continue;
		const bg = background(el), fg = over(parse(cs.color), bg);
		const l1 = lum(fg), l2 = lum(bg);
		out.push({text: own.slice(0, 40), fg: cs.color, bg: 'rgb(' + [bg.r, bg.g, bg.b].map(Math.round).join(', ') + ')',
			ratio: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)});
	}
}
return out;
})`

// textContrast is one text's contrast.
type textContrast struct {
	Text, FG, BG string
	Ratio        float64
}

func TestR22TextContrast(t *testing.T) {
	const doc = `document.querySelector('civic-consent iframe').contentDocument`
	// roots is, per state, a JavaScript array of the elements and shadow
	// roots whose text is checked.
	states := []struct {
		widgetState
		roots string
	}{
		{stateFirstLayer, `[` + doc + `.getElementById('cc-banner')]`},
		{statePreferences, `[` + doc + `.getElementById('cc-prefs')]`},
		{statePlaceholder, `[...document.querySelectorAll('civic-consent-placeholder')].map(p => p.shadowRoot).concat([` + doc + `.querySelector('.cc-fab')])`},
	}
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, st := range states {
			t.Run(st.name, func(t *testing.T) {
				tb := st.show(t, b, engine.PageOptions{})
				var texts []textContrast
				tb.eval(textContrastJS+`(`+st.roots+`)`, &texts)
				require.NotEmpty(t, texts, "no text found to check")
				for _, c := range texts {
					assert.GreaterOrEqual(t, c.Ratio, 4.5, "R22: %q: %s on %s is %.2f:1", c.Text, c.FG, c.BG, c.Ratio)
				}
			})
		}
	})
}
