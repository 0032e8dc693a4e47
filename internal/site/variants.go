package site

import (
	"net/http"
	"regexp"

	consent "github.com/civic-consent/consent"
)

// Every demo page has two variants for the browser tests, asked for with a
// query parameter (a visitor never needs them):
//
//   - ?nowidget=1 serves the page without the widget's loader tag, so that
//     a test can compare the page with the widget against the very same page
//     without it;
//   - ?twice=1 serves it with the loader tag twice, as a careless host
//     template might: the second copy must only report the mistake.
//
// Both may be combined with ?lang= and ?gpc=1; nowidget wins over twice.
//
// Every page, the library's too, also has a Trusted Types variant:
// ?tt=NAME adds require-trusted-types-for 'script' and trusted-types NAME
// to its CSP, so that the page allows one policy, NAME: civic-consent for
// the widget's, another name to see the widget stay off.
const (
	NoWidgetParam     = "nowidget"
	TwiceParam        = "twice"
	TrustedTypesParam = "tt"
)

// policyName is what ?tt= may name: a Trusted Types policy name that needs
// no quoting in a CSP.
var policyName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,40}$`)

// withTrustedTypes returns csp with the Trusted Types directives the
// request asks for (?tt=NAME), or csp itself.
func withTrustedTypes(csp string, r *http.Request) string {
	name := r.URL.Query().Get(TrustedTypesParam)
	if !policyName.MatchString(name) {
		return csp
	}
	return csp + "; require-trusted-types-for 'script'; trusted-types " + name
}

// loaderTags is how many times the page includes consent.js: once, unless
// the request asks for a test variant.
func loaderTags(r *http.Request) int {
	q := r.URL.Query()
	switch {
	case q.Get(NoWidgetParam) == "1":
		return 0
	case q.Get(TwiceParam) == "1":
		return 2
	}
	return 1
}

// positionParam is the first layer's position a demo page asks for with
// ?position=bar|box|center, so that each can be tried on any page; "" (the
// catalogue's) for anything else.
func positionParam(r *http.Request) string {
	switch p := r.URL.Query().Get("position"); p {
	case consent.PositionBar, consent.PositionBox, consent.PositionCenter:
		return p
	}
	return ""
}
