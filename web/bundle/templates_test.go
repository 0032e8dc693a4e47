package main

import (
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// TestPlaceholdersFollowTheTheme checks the placeholders the build
// prerenders for the frame's templates: each theme's look for every
// optional category and service, in every language, checked as the first
// layer is.
func TestPlaceholdersFollowTheTheme(t *testing.T) {
	dsfr := consent.Seed()
	dsfr.Site.Theme = consent.ThemeDSFR
	for name, tt := range map[string]struct {
		c     *consent.Catalogue
		class string
	}{
		"seed":                   {consent.Seed(), "cc-placeholder"},
		"seed in the DSFR theme": {dsfr, "fr-consent-placeholder cc-theme-dsfr"},
	} {
		for _, lang := range tt.c.Languages() {
			out, err := templates(tt.c, lang)
			require.NoError(t, err, "%s %s", name, lang)
			doc, err := html.Parse(strings.NewReader(out))
			require.NoError(t, err)
			for _, id := range placeholderIDs(tt.c) {
				tpl := byID(doc, contract.TemplatePlaceholder(id))
				require.NotNil(t, tpl, "%s %s: no template for %s", name, lang, id)
				root := tpl.FirstChild
				require.NotNil(t, root, "%s %s: empty template for %s", name, lang, id)
				assert.Equal(t, tt.class, attr(root, "class"), "%s %s %s", name, lang, id)
				assert.Equal(t, "region", attr(root, "role"), "%s %s %s", name, lang, id)
			}
		}
	}
}

// attr returns n's attribute name, or "".
func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// byID returns the element of doc with that id, or nil.
func byID(doc *html.Node, id string) *html.Node {
	for n := range doc.Descendants() {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return n
			}
		}
	}
	return nil
}
