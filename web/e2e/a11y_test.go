package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// R21 accessibility checked by axe-core, the engine most accessibility
// audits use, in the host page and in the widget's frame.

// axeTags are the rule sets run. RGAA 4.1 builds on WCAG 2.1 A and AA;
// wcag22aa adds what axe checks of WCAG 2.2 AA (target size, 2.5.8);
// best-practice adds the checks that are not criteria of it but that a
// screen reader user notices (landmarks, heading order, a dialog's name).
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// frameOnlyOff are the rules not run in the widget's frame on its own:
// they judge a whole page (one main landmark, one h1), the frame is a part
// of the host page, and the host page is checked for them. axe run across
// frames judges them once over the page and its frames in the same way.
// Without this, the frame fails them when it shows only the floating
// button.
var frameOnlyOff = []string{"landmark-one-main", "page-has-heading-one"}

var axeSource = sync.OnceValues(func() (string, error) {
	path := filepath.Join("..", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading axe-core (run `npm ci` in web/): %w", err)
	}
	return strings.TrimSpace(string(b)), nil
})

// axeResult is the part of axe.run's result the tests read.
type axeResult struct {
	Violations []axeRule `json:"violations"`
	Passes     []axeRule `json:"passes"`
}

// axeRule is one rule's outcome, with the nodes it concerns.
type axeRule struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		// Target is a selector per level of shadow root, nested as axe
		// gives it.
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// passed returns the number of nodes a rule passed on.
func (r axeResult) passed(id string) int {
	for _, p := range r.Passes {
		if p.ID == id {
			return len(p.Nodes)
		}
	}
	return 0
}

// report describes the violations for a failure message.
func (r axeResult) report() string {
	var b strings.Builder
	for _, v := range r.Violations {
		fmt.Fprintf(&b, "\n- %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			target, _ := json.Marshal(n.Target)
			fmt.Fprintf(&b, "\n    %s %s\n      %s", target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	return b.String()
}

// axePage runs axe-core on the top document, leaving the widget's frame to
// axeWidget. The engine evaluates the source itself, which the page's CSP
// (script-src 'self', no 'unsafe-eval') does not govern.
func (tb *tab) axePage() axeResult {
	tb.t.Helper()
	src, err := axeSource()
	require.NoError(tb.t, err)
	tb.eval(`(() => {
if (!window.axe) {
`+src+`
}
return true;
})()`, nil)
	return tb.runAxe(`window`, `document`, nil)
}

// axeWidget runs axe-core on the widget's frame document. The frame
// inherits the page's CSP, so neither its eval nor an inline script can
// load axe there (both are refused in Chromium and WebKit). Instead axe's
// source, which is written as a function of the window it audits, is
// called here with the frame's window: axe then reads the frame's document,
// styles and DOM classes, which is what running inside the frame gives.
func (tb *tab) axeWidget() axeResult {
	tb.t.Helper()
	src, err := axeSource()
	require.NoError(tb.t, err)
	tb.eval(`((window) => {
if (!window.axe) {
`+src+`
}
return true;
})(document.querySelector('civic-consent iframe').contentWindow)`, nil)
	return tb.runAxe(`document.querySelector('civic-consent iframe').contentWindow`, `document.querySelector('civic-consent iframe').contentDocument`, frameOnlyOff)
}

// runAxe runs the axe instance of win on context and returns its result.
func (tb *tab) runAxe(win, context string, off []string) axeResult {
	tb.t.Helper()
	tags, _ := json.Marshal(axeTags)
	rules := map[string]any{}
	for _, id := range off {
		rules[id] = map[string]bool{"enabled": false}
	}
	opts, _ := json.Marshal(map[string]any{
		"runOnly":     map[string]any{"type": "tag", "values": json.RawMessage(tags)},
		"rules":       rules,
		"resultTypes": []string{"violations"},
		"iframes":     false,
	})
	var res axeResult
	tb.eval(fmt.Sprintf(`(async () => {
const r = await (%s).axe.run(%s, %s);
const keep = (rules) => rules.map(v => ({id: v.id, impact: v.impact, help: v.help,
	nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))}));
return {violations: keep(r.violations), passes: keep(r.passes)};
})()`, win, context, opts), &res)
	return res
}

// widgetState is a view of the widget, and of the page around it, that the
// accessibility tests and the screenshots visit.
type widgetState struct {
	name string
	path string
	// mode is the widget's view in that state.
	mode string
	// reach brings the page from its first load to the state.
	reach func(tb *tab)
}

var (
	stateFirstLayer  = widgetState{name: "first-layer", path: "/", mode: "banner"}
	statePreferences = widgetState{name: "preferences", path: "/", mode: "modal", reach: func(tb *tab) {
		tb.click(frame(`.cc-actions [data-action=customise]`))
	}}
	// statePlaceholder is the contact page after a refusal: the notice
	// standing in for reCAPTCHA, in the page, and the floating button.
	statePlaceholder = widgetState{name: "placeholder", path: "/contact", mode: "button", reach: func(tb *tab) {
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitFor(`!!document.querySelector('civic-consent-placeholder')`)
	}}
	statePolicyPage = widgetState{name: "policy-page", path: "/charte-cookies", mode: "banner"}
)

// show opens a fresh page in the state.
func (st widgetState) show(t *testing.T, b engine.Browser, opts engine.PageOptions) *tab {
	t.Helper()
	tb := open(t, b, st.path, opts)
	if st.reach != nil {
		st.reach(tb)
	}
	tb.waitMode(st.mode)
	return tb
}

func TestR21AxeFindsNoViolation(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, st := range []widgetState{stateFirstLayer, statePreferences, statePlaceholder, statePolicyPage} {
			t.Run(st.name, func(t *testing.T) {
				tb := st.show(t, b, engine.PageOptions{})
				page := tb.axePage()
				assert.Empty(t, page.Violations, "R21: axe-core on the host page (%s, %s):%s", st.name, b.Name(), page.report())
				widget := tb.axeWidget()
				assert.Empty(t, widget.Violations, "R21: axe-core in the widget's frame (%s, %s):%s", st.name, b.Name(), widget.report())
				// The audit did see the widget: the frame has buttons, and
				// axe checked each for an accessible name.
				assert.Positive(t, widget.passed("button-name"), "axe-core did not audit the widget's buttons")
				assert.Positive(t, widget.passed("target-size"), "axe-core did not measure the widget's targets (2.5.8)")
			})
		}
	})
}

// The way axe is given the frame is unusual, so this proves it finds a
// problem there: a button without a name, added to the frame for the test.
func TestR21AxeSeesProblemsInTheWidget(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		tb.waitMode("banner")
		tb.eval(`(() => {
const d = document.querySelector('civic-consent iframe').contentDocument;
const probe = d.createElement('button');
probe.id = 'axe-probe';
d.querySelector('#cc-banner .cc-actions').appendChild(probe);
return true;
})()`, nil)
		res := tb.axeWidget()
		var found bool
		for _, v := range res.Violations {
			for _, n := range v.Nodes {
				found = found || (v.ID == "button-name" && fmt.Sprint(n.Target) == "[#axe-probe]")
			}
		}
		assert.True(t, found, "axe-core missed an unnamed button in the widget's frame:%s", res.report())
	})
}

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

// R22: reflow at 320 CSS px and at 200 % zoom, and text contrast.

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
