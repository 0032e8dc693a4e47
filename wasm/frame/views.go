package frame

// Screen is what the page program asks of the widget's frame to change the
// view without the dialog program: the first layer and the button are
// prerendered by the build, each in a template of the frame's document.
type Screen interface {
	// Replace shows a copy of the view's template in place of the view
	// the frame shows.
	Replace(v View) error
	// Show places the frame for to, shown after from, and moves focus.
	Show(from, to View) error
	// Alert shows that a choice could not be stored.
	Alert() error
}

// Views keeps the view the page program shows while the dialog program
// does not run: the prerendered first layer or button, the one the stored
// choice calls for.
type Views struct {
	screen Screen
	// shown is what the frame shows.
	shown View
}

// NewViews starts from the view the loader prerendered.
func NewViews(s Screen, prerendered View) *Views {
	return &Views{screen: s, shown: prerendered}
}

// Decided shows the view a decision calls for: the first layer when the
// visitor must be asked, else the button.
func (v *Views) Decided(ask bool) error {
	to := ViewButton
	if ask {
		to = ViewBanner
	}
	return v.show(to)
}

// Stored shows the button after a choice was stored.
func (v *Views) Stored() error { return v.show(ViewButton) }

// Failed says that a choice could not be stored; the view stays.
func (v *Views) Failed() error { return v.screen.Alert() }

// Handed records that the dialog program now shows to: from then on the
// dialog program changes the views.
func (v *Views) Handed(to View) { v.shown = to }

func (v *Views) show(to View) error {
	from := v.shown
	if from == to {
		return nil
	}
	if err := v.screen.Replace(to); err != nil {
		return err
	}
	v.shown = to
	return v.screen.Show(from, to)
}
