package e2e

import (
	"fmt"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dialogJS describes a dialog of the widget: its role, aria-modal and the
// text of what names it.
const dialogJS = `((id) => {
const d = document.querySelector('civic-consent iframe').contentDocument, el = d.getElementById(id);
if (!el) return null;
const names = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean).map(n => d.getElementById(n));
return {role: el.getAttribute('role') || '', modal: el.getAttribute('aria-modal') || '',
	name: names.map(n => n ? n.textContent.trim() : '').join(' ').trim() || (el.getAttribute('aria-label') || '')};
})`

// dialogInfo is what dialogJS returns.
type dialogInfo struct{ Role, Modal, Name string }

func TestR21DialogsHaveDialogSemanticsAndAName(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := stateFirstLayer.show(t, b, engine.PageOptions{})
		var d dialogInfo
		tb.eval(dialogJS+`('cc-banner')`, &d)
		assert.Equal(t, dialogInfo{Role: "dialog", Modal: "false", Name: "Vos choix sur les cookies"}, d, "R21: the first layer is a non-modal dialog named by its title")

		statePreferences.reach(tb)
		tb.waitMode(statePreferences.mode)
		tb.eval(dialogJS+`('cc-prefs')`, &d)
		assert.Equal(t, dialogInfo{Role: "dialog", Modal: "true", Name: "Gestion des cookies"}, d, "R21: the preferences are a modal dialog named by their title")
		assert.NotEmpty(t, tb.str(`document.querySelector('civic-consent iframe').title`), "the frame has a title")
	})
}

// R21 by keyboard alone: real key presses, focus read from the page and
// from the widget's frame.

// focusState is where the keyboard focus is.
type focusState struct {
	// InWidget is whether the host page's focus is the widget's frame; the
	// other fields then describe the focused element inside it.
	InWidget bool   `json:"inWidget"`
	Mode     string `json:"mode"`
	Key      string `json:"key"`
	InPrefs  bool   `json:"inPrefs"`
	InBanner bool   `json:"inBanner"`
	Checked  string `json:"checked"`
	Text     string `json:"text"`
}

// focusJS describes the focused element by a short key: its id, else
// "close", "fab" or "link" for those controls, else its data-action, else
// its tag and first class. Keys of the page's elements start with "page:";
// the page's "Gestion des cookies" control is "page:consent-open".
const focusJS = `(() => {
const f = document.querySelector('civic-consent iframe'), sb = document.querySelector('civic-consent-button');
const inWidget = !!document.activeElement && (document.activeElement === f || document.activeElement === sb);
const el = !inWidget ? document.activeElement : document.activeElement === f ? f.contentDocument.activeElement : sb.shadowRoot.activeElement;
const cls = el && typeof el.className === 'string' ? el.className.trim().split(/\s+/) : [];
let key = !el ? 'none' : el.id ? el.id :
	cls.includes('cc-close') ? 'close' : cls.includes('cc-fab') ? 'fab' :
	el.hasAttribute('data-consent-open') ? 'consent-open' :
	el.getAttribute('data-action') ? el.getAttribute('data-action') :
	el.tagName === 'A' ? 'link' : el.tagName.toLowerCase() + (cls[0] ? '.' + cls[0] : '');
if (!inWidget) key = 'page:' + key;
return {inWidget, mode: f ? f.getAttribute('data-mode') : sb ? 'button' : 'none', key,
	inPrefs: !!(inWidget && el && el.closest('#cc-prefs')),
	inBanner: !!(inWidget && el && el.closest('#cc-banner')),
	checked: el && el.getAttribute('aria-checked') || '',
	text: el ? (el.textContent || '').trim().slice(0, 40) : ''};
})()`

func (f focusState) String() string {
	return fmt.Sprintf("%s %q (mode %s)", f.Key, f.Text, f.Mode)
}

func (tb *tab) focused() focusState {
	tb.t.Helper()
	var f focusState
	tb.eval(focusJS, &f)
	return f
}

// waitFocus waits until the focus satisfies cond, a JavaScript expression
// over f, the focusJS object: the widget moves focus from Go, after the key
// event that asked for it.
func (tb *tab) waitFocus(cond string) focusState {
	tb.t.Helper()
	tb.waitFor(focusCond(cond))
	return tb.focused()
}

// focusCond turns a condition over f, the focusJS object, into an
// expression.
func focusCond(cond string) string { return `((f) => ` + cond + `)(` + focusJS + `)` }

func (tb *tab) pressKey(key string) {
	tb.t.Helper()
	require.NoError(tb.t, tb.Press(key), "pressing %s", key)
}

// customiseByKeyboard opens the preferences from the first layer, just
// shown, by keyboard: Tab to "Personnaliser", Enter; focus is then inside.
func (tb *tab) customiseByKeyboard() {
	tb.t.Helper()
	tb.waitMode("banner")
	tb.waitFocus(`f.key === 'cc-banner'`)
	tb.tabTo("customise", 5)
	tb.pressKey("Enter")
	tb.waitMode("modal")
	tb.waitFocus(`f.inPrefs`)
}

// tabTo presses Tab until the focused element has the given key, and fails
// if it does not come within max presses.
func (tb *tab) tabTo(key string, max int) {
	tb.t.Helper()
	var seen []string
	for range max {
		tb.pressKey("Tab")
		f := tb.focused()
		if f.Key == key {
			return
		}
		seen = append(seen, f.Key)
	}
	require.Failf(tb.t, "not reached by Tab", "%s not focused after %d Tab presses; focus went %v", key, max, seen)
}

func TestR21KeyboardFirstLayerAndPreferences(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		tb.waitMode("banner")
		f := tb.waitFocus(`f.inWidget && f.key === 'cc-banner'`)
		assert.True(t, f.InBanner, "R21: focus moves into the first layer when it opens")

		// The first layer's controls, in reading order.
		var order []string
		for range 5 {
			tb.pressKey("Tab")
			order = append(order, tb.focused().Key)
		}
		assert.Equal(t, []string{"close", "link", "refuse", "accept", "customise"}, order, "R21: Tab goes through the first layer in order")

		// The banner does not trap: Shift+Tab leaves it for the page, and
		// Tab from the page comes back to it.
		for range 4 {
			tb.pressKey("Shift+Tab")
		}
		assert.Equal(t, "close", tb.focused().Key)
		tb.pressKey("Shift+Tab")
		f = tb.focused()
		assert.False(t, f.InWidget, "R21: Shift+Tab from the first layer goes back to the page, got %s", f)
		tb.pressKey("Tab")
		assert.Equal(t, "close", tb.focused().Key, "R21: Tab from the page reaches the first layer")

		// Enter on "Personnaliser" opens the preferences, focus inside.
		tb.tabTo("customise", 5)
		tb.pressKey("Enter")
		tb.waitMode("modal")
		tb.waitFocus(`f.inPrefs`)

		// Tab cycles within the modal dialog and never reaches the page.
		var cycle []string
		for range 40 {
			tb.pressKey("Tab")
			f := tb.waitFocus(`f.inPrefs || !f.inWidget || f.mode !== 'modal'`)
			require.True(t, f.InPrefs, "R21: Tab left the preferences dialog for %s after %v", f, cycle)
			cycle = append(cycle, f.Key)
			if f.Key == "cc-prefs-close" && len(cycle) > 1 {
				break
			}
		}
		require.Equal(t, "cc-prefs-close", cycle[len(cycle)-1], "R21: Tab did not come back to the dialog's first control: %v", cycle)
		for _, want := range []string{"cc-toggle-contact", "cc-toggle-svc-recaptcha", "link", "refuse", "accept", "cc-prefs-save"} {
			assert.Contains(t, cycle, want, "R21: every control of the dialog is reached by Tab")
		}
		tb.pressKey("Shift+Tab")
		f = tb.waitFocus(`f.key !== 'cc-prefs-close'`)
		assert.Equal(t, "cc-prefs-save", f.Key, "R21: Shift+Tab from the first control wraps to the last, got %s", f)

		// Escape closes without a choice; focus goes back to the control
		// that opened the preferences.
		tb.pressKey("Escape")
		tb.waitMode("banner")
		f = tb.waitFocus(`f.inBanner`)
		assert.Equal(t, "customise", f.Key, "R21: focus returns where it was (\"Personnaliser\") when the preferences close, got %s", f)
		_, stored := tb.consentCookie()
		assert.False(t, stored, "Escape is not a choice")
	})
}

func TestR21KeyboardTogglesAndSave(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/contact", engine.PageOptions{})
		tb.customiseByKeyboard()

		// Each switch, by Space then Enter: on, then off again.
		flip := func(id, key, want string) {
			t.Helper()
			tb.pressKey(key)
			err := engine.WaitFor(tb.Page, focusCond(`f.key !== '`+id+`' || f.checked === '`+want+`'`), wait)
			f := tb.focused()
			require.NoError(t, err, "R21: %s on #%s should turn it %s; aria-checked stays %q", key, id, want, f.Checked)
			require.Equal(t, id, f.Key, "focus stays on the switch")
			require.Equal(t, want, f.Checked, "R21: %s on #%s turns it %s and aria-checked says so", key, id, want)
		}
		tb.tabTo("cc-toggle-contact", 5)
		require.Equal(t, "false", tb.focused().Checked, "R8")
		tb.tabTo("cc-toggle-svc-recaptcha", 5)
		require.Equal(t, "false", tb.focused().Checked, "R8")
		flip("cc-toggle-svc-recaptcha", "Space", "true")
		flip("cc-toggle-svc-recaptcha", "Enter", "false")
		tb.pressKey("Shift+Tab")
		require.Equal(t, "cc-toggle-contact", tb.focused().Key)
		flip("cc-toggle-contact", "Space", "true")
		flip("cc-toggle-contact", "Enter", "false")
		flip("cc-toggle-contact", "Space", "true")
		tb.tabTo("cc-toggle-svc-recaptcha", 5)
		assert.Equal(t, "true", tb.focused().Checked, "the service follows its purpose")

		tb.tabTo("cc-prefs-save", 10)
		tb.pressKey("Enter")
		tb.waitMode("button")
		tb.waitFor(`window.recaptchaRuns === 1`)
		assert.Equal(t, map[string]bool{"contact": true}, tb.record().Categories, "saved by keyboard")
	})
}

func TestR21EscapeReturnsFocusToThePageControl(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		tb.waitMode("banner")
		tb.waitFocus(`f.key === 'cc-banner'`)
		tb.eval(`document.querySelector('footer [data-consent-open]').focus()`, nil)
		tb.waitFocus(`f.key === 'page:consent-open'`)
		tb.pressKey("Enter")
		tb.waitMode("modal")
		tb.waitFocus(`f.inPrefs`)
		tb.pressKey("Escape")
		tb.waitMode("banner")
		f := tb.waitFocus(`!f.inWidget`)
		assert.Equal(t, "page:consent-open", f.Key, "R21: focus returns to the page's control that opened the preferences")
	})
}

func TestR21KeyboardFloatingButton(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		tb.waitMode("banner")
		tb.waitFocus(`f.key === 'cc-banner'`)
		tb.tabTo("refuse", 5)
		tb.pressKey("Enter")
		tb.waitMode("button")
		f := tb.waitFocus(`f.inWidget`)
		assert.Equal(t, "fab", f.Key, "R21: focus is not lost when the first layer goes away")

		// Another page: the floating button is in the page's Tab order.
		tb.load("/")
		tb.waitMode("button")
		tb.tabTo("fab", 40)
		tb.pressKey("Enter")
		tb.waitMode("modal")
		tb.waitFocus(`f.inPrefs`)
		tb.pressKey("Escape")
		tb.waitMode("button")
		f = tb.waitFocus(`f.inWidget`)
		assert.Equal(t, "fab", f.Key, "R21: focus returns to the floating button")
	})
}
