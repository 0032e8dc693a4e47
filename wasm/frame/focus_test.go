package frame

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestR21FocusAfterEachChangeOfView(t *testing.T) {
	for _, tc := range []struct {
		name            string
		from, to        View
		fromPrerendered bool
		want            FocusMove
	}{
		{"the preferences open", ViewBanner, ViewPreferences, false, FocusMove{Selector: "#cc-prefs"}},
		{"opened from the button", ViewButton, ViewPreferences, false, FocusMove{Selector: "#cc-prefs"}},
		{"closed back to the first layer", ViewPreferences, ViewBanner, false, FocusMove{Selector: "#cc-banner [data-action=customise]", Restore: true}},
		{"saved from the preferences", ViewPreferences, ViewButton, false, FocusMove{Selector: ".cc-fab", Restore: true}},
		{"the live first layer replaces the prerendered one", ViewPending, ViewBanner, true, FocusMove{Selector: "#cc-banner", UnlessInPage: true}},
		{"a choice on the first layer", ViewBanner, ViewButton, false, FocusMove{Selector: ".cc-fab"}},
		{"a prerendered choice replayed", ViewPending, ViewButton, true, FocusMove{Selector: ".cc-fab", UnlessInPage: true}},
		{"a return visit: focus stays in the page", ViewPending, ViewButton, false, FocusMove{}},
	} {
		assert.Equal(t, tc.want, FocusAfter(tc.from, tc.to, tc.fromPrerendered), tc.name)
	}
}
