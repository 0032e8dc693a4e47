package e2e

import (
	"encoding/json"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
)

// The consent rules of docs/consent-rules.md, one scenario
// per rule (or per group of rules one scenario proves), run by every engine.
// Flows (flows_test.go) cover the main paths; these prove each rule's exact
// requirement. They are in files by the sections of consent-rules.md:
// before a choice (rules_beforechoice_test.go), the first layer
// (rules_firstlayer_test.go), keeping the choice (rules_keeping_test.go),
// changing one's mind (rules_withdrawal_test.go), the policy
// (rules_policy_test.go) and GPC (rules_gpc_test.go); this file holds what
// they share.

// widgetDoc is the widget frame's document, in JavaScript.
const widgetDoc = `document.querySelector('civic-consent iframe').contentDocument`

// demoPages are the demo site's pages, each with the page's own control that
// opens the preferences (the hostile page hides its footer button with its
// stylesheet and offers a link instead).
var demoPages = []struct{ path, control string }{
	{"/", `footer [data-consent-open]`},
	{"/contact", `footer [data-consent-open]`},
	{"/charte-cookies", `footer [data-consent-open]`},
	{"/demo/hostile", `#host-consent-link`},
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// settledMode waits until the widget has left the pending view (a stored
// cookie makes it start there) and returns the view it shows.
func (tb *tab) settledMode() string {
	tb.t.Helper()
	tb.waitFor(modeJS + ` !== 'pending' && ` + modeJS + ` !== 'none'`)
	return tb.mode()
}

// assertNothingLoaded checks R1 on the page and on the network: no
// reCAPTCHA element or run, and not one request to another origin (CONNECT
// tunnels included) since the last proxy.Reset.
func assertNothingLoaded(t *testing.T, tb *tab, when string) {
	t.Helper()
	assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[src*="recaptcha"], script[src*="google"], iframe[src*="google"], .stub-recaptcha').length`), "%s: no reCAPTCHA in the DOM", when)
	assert.Equal(t, "undefined", tb.str(`typeof window.recaptchaRuns`), "%s: Google's loader never ran", when)
	var allowed bool
	tb.eval(`window.civicConsent.allowed('recaptcha')`, &allowed)
	assert.False(t, allowed, "%s: the page's API says reCAPTCHA is not allowed", when)
	assert.Empty(t, thirdParty(t), "%s: no request to any other origin", when)
}

// toggles returns the state of every toggle of the open preferences, by id:
// aria-checked for switches, checked for any checkbox input.
func (tb *tab) toggles() map[string]string {
	tb.t.Helper()
	var out map[string]string
	tb.eval(`Object.fromEntries(Array.from(`+widgetDoc+`.querySelectorAll('#cc-prefs [role=switch], #cc-prefs [role=checkbox], #cc-prefs .cc-toggle, #cc-prefs input[type=checkbox]'),
		(el) => [el.id, el.matches('input') ? String(el.checked) : el.getAttribute('aria-checked')]))`, &out)
	return out
}

// optionalToggleIDs are the ids of the seed's optional toggles: one per
// optional category and one per service in it.
func optionalToggleIDs() []string {
	c := consent.Seed()
	var ids []string
	for _, cat := range c.OptionalCategories() {
		ids = append(ids, "cc-toggle-"+cat.ID)
		for _, svc := range c.ServicesIn(cat.ID) {
			ids = append(ids, "cc-toggle-svc-"+svc.ID)
		}
	}
	return ids
}

// allOff is the expected toggles map with every optional toggle off.
func allOff() map[string]string {
	m := map[string]string{}
	for _, id := range optionalToggleIDs() {
		m[id] = "false"
	}
	return m
}
