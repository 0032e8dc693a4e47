package e2e

import (
	"os"
	"sync"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The DSFR theme: the seed's demo site served with its catalogue in the
// DSFR theme (site.theme "dsfr", what `go run serve.go -theme dsfr`
// serves), from a bundle of its own made from web/dist's wasm, and the
// rules whose proof depends on the theme's markup: the first layer (R1,
// R4–R7, R21, R22), the manager (R7, R8, R18, R21) and withdrawal (R14–R16).
// The DSFR placeholder (R1, R17, R21, R22) is in dsfrplaceholder_test.go.

var (
	dsfrOnce sync.Once
	dsfrErr  error
	// dsfrURL is the DSFR site's base URL, without the final slash.
	dsfrURL string
)

// needDSFR starts the DSFR site on first use.
func needDSFR(t *testing.T) {
	t.Helper()
	dsfrOnce.Do(func() {
		c := consent.Seed()
		c.Site.Theme = consent.ThemeDSFR
		tmp, err := os.MkdirTemp("", "consent-e2e-dsfr-")
		if err != nil {
			dsfrErr = err
			return
		}
		secondSites = append(secondSites, func() { os.RemoveAll(tmp) })
		dir, file, err := variantBundle(tmp, "dsfr", c, distDir)
		if err == nil {
			dsfrURL, err = serveVariant(dir, "-catalogue", file)
		}
		dsfrErr = err
	})
	require.NoError(t, dsfrErr, "starting the DSFR site")
}

// radioStatesJS is every radio button of the manager by id: "checked",
// "disabled", both or neither.
const radioStatesJS = `Object.fromEntries(Array.from(` + widgetDoc + `.querySelectorAll('#cc-prefs input[type=radio]'),
	(r) => [r.id, [r.checked && 'checked', r.disabled && 'disabled'].filter(Boolean).join(' ')]))`

// dsfrFirstVisit is every radio button's state on a first visit: nothing
// allowed (R8), a necessary purpose accepted and locked.
func dsfrFirstVisit() map[string]string {
	c := consent.Seed()
	want := map[string]string{"cc-all-accept": "", "cc-all-refuse": "checked"}
	for _, cat := range c.Categories {
		ids := []string{"cc-cat-" + cat.ID}
		for _, svc := range c.ServicesIn(cat.ID) {
			ids = append(ids, "cc-svc-"+svc.ID)
		}
		for _, id := range ids {
			if cat.Necessary {
				want[id+"-accept"], want[id+"-refuse"] = "checked", "disabled"
			} else {
				want[id+"-accept"], want[id+"-refuse"] = "", "checked"
			}
		}
	}
	return want
}

func TestDSFRFirstLayerR1R4R5R6R7R21(t *testing.T) {
	needDSFR(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, dsfrURL+"/contact", engine.PageOptions{Width: 1280, Height: 800})
		tb.waitMode("banner")
		assert.Empty(t, leftFor(t, dsfrURL), "R1: no request to any other origin")
		assert.Equal(t, 1, tb.num(widgetDoc+`.querySelectorAll('.cc-root.cc-theme-dsfr').length`), "the DSFR theme")

		var buttons []choiceButton
		tb.eval(choiceButtonsJS, &buttons)
		require.Len(t, buttons, 3, "R4: accept, refuse, customise and nothing else")
		var labels, actions []string
		for _, btn := range buttons {
			labels, actions = append(labels, btn.Text), append(actions, btn.Action)
		}
		assert.Equal(t, []string{"Tout accepter", "Tout refuser", "Personnaliser"}, labels, "R6")
		assert.Equal(t, []string{"accept", "refuse", "customise"}, actions, "the DSFR's order, which is the keyboard's")
		accept, refuse, customise := buttons[0], buttons[1], buttons[2]
		for _, btn := range buttons {
			assert.Equal(t, "BUTTON", btn.Tag, "R5: %q is a button", btn.Text)
			assert.True(t, btn.Hit, "R4: %q can be clicked where it is drawn", btn.Text)
			assert.GreaterOrEqual(t, btn.Contrast, 4.5, "R5, R22: %q text contrast", btn.Text)
			assert.InDelta(t, accept.Y, btn.Y, 1, "one row at 1280px")
			assert.InDelta(t, accept.W, btn.W, 1, "R5: %q has the width of %q (the DSFR's equal-width group)", btn.Text, accept.Text)
			assert.InDelta(t, accept.H, btn.H, 1, "R5: %q has the height of %q", btn.Text, accept.Text)
			assert.Equal(t, []string{accept.Font, accept.Size, accept.Weight, accept.Padding}, []string{btn.Font, btn.Size, btn.Weight, btn.Padding}, "R5: %q's type", btn.Text)
		}
		// R5: refusing is the same primary button as accepting; customising
		// is the DSFR's secondary one.
		assert.Equal(t, []string{accept.Color, accept.Background, accept.Border}, []string{refuse.Color, refuse.Background, refuse.Border})
		assert.GreaterOrEqual(t, refuse.Contrast, accept.Contrast, "R5: refusing is at least as visible as accepting")
		assert.NotEqual(t, accept.Background, customise.Background, "the secondary button")

		// R7: what, who, and how to change one's mind, and the policy.
		banner := tb.widgetText(`#cc-banner`)
		assert.Contains(t, banner, consent.Seed().Site.Intro.In("fr"))
		assert.Contains(t, banner, "changer d'avis")
		assert.Contains(t, banner, "Gestion des cookies")
		assert.Equal(t, "_top", tb.str(widgetDoc+`.querySelector('#cc-banner a[href="/charte-cookies"]').target`))

		// R21: a named non-modal dialog, which takes focus; then Tab goes
		// through it in reading order.
		var d dialogInfo
		tb.eval(dialogJS+`('cc-banner')`, &d)
		assert.Equal(t, dialogInfo{Role: "dialog", Modal: "false", Name: "Vos choix sur les cookies"}, d)
		tb.waitFocus(`f.inWidget && f.key === 'cc-banner'`)
		var order []string
		for range 4 {
			tb.pressKey("Tab")
			order = append(order, tb.focused().Key)
		}
		assert.Equal(t, []string{"link", "accept", "refuse", "customise"}, order, "R21: Tab goes through the banner in order")
	})
}

func TestDSFRManagerR7R8R18R21ByKeyboard(t *testing.T) {
	needDSFR(t)
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, dsfrURL+"/contact", engine.PageOptions{Width: 1280, Height: 800})
		tb.customiseByKeyboard()
		var d dialogInfo
		tb.eval(dialogJS+`('cc-prefs')`, &d)
		assert.Equal(t, dialogInfo{Role: "dialog", Modal: "true", Name: "Gestion des cookies"}, d, "R21")

		// The DSFR's structure: the row for every purpose, then a fieldset
		// per purpose, each named by its legend.
		var legends []string
		tb.eval(`Array.from(`+widgetDoc+`.querySelectorAll('#cc-prefs .cc-manager > .cc-purpose > fieldset > legend'), (l) => l.textContent.trim())`, &legends)
		want := []string{"Préférences pour tous les services. Charte cookies"}
		for _, cat := range seed.Categories {
			want = append(want, cat.Title.In("fr"))
		}
		assert.Equal(t, want, legends)
		// R8: nothing allowed; a necessary purpose cannot be refused.
		var radios map[string]string
		tb.eval(radioStatesJS, &radios)
		assert.Equal(t, dsfrFirstVisit(), radios, "R8")

		// R7: every purpose, what refusing it means, who receives the data
		// with their privacy policy: shown, one click from the banner.
		prefs := tb.widgetText(`#cc-prefs`)
		for _, cat := range seed.Categories {
			assert.Contains(t, prefs, cat.Description.In("fr"))
			assert.Contains(t, prefs, cat.Refusal.In("fr"))
		}
		var shown bool
		tb.eval(`(() => { const a = `+widgetDoc+`.querySelector('#cc-prefs a[href="https://policies.google.com/privacy"]');
			return !!a && a.target === '_blank' && a.rel.includes('noopener') && a.getClientRects().length > 0; })()`, &shown)
		assert.True(t, shown, "R7: Google's privacy policy, shown, opened outside the frame")

		// R18 behind "Voir plus de détails", by keyboard.
		tb.tabTo("cc-cat-contact-more", 20)
		tb.pressKey("Enter")
		tb.waitFor(widgetDoc + `.getElementById('cc-cat-contact-more').getAttribute('aria-expanded') === 'true'`)
		details := widgetDoc + `.getElementById('cc-cat-contact-details')`
		assert.False(t, tb.num(details+`.getClientRects().length`) == 0, "the details show")
		for _, svc := range seed.ServicesIn("contact") {
			for _, ck := range svc.Cookies {
				assert.Contains(t, tb.str(details+`.textContent`), ck.Name, "R18")
			}
		}

		// A purpose by its radio buttons: Tab reaches the chosen one, an
		// arrow key chooses the other, and the row for every purpose
		// follows.
		tb.pressKey("Shift+Tab")
		tb.pressKey("Shift+Tab")
		f := tb.waitFocus(`f.key.startsWith('cc-cat-contact-')`)
		require.Equal(t, "cc-cat-contact-refuse", f.Key, "Tab reaches the chosen radio button")
		tb.pressKey("ArrowLeft")
		// The widget answers after the key's change event: wait for it.
		tb.waitFor(widgetDoc + `.getElementById('cc-all-accept').checked`)
		tb.eval(radioStatesJS, &radios)
		assert.Equal(t, "checked", radios["cc-cat-contact-accept"])
		assert.Equal(t, "checked", radios["cc-all-accept"], "every optional purpose is now allowed")
		assert.Equal(t, "checked", radios["cc-svc-recaptcha-accept"], "the service follows its purpose")

		// The dialog keeps focus: past its last control, Tab comes back to
		// its first.
		tb.tabTo("cc-prefs-save", 20)
		tb.pressKey("Tab")
		assert.Equal(t, "cc-prefs-close", tb.waitFocus(`f.key !== 'cc-prefs-save'`).Key, "R21: Tab stays in the modal dialog")
		tb.pressKey("Shift+Tab")
		assert.Equal(t, "cc-prefs-save", tb.waitFocus(`f.key !== 'cc-prefs-close'`).Key)
		_, stored := tb.consentCookie()
		assert.False(t, stored, "nothing is stored before Confirmer mes choix")

		tb.pressKey("Enter")
		tb.waitMode("button")
		tb.waitFor(`window.recaptchaRuns === 1`)
		assert.Equal(t, map[string]bool{"contact": true}, tb.record().Categories, "confirmed by keyboard")

		// Escape closes it again without a choice; focus goes back to the
		// page's control that opened it.
		tb.eval(`document.querySelector('footer [data-consent-open]').focus()`, nil)
		tb.pressKey("Enter")
		tb.waitMode("modal")
		tb.waitFocus(`f.inPrefs`)
		tb.pressKey("Escape")
		tb.waitMode("button")
		assert.Equal(t, "page:consent-open", tb.waitFocus(`!f.inWidget`).Key, "R21")
	})
}

func TestDSFRWithdrawalR14R15R16(t *testing.T) {
	needDSFR(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, dsfrURL+"/contact", engine.PageOptions{})
		tb.click(frame(`#cc-banner [data-action=accept]`))
		tb.waitFor(`window.recaptchaRuns === 1 && localStorage.getItem('_grecaptcha') !== null`)
		tb.waitMode("button")

		// R14: the page's own control; R15: in the manager, "Tout refuser"
		// for every purpose then "Confirmer mes choix", and nothing more.
		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		var radios map[string]string
		tb.eval(radioStatesJS, &radios)
		assert.Equal(t, "checked", radios["cc-all-accept"], "the manager shows the choice in force")
		tb.click(frame(`label[for="cc-all-refuse"]`))
		tb.waitFor(widgetDoc + `.getElementById('cc-cat-contact-refuse').checked`)
		tb.click(frame(`#cc-prefs-save`))
		tb.waitMode("button")
		assertWithdrawn(t, tb)

		proxy.Reset()
		tb.visit(dsfrURL + "/contact")
		assert.Empty(t, leftFor(t, dsfrURL), "R16: after withdrawal and reload, nothing leaves for Google or anyone else")

		// A page with nothing to decide: the loader's own button, in the
		// theme too.
		tb.visit(dsfrURL + "/")
		require.Equal(t, "button", tb.mode())
		assert.Equal(t, "cc-root cc-theme-dsfr", tb.str(`document.querySelector('civic-consent-button').shadowRoot.querySelector('.cc-fab').parentElement.className`))
		assert.Equal(t, "0px", tb.str(`getComputedStyle(document.querySelector('civic-consent-button').shadowRoot.querySelector('.cc-fab')).borderTopLeftRadius`))
	})
}

// dsfrStates are the DSFR theme's views that axe, contrast and reflow
// visit: the banner, and the manager with a purpose's details open.
var dsfrStates = []struct {
	name, mode, roots, controls string
	reach                       func(tb *tab)
}{
	{"banner", "banner", `[` + widgetDoc + `.getElementById('cc-banner')]`, `#cc-banner button, #cc-banner a[href]`, nil},
	{"manager", "modal", `[` + widgetDoc + `.getElementById('cc-prefs')]`, `#cc-prefs button:not([hidden] *), #cc-prefs a[href]:not([hidden] *), #cc-prefs input:not([disabled]):not([hidden] *)`, func(tb *tab) {
		tb.click(frame(`#cc-banner [data-action=customise]`))
		tb.waitMode("modal")
		tb.click(frame(`#cc-cat-contact-more`))
		tb.waitFor(widgetDoc + `.getElementById('cc-cat-contact-more').getAttribute('aria-expanded') === 'true'`)
	}},
}

func TestDSFRAxeContrastAndReflowR21R22(t *testing.T) {
	needDSFR(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, st := range dsfrStates {
			t.Run(st.name, func(t *testing.T) {
				tb := openAt(t, b, dsfrURL+"/", engine.PageOptions{})
				if st.reach != nil {
					st.reach(tb)
				}
				tb.waitMode(st.mode)
				widget := tb.axeWidget()
				assert.Empty(t, widget.Violations, "R21: axe-core in the widget's frame (%s, %s):%s", st.name, b.Name(), widget.report())
				assert.Positive(t, widget.passed("button-name"), "axe-core did not audit the widget's buttons")
				assert.Positive(t, widget.passed("target-size"), "axe-core did not measure the widget's targets (2.5.8)")
				var texts []textContrast
				tb.eval(textContrastJS+`(`+st.roots+`)`, &texts)
				require.NotEmpty(t, texts)
				for _, c := range texts {
					assert.GreaterOrEqual(t, c.Ratio, 4.5, "R22: %q: %s on %s is %.2f:1", c.Text, c.FG, c.BG, c.Ratio)
				}
			})
		}
		// R22: at 320 px (WebKit: its narrowest) and at 200 % zoom, every
		// control can be seen and used, nothing to scroll sideways; on a
		// phone the banner covers at most two fifths of the screen.
		for _, vp := range append(reflowViewports, struct {
			name string
			w, h int
		}{"phone", phoneW, phoneH}) {
			t.Run(vp.name, func(t *testing.T) {
				tb := openAt(t, b, dsfrURL+"/", engine.PageOptions{Width: windowWidth(b, vp.w), Height: vp.h})
				for _, st := range dsfrStates {
					if st.reach != nil {
						st.reach(tb)
					}
					tb.waitMode(st.mode)
					var l reflowLayout
					tb.eval(reflowJS(st.controls, st.mode == "modal"), &l)
					require.NotEmpty(t, l.Controls)
					assertVisible(t, l, st.name)
					assert.LessOrEqual(t, l.OverflowX, 0.0, "R22: %s scrolls sideways", st.name)
					assert.Empty(t, l.Sideways, "R22: %s: text to scroll sideways", st.name)
					if st.mode == "banner" {
						assert.Empty(t, l.CutText, "R22: banner: text cut off")
						cover := (l.Frame.Right - l.Frame.Left) * (l.Frame.Bottom - l.Frame.Top) / (l.Width * l.Height)
						t.Logf("the banner covers %.1f %% of %.0f×%.0f", 100*cover, l.Width, l.Height)
						if vp.name == "phone" {
							assert.LessOrEqual(t, cover, maxPhoneCover, "the banner on a phone")
						}
					}
				}
			})
		}
	})
}

// The DSFR theme asks for Marianne first, which the widget never ships:
// where the page serves it, the widget's frame has it too, though a
// document does not see its parent's fonts.
func TestDSFRTakesMarianneFromTheSite(t *testing.T) {
	needDSFR(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, dsfrURL+"/", engine.PageOptions{})
		tb.waitMode("banner")
		const marianne = `Array.from(document.querySelector('civic-consent iframe').contentDocument.fonts)
			.filter((f) => f.family.replace(/["']/g, '') === 'Marianne').map((f) => f.weight + ' ' + f.style)`
		var faces []string
		tb.eval(marianne, &faces)
		assert.Empty(t, faces, "the widget ships no font")

		// The page serves Marianne (a stylesheet of its own: only its rule
		// matters here, this demo has no font file), then moves the
		// widget's element, which reloads its frame.
		tb.eval(`(() => {
			const s = new CSSStyleSheet();
			s.replaceSync('@font-face { font-family: "Marianne"; src: url("fonts/Marianne-Regular.woff2") format("woff2"); font-weight: 400; }' +
				'@font-face { font-family: "Marianne"; src: url("fonts/Marianne-Bold.woff2") format("woff2"); font-weight: 700; }' +
				'@font-face { font-family: "Other"; src: url("fonts/Other.woff2") format("woff2"); }');
			document.adoptedStyleSheets = [...document.adoptedStyleSheets, s];
			document.body.appendChild(document.querySelector('civic-consent'));
			return true;
		})()`, nil)
		tb.waitFor(`(` + marianne + `).length === 2`)
		tb.eval(marianne, &faces)
		assert.ElementsMatch(t, []string{"400 normal", "700 normal"}, faces, "both of the site's Marianne faces, and no other family")
		assert.Equal(t, 0, tb.num(`Array.from(document.querySelector('civic-consent iframe').contentDocument.fonts).filter((f) => f.family.replace(/["']/g, '') === 'Other').length`))
	})
}
