package app

import consent "github.com/civic-consent/consent"

// ThemeClass is the class the widget's root element carries for the
// catalogue's theme, which scopes that theme's rules in consent.css:
// cc-theme-<theme>, or "" for the widget's own look. Every view is
// rendered with it, the loader's frame-less button included.
func ThemeClass(c *consent.Catalogue) string {
	if c.Site.Theme == consent.ThemeDefault {
		return ""
	}
	return "cc-theme-" + c.Site.Theme
}
