package e2e

import (
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The DSFR theme's placeholder, on the DSFR site (dsfr_test.go): the
// DSFR's block where reCAPTCHA is refused, in the host page.

// dsfrPlaceholder is what dsfrPlaceholderJS reads of the contact page's
// placeholder.
type dsfrPlaceholder struct {
	Class, Role, Name, Title, Contact  string
	Buttons                            []string
	Action, Category, ButtonClass      string
	Link, Before                       bool
	Background, ButtonBackground, Font string
	Height, Room                       float64
}

// dsfrPlaceholderJS reads the placeholder in front of .g-recaptcha: its
// block, the element that names its region, its button and its slots, its
// look, its height and the room the demo page keeps for it.
const dsfrPlaceholderJS = `(() => {
const p = document.querySelector('civic-consent-placeholder'), root = p.shadowRoot;
const box = root.querySelector('[role=region]'), btn = box.querySelector('button');
const name = root.getElementById(box.getAttribute('aria-labelledby'));
const contact = box.querySelector('[data-consent-slot=contact]');
return {
	class: box.className, role: box.getAttribute('role'), name: name ? name.textContent : '',
	title: (box.querySelector('.fr-h6') || {}).textContent || '', contact: contact ? contact.textContent : '',
	buttons: Array.from(box.querySelectorAll('button'), (b) => b.textContent.trim()),
	action: btn.dataset.action, category: btn.dataset.category, buttonClass: btn.className,
	link: !!box.querySelector('[data-consent-slot=link]'),
	before: p.nextElementSibling === document.querySelector('.g-recaptcha'),
	background: getComputedStyle(box).backgroundColor, buttonBackground: getComputedStyle(btn).backgroundColor,
	font: getComputedStyle(box).fontFamily,
	height: p.getBoundingClientRect().height,
	room: parseFloat(getComputedStyle(document.querySelector('.captcha-slot')).minHeight),
};
})()`

// dsfrPlaceholderButton is the placeholder's "Autoriser" button.
const dsfrPlaceholderButton = `document.querySelector('civic-consent-placeholder').shadowRoot.querySelector('button')`

func TestDSFRPlaceholderR1R17R21R22(t *testing.T) {
	needDSFR(t)
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, dsfrURL+"/contact", engine.PageOptions{Width: 1280, Height: 800})
		tb.click(frame(`#cc-banner [data-action=refuse]`))
		tb.waitMode("button")
		tb.waitFor(`!!document.querySelector('civic-consent-placeholder')`)

		// R17: the DSFR's placeholder where the captcha would be, with
		// "Autoriser" for its purpose and another way to get in touch.
		var ph dsfrPlaceholder
		tb.eval(dsfrPlaceholderJS, &ph)
		t.Logf("the placeholder is %.0f px high, in %.0f px of room", ph.Height, ph.Room)
		assert.Equal(t, "fr-consent-placeholder cc-theme-dsfr", ph.Class, "the DSFR's block")
		assert.Equal(t, "region", ph.Role)
		assert.Equal(t, "Formulaire de contact", ph.Name, "the region is named after the purpose")
		assert.Equal(t, "Google ReCaptcha — Sécurité du formulaire de contact", ph.Title)
		assert.Equal(t, []string{"Autoriser"}, ph.Buttons, "R17")
		assert.Equal(t, []string{"allow", "contact", "fr-btn"}, []string{ph.Action, ph.Category, ph.ButtonClass}, "R17: the DSFR's primary button allows the purpose")
		assert.Contains(t, ph.Contact, seed.Site.Contact.In("fr"), "R17: the catalogue's address")
		assert.False(t, ph.Link, "no link slot for a form")
		assert.True(t, ph.Before, "in place of the captcha")
		assert.Equal(t, []string{"rgb(246, 246, 246)", "rgb(0, 0, 145)"}, []string{ph.Background, ph.ButtonBackground}, "the DSFR's tokens, not the page's")
		assert.True(t, strings.HasPrefix(ph.Font, "Marianne"), "Marianne where the site has it, else the system's font: %s", ph.Font)
		assert.Positive(t, ph.Height)
		assert.LessOrEqual(t, ph.Height, ph.Room, "the room the demo keeps for it holds it: nothing below moves")

		// R21: Tab from the form's last field reaches "Autoriser", which
		// shows the DSFR's focus ring. WebKit's window under Xvfb never
		// has the system's focus, so :focus matches nothing there.
		tb.eval(`document.getElementById('contact-message').focus()`, nil)
		tb.pressKey("Tab")
		tb.waitFor(`document.querySelector('civic-consent-placeholder').shadowRoot.activeElement === ` + dsfrPlaceholderButton)
		var ring struct {
			Visible bool
			Outline []string
		}
		tb.eval(`(() => { const b = `+dsfrPlaceholderButton+`, s = getComputedStyle(b);
			return {visible: b.matches(':focus-visible'), outline: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset]}; })()`, &ring)
		if b.Name() == engine.WebKit && !ring.Visible {
			t.Log("WebKit: the window has no focus, no focus ring to read")
		} else {
			assert.True(t, ring.Visible, "R21: focused by keyboard")
			assert.Equal(t, []string{"solid", "2px", "rgb(10, 118, 246)", "2px"}, ring.Outline, "R21: the DSFR's focus ring")
		}

		// R22: its text on its grey; R21: axe-core finds nothing in the
		// page, the placeholder's shadow root included.
		var texts []textContrast
		tb.eval(textContrastJS+`([document.querySelector('civic-consent-placeholder').shadowRoot])`, &texts)
		require.NotEmpty(t, texts)
		for _, c := range texts {
			assert.GreaterOrEqual(t, c.Ratio, 4.5, "R22: %q: %s on %s is %.2f:1", c.Text, c.FG, c.BG, c.Ratio)
		}
		page := tb.axePage()
		assert.Empty(t, page.Violations, "R21: axe-core on the page with the DSFR placeholder (%s):%s", b.Name(), page.report())
		assert.Empty(t, leftFor(t, dsfrURL), "R1: nothing left for Google or anyone else before Autoriser")

		// R17: "Autoriser", by keyboard, allows the purpose: Google's
		// loader comes in once, and the placeholder goes.
		tb.pressKey("Enter")
		tb.waitFor(`window.recaptchaRuns === 1`)
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('script[src^="`+recaptchaURL+`"]').length`), "Google's loader, once")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
		assert.Equal(t, map[string]bool{"contact": true}, tb.record().Categories, "a recorded choice like any other")
		for _, u := range leftFor(t, dsfrURL) {
			assert.Contains(t, u, "www.google.com", "only Google's loader, once allowed")
		}
	})
}
