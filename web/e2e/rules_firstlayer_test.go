package e2e

import (
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// choiceButton is one button of the first layer, as the browser draws it.
type choiceButton struct {
	Tag, Text, Action                     string
	X, Y, W, H                            float64
	Font, Size, Weight, Color, Background string
	Border, Padding, Decoration           string
	Display, Visibility, Opacity          string
	Contrast                              float64
	// Hit is true when a click at the button's centre reaches it, through
	// the host page and the frame.
	Hit bool
}

// contrastJS defines rgb, which reads a computed rgb() or rgba() colour,
// and contrast, the WCAG 2 contrast ratio of an element's text over the
// first opaque background behind it.
const contrastJS = `
const rgb = (s) => {
	const m = /^rgba?\(([^)]*)\)$/.exec(s);
	if (!m) throw new Error('colour ' + s + ' is not rgb()');
	const v = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
	return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1};
};
const luminance = (c) => {
	const ch = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
	return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
};
const background = (el) => {
	for (let e = el; e; e = e.parentElement) {
		const c = rgb(e.ownerDocument.defaultView.getComputedStyle(e).backgroundColor);
		if (c.a === 1) return c;
		if (c.a !== 0) throw new Error('translucent background on ' + e.tagName + ': blend it before measuring');
	}
	return {r: 255, g: 255, b: 255, a: 1};
};
const contrast = (el) => {
	const fg = rgb(el.ownerDocument.defaultView.getComputedStyle(el).color);
	if (fg.a !== 1) throw new Error('translucent text on ' + el.tagName);
	const a = luminance(fg), b = luminance(background(el));
	return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
};
`

// choiceButtonsJS lists every element in the first layer's action row
// (the buttons of its list, in the DSFR theme).
const choiceButtonsJS = `(() => {
` + contrastJS + `
const f = document.querySelector('civic-consent iframe'), fr = f.getBoundingClientRect();
const d = f.contentDocument;
return Array.from(d.querySelectorAll('#cc-banner .cc-actions > *, #cc-banner .cc-buttons > li > *'), (el) => {
	const cs = d.defaultView.getComputedStyle(el), r = el.getBoundingClientRect();
	const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
	const inFrame = d.elementFromPoint(cx, cy), onTop = document.elementFromPoint(fr.left + cx, fr.top + cy);
	return {
		Tag: el.tagName, Text: el.textContent.trim(), Action: el.getAttribute('data-action') || '',
		X: r.left, Y: r.top, W: r.width, H: r.height,
		Font: cs.fontFamily, Size: cs.fontSize, Weight: cs.fontWeight, Color: cs.color, Background: cs.backgroundColor,
		Border: [cs.borderTopWidth, cs.borderTopStyle, cs.borderTopColor, cs.borderTopLeftRadius].join(' '),
		Padding: [cs.paddingTop, cs.paddingRight, cs.paddingBottom, cs.paddingLeft].join(' '),
		Decoration: cs.textDecorationLine, Display: cs.display, Visibility: cs.visibility, Opacity: cs.opacity,
		Contrast: contrast(el),
		Hit: (inFrame === el || el.contains(inFrame)) && onTop === f,
	};
});
})()`

func TestR4R5R6FirstLayerButtonsAreEqual(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct {
			lang, query string
			labels      []string
		}{
			{"fr", "", []string{"Tout refuser", "Tout accepter", "Personnaliser"}},
			{"en", "?lang=en", []string{"Reject all", "Accept all", "Customise"}},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				tb := open(t, b, "/"+tt.query, engine.PageOptions{Width: 1280, Height: 800})
				require.Equal(t, "banner", tb.settledMode())
				var buttons []choiceButton
				tb.eval(choiceButtonsJS, &buttons)
				require.Len(t, buttons, 3, "R4: refuse, accept, customise and nothing else")
				var labels, actions []string
				for _, btn := range buttons {
					labels = append(labels, btn.Text)
					actions = append(actions, btn.Action)
				}
				assert.Equal(t, tt.labels, labels, "R6: clear labels")
				assert.Equal(t, []string{"refuse", "accept", "customise"}, actions)

				refuse, accept := buttons[0], buttons[1]
				require.InDelta(t, refuse.Y, accept.Y, 1, "refuse and accept share a row at 1280px")
				for _, btn := range buttons {
					assert.Equal(t, "BUTTON", btn.Tag, "R5: %q is a button, not a link", btn.Text)
					assert.True(t, btn.Hit, "R4: %q can be clicked where it is drawn", btn.Text)
					assert.NotEqual(t, "none", btn.Display, btn.Text)
					assert.Equal(t, "visible", btn.Visibility, btn.Text)
					assert.Equal(t, "1", btn.Opacity, btn.Text)
					assert.Greater(t, btn.W, 40.0, "R5: %q is not shrunk away", btn.Text)
					assert.Greater(t, btn.H, 24.0, "R5: %q is not shrunk away", btn.Text)
					assert.GreaterOrEqual(t, btn.Contrast, 4.5, "R5, R22: %q text contrast", btn.Text)
					// R5: same look as the accept button.
					assert.Equal(t, accept.Font, btn.Font, btn.Text)
					assert.Equal(t, accept.Size, btn.Size, btn.Text)
					assert.Equal(t, accept.Weight, btn.Weight, btn.Text)
					assert.Equal(t, accept.Color, btn.Color, btn.Text)
					assert.Equal(t, accept.Background, btn.Background, btn.Text)
					assert.Equal(t, accept.Border, btn.Border, btn.Text)
					assert.Equal(t, accept.Padding, btn.Padding, btn.Text)
					assert.Equal(t, accept.Decoration, btn.Decoration, btn.Text)
					if btn.Y-accept.Y < 1 && accept.Y-btn.Y < 1 {
						assert.InDelta(t, accept.W, btn.W, 1, "R5: %q has the width of %q", btn.Text, accept.Text)
						assert.InDelta(t, accept.H, btn.H, 1, "R5: %q has the height of %q", btn.Text, accept.Text)
					}
				}
				assert.GreaterOrEqual(t, refuse.Contrast, accept.Contrast, "R5: refusing is at least as visible as accepting")
			})
		}
	})
}

// widgetText returns the text of the first element matching selector in
// the widget's frame.
func (tb *tab) widgetText(selector string) string {
	tb.t.Helper()
	return tb.str(widgetDoc + `.querySelector(` + jsString(selector) + `).textContent`)
}

func TestR7InformationOnTheFirstLayerOrOneClickAway(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct {
			lang, query, changeMind, settings, policy string
		}{
			{"fr", "", "changer d'avis", "Gestion des cookies", "Charte cookies"},
			{"en", "?lang=en", "change your mind", "Cookie settings", "Cookie policy"},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				tb := open(t, b, "/contact"+tt.query, engine.PageOptions{})
				require.Equal(t, "banner", tb.settledMode())
				banner := tb.widgetText(`#cc-banner`)
				assert.Contains(t, banner, seed.Site.Intro.In(tt.lang), "the purposes, Google and what refusing means, first layer")
				assert.Contains(t, banner, "Google")
				assert.Contains(t, banner, tt.changeMind, "how to change one's mind")
				assert.Contains(t, banner, tt.settings)
				var link struct{ Href, Target, Text string }
				tb.eval(`(() => { const a = `+widgetDoc+`.querySelector('#cc-banner a[href]'); return {Href: a.getAttribute('href'), Target: a.target, Text: a.textContent}; })()`, &link)
				assert.Equal(t, struct{ Href, Target, Text string }{seed.Site.PolicyURL.In(tt.lang), "_top", tt.policy}, link, "the policy, on the first layer")

				// One click away: every purpose, each recipient with its
				// privacy policy, what refusing each means.
				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				prefs := tb.widgetText(`#cc-prefs`)
				for _, cat := range seed.Categories {
					assert.Contains(t, prefs, cat.Title.In(tt.lang), "purpose %s", cat.ID)
					assert.Contains(t, prefs, cat.Description.In(tt.lang), "purpose %s", cat.ID)
					if !cat.Necessary {
						require.NotEmpty(t, cat.Refusal.In(tt.lang), "the seed says what refusing %s means", cat.ID)
						assert.Contains(t, prefs, cat.Refusal.In(tt.lang), "what refusing %s means", cat.ID)
					}
				}
				assert.Contains(t, prefs, tt.changeMind)
				for _, svc := range seed.Services {
					assert.Contains(t, prefs, svc.Provider, "recipient of %s", svc.ID)
					if svc.PrivacyURL == "" {
						continue
					}
					var a []struct{ Text, Target, Rel string }
					tb.eval(`Array.from(`+widgetDoc+`.querySelectorAll('#cc-prefs a[href=`+jsString(svc.PrivacyURL)+`]'),
						(a) => ({Text: a.textContent, Target: a.target, Rel: a.rel}))`, &a)
					require.Len(t, a, 1, "a link to %s's privacy policy", svc.Provider)
					assert.Contains(t, a[0].Text, svc.Provider)
					assert.Equal(t, "_blank", a[0].Target, "it opens outside the small frame")
					assert.Contains(t, a[0].Rel, "noopener")
				}
			})
		}
	})
}

func TestR7PolicyLinkOpensInTheTopPage(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		before := tb.num(`history.length`)
		tb.click(frame(`#cc-banner a[href="/charte-cookies"]`))
		// A link opened in the frame or in a new window would leave the top
		// page where it is.
		tb.arrive("/charte-cookies")
		assert.Equal(t, before+1, tb.num(`history.length`), "the same tab navigated")
		assert.Equal(t, "banner", tb.settledMode(), "R3: reading the policy is not a choice")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('article.policy').length`))
		_, stored := tb.consentCookie()
		assert.False(t, stored)
		assertNothingLoaded(t, tb, "after reading the policy")
	})
}

func TestR8NothingPreTicked(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ name, open string }{
			{"customise", "customise"},
			{"page-api", "api"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tb := open(t, b, "/contact", engine.PageOptions{})
				require.Equal(t, "banner", tb.settledMode())
				if tt.open == "api" {
					tb.eval(`window.civicConsent.open()`, nil)
				} else {
					tb.click(frame(`#cc-banner [data-action=customise]`))
				}
				tb.waitMode("modal")
				assert.Equal(t, allOff(), tb.toggles(), "R8: every optional toggle starts off")
				var necessaryToggles int
				tb.eval(`Array.from(`+widgetDoc+`.querySelectorAll('.cc-category')).filter((s) => s.querySelector('.cc-locked') && s.querySelector('[role=switch], [role=checkbox], input')).length`, &necessaryToggles)
				assert.Zero(t, necessaryToggles, "necessary purposes are shown as always on, not as a switch")
			})
		}
	})
}

// unreachableJS lists the page's visible controls that no scroll position
// brings out from under the widget's frame: for each, it looks for a scroll
// position that puts the control's centre in a band of the viewport the
// frame leaves free (above it or below it), scrolls there and checks that a
// click at the centre reaches the control. It puts the scroll back.
const unreachableJS = `(() => {
const f = document.querySelector('civic-consent iframe'), sb = document.querySelector('civic-consent-button');
// The frame, or the loader's frame-less button; fixed: the same at every scroll position.
const cover = (f || sb.shadowRoot.querySelector('.cc-fab')).getBoundingClientRect();
const se = document.scrollingElement || document.documentElement;
const vh = window.innerHeight, max = Math.max(0, se.scrollHeight - vh), start = window.scrollY;
const describe = (el) => el.tagName.toLowerCase() + ' ' + JSON.stringify((el.textContent || el.name || el.id || '').trim().slice(0, 30)) + (el.getAttribute('href') ? ' ' + el.getAttribute('href') : '');
const out = [];
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select')) {
	if (el.closest('civic-consent')) continue;
	const r0 = el.getClientRects()[0];
	if (!r0 || r0.width === 0 || r0.height === 0) continue; // not drawn: the page's own choice
	const top = r0.top + window.scrollY, cx = r0.left + r0.width / 2, cy = top + r0.height / 2;
	if (top + r0.height <= 0 || r0.right + window.scrollX <= 0) continue; // drawn off the page until focused, like a skip link
	const under = cover.width > 0 && cover.height > 0 && cx >= cover.left && cx <= cover.right;
	const bands = under ? [[0, Math.min(vh, cover.top)], [Math.max(0, cover.bottom), vh]] : [[0, vh]];
	let y = -1;
	for (const [lo, hi] of bands) {
		if (hi <= lo) continue;
		const at = Math.min(max, Math.max(0, cy - (lo + hi) / 2));
		if (cy - at >= lo && cy - at < hi) { y = at; break; }
	}
	if (y < 0) { out.push(describe(el) + ': under the widget at every scroll position'); continue; }
	window.scrollTo({top: y, left: window.scrollX, behavior: 'instant'});
	const r = el.getClientRects()[0], hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	if (hit !== el && !el.contains(hit)) out.push(describe(el) + ': covered by ' + (hit ? hit.tagName.toLowerCase() : 'nothing'));
}
window.scrollTo({top: start, left: window.scrollX, behavior: 'instant'});
return out;
})()`

func TestR9NoCookieWall(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ name, mode string }{
			{"ignored", "banner"},
			{"refused", "button"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tb := open(t, b, "/", engine.PageOptions{})
				if tt.mode == "button" {
					tb.click(frame(`#cc-banner [data-action=refuse]`))
					tb.waitMode("button")
				}
				// Links navigate, from page to page, and every control of
				// each page can be reached.
				steps := []struct{ link, to string }{
					{`nav.site-nav a[href="/contact"]`, "/contact"},
					{`nav.site-nav a[href="/charte-cookies"]`, "/charte-cookies"},
					{`nav.site-nav a[href="/demo/hostile"]`, "/demo/hostile"},
					// Not the hostile page's own body links: unstyled, they
					// wrap, and engine.Click aims at the centre of the box
					// around both lines, which is outside either.
					{`nav.site-nav a[href="/"]`, "/"},
				}
				for _, s := range steps {
					tb.click(s.link)
					tb.arrive(s.to)
					assert.Equal(t, tt.mode, tb.settledMode(), s.to)
				}
				for _, p := range demoPages {
					tb.load(p.path)
					require.Equal(t, tt.mode, tb.settledMode())
					var unreachable []string
					tb.eval(unreachableJS, &unreachable)
					assert.Empty(t, unreachable, "R9: %s: controls the widget covers whatever the scroll", p.path)
				}

				// The contact form works without reCAPTCHA.
				tb.load("/contact")
				require.Equal(t, tt.mode, tb.settledMode())
				tb.eval(`(() => {
					document.getElementById('contact-name').value = 'Camille';
					document.getElementById('contact-email').value = 'camille@example.fr';
					document.getElementById('contact-message').value = 'Bonjour';
				})()`, nil)
				tb.click(`#main form button[type=submit]`)
				tb.waitFor(`document.querySelector('h1') && document.querySelector('h1').textContent === 'Message reçu'`)
				assert.Contains(t, tb.str(`document.querySelector('main').textContent`), "Merci Camille")
			})
		}
	})
}
