package app

import (
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// placeholderDOM renders the placeholder of id in the seed's catalogue, in
// theme and lang, and parses it.
func placeholderDOM(t *testing.T, theme, lang, id string) dom {
	t.Helper()
	c := consent.Seed()
	c.Site.Theme = theme
	require.NoError(t, c.Validate())
	return parseDOM(t, app.HTMLString(&Placeholder{Catalogue: c, Lang: lang, ID: id}))
}

func TestDSFRPlaceholderIsTheDSFRsPlaceholder(t *testing.T) {
	contact, _ := consent.Seed().Category("contact")
	for _, tt := range []struct{ lang, id, title, allow string }{
		{"fr", "recaptcha", "Google ReCaptcha — Sécurité du formulaire de contact", "Autoriser"},
		{"en", "recaptcha", "Google ReCaptcha — Contact form security", "Allow"},
		{"fr", "contact", contact.Title.In("fr"), "Autoriser"},
	} {
		what := tt.lang + " " + tt.id
		d := placeholderDOM(t, consent.ThemeDSFR, tt.lang, tt.id)
		root := d.all("div", "class", "fr-consent-placeholder cc-theme-dsfr")
		require.Len(t, root, 1, "%s: the DSFR's block, with the theme's tokens", what)
		assert.Empty(t, d.all("", "class", "cc-placeholder"), "%s: not the widget's own look", what)

		title := root[0].all("p", "class", "fr-h6")
		require.Len(t, title, 1, what)
		assert.Equal(t, tt.title, title[0].text(), "%s: the title names the service, else the category", what)
		for _, h := range []string{"h1", "h2", "h3", "h4", "h5", "h6"} {
			assert.Empty(t, d.all(h), "%s: no heading in a page whose outline the widget does not know", what)
		}
		assert.Len(t, root[0].all("p", "class", "fr-text"), 2, "%s: why it is hidden, what it is for", what)
		buttons := root[0].all("button", "class", "fr-btn", "type", "button")
		require.Len(t, buttons, 1, "%s: the DSFR's primary button", what)
		assert.Equal(t, tt.allow, buttons[0].text(), what)
		assert.Len(t, root[0].all("p", "class", "fr-text fr-text--sm"), 2, "%s: both slots, in small text", what)
	}
}

// TestPlaceholderContractInBothThemes holds both looks to what the page
// program and the visitor rely on (R17): a region named after the
// category, one "Autoriser" button that allows it, the two slots in
// order, and the same texts, from the same sources.
func TestPlaceholderContractInBothThemes(t *testing.T) {
	seed := consent.Seed()
	contact, _ := seed.Category("contact")
	for _, id := range []string{"recaptcha", "contact"} {
		for _, lang := range seed.Languages() {
			texts := map[string][]string{}
			for _, theme := range []string{consent.ThemeDefault, consent.ThemeDSFR} {
				what := lang + " " + id + " theme " + theme
				d := placeholderDOM(t, theme, lang, id)
				regions := d.all("div", "role", "region", "aria-labelledby", placeholderName)
				require.Len(t, regions, 1, what)
				name := d.byID(t, placeholderName)
				assert.True(t, name.on("hidden"), what)
				assert.Equal(t, contact.Title.In(lang), name.text(), "%s: the region's name", what)

				buttons := regions[0].all("button")
				require.Len(t, buttons, 1, what)
				action, _ := buttons[0].attr("data-action")
				category, _ := buttons[0].attr("data-category")
				assert.Equal(t, contract.ActionAllow, action, what)
				assert.Equal(t, "contact", category, "%s: it allows the category", what)
				assert.Equal(t, seed.Label(lang, consent.LabelAllow), buttons[0].text(), what)

				var slots []string
				for _, p := range regions[0].all("p") {
					class, _ := p.attr("class")
					if slot, ok := p.attr("data-consent-slot"); ok {
						slots = append(slots, slot)
					}
					if class != "fr-h6" {
						texts[theme] = append(texts[theme], p.text())
					}
				}
				assert.Equal(t, []string{SlotContact, SlotLink}, slots, what)
				contactSlot := regions[0].all("p", "data-consent-slot", SlotContact)
				assert.Contains(t, contactSlot[0].text(), seed.Site.Contact.In(lang), what)
				linkSlot := regions[0].all("p", "data-consent-slot", SlotLink)
				assert.Len(t, linkSlot[0].all("a", "href", "#", "target", "_blank", "rel", "noopener noreferrer"), 1, "%s: one link, for the page program to point", what)
			}
			assert.Equal(t, texts[consent.ThemeDefault], texts[consent.ThemeDSFR], "%s %s: the DSFR's adds only its title", lang, id)
		}
	}
}
