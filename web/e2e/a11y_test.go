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
