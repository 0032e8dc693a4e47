package frame

// FocusMove is where focus goes when the widget changes view (R21): into
// a dialog that opens, back to where it was when the preferences close, and
// onto the control that replaces the one that was used.
type FocusMove struct {
	// Selector is the element of the widget that takes focus; empty when
	// focus stays where it is.
	Selector string
	// Restore sends focus back to the host page's control that opened the
	// preferences, if one did; Selector is the fallback.
	Restore bool
	// UnlessInPage leaves focus alone if the visitor has put it on
	// something of the host page meanwhile.
	UnlessInPage bool
}

// FocusAfter says where focus goes when the widget shows to after from.
// fromPrerendered is true when the loader's prerendered first layer was
// showing before the wasm ran (the visitor may have clicked it).
func FocusAfter(from, to View, fromPrerendered bool) FocusMove {
	switch {
	case to == ViewPreferences:
		return FocusMove{Selector: "#cc-prefs"}
	case from == ViewPreferences && to == ViewBanner:
		// The preferences were opened from the first layer's button.
		return FocusMove{Selector: "#cc-banner [data-action=customise]", Restore: true}
	case from == ViewPreferences:
		return FocusMove{Selector: ".cc-fab", Restore: true}
	case to == ViewBanner:
		// The live first layer replaced the prerendered one, and focus
		// with it when the loader had put it there.
		return FocusMove{Selector: "#cc-banner", UnlessInPage: true}
	case from == ViewBanner && to == ViewButton:
		return FocusMove{Selector: ".cc-fab"}
	case from == ViewPending && to == ViewButton && fromPrerendered:
		// A choice made on the prerendered first layer, replayed: focus
		// was on a button that is gone, unless the visitor moved it since.
		return FocusMove{Selector: ".cc-fab", UnlessInPage: true}
	}
	return FocusMove{}
}
