package site

import "net/http"

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
const (
	NoWidgetParam = "nowidget"
	TwiceParam    = "twice"
)

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
