package app

import consent "github.com/civic-consent/consent"

// ThemeProperties are the custom properties a host page sets to theme the
// widget. This list is their one source: the build hands it to the frame's
// boot script (web/src/frame.js), which copies each into the widget's
// frame; the wasm copies them onto placeholders; web/src/consent.css
// declares a default for each, which a test of web/bundle holds to this
// list.
var ThemeProperties = []string{
	"--cc-bg", "--cc-fg", "--cc-muted", "--cc-accent", "--cc-accent-fg", "--cc-border",
	"--cc-focus", "--cc-font", "--cc-radius", "--cc-space", "--cc-backdrop",
}

// ThemeClass is the class the widget's root element carries for the
// catalogue's theme, which scopes that theme's rules in consent.css:
// cc-theme-<theme>, or "" for the widget's own look. The loader's frame-less
// button (web/src/consent.js) names it the same way.
func ThemeClass(c *consent.Catalogue) string {
	if c.Site.Theme == consent.ThemeDefault {
		return ""
	}
	return "cc-theme-" + c.Site.Theme
}
