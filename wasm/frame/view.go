// Package frame is the widget's own document, the srcdoc iframe the loader
// creates, as the Go programs see it: the view it shows, where focus goes
// when the view changes, and (in the browser build, js_wasm.go) the
// civicFrame object of the loader's frame boot through which a program
// places the frame, takes the clicks made before it ran, and reaches the
// other program.
package frame

import "github.com/civic-consent/consent/wasm/contract"

// View is what the widget shows.
type View int

const (
	// ViewPending shows nothing: the stored choice is being read.
	ViewPending View = iota
	// ViewButton shows only the persistent "cookie settings" button (R14).
	ViewButton
	// ViewBanner shows the first layer.
	ViewBanner
	// ViewPreferences shows the preferences dialog, modal.
	ViewPreferences
)

// String names the view as the frame's modes do.
func (v View) String() string {
	switch v {
	case ViewButton:
		return contract.ModeButton
	case ViewBanner:
		return contract.ModeBanner
	case ViewPreferences:
		return contract.ModeModal
	}
	return contract.ModePending
}

// ParseView returns the view a mode names, and false for a mode no view
// shows (off, or unknown).
func ParseView(mode string) (View, bool) {
	for _, v := range []View{ViewPending, ViewButton, ViewBanner, ViewPreferences} {
		if v.String() == mode {
			return v, true
		}
	}
	return ViewPending, false
}
