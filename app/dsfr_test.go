package app

import (
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dsfrVisit is a first visit to the seed's site in the DSFR theme.
func dsfrVisit(t *testing.T, lang string) *Session {
	t.Helper()
	c := consent.Seed()
	c.Site.Theme = consent.ThemeDSFR
	require.NoError(t, c.Validate())
	return NewSession(c, lang, consent.Decide(c, "", now, false))
}

// dom is rendered markup parsed as a browser would, to read it whatever
// the order of attributes (go-app writes them in map order).
type dom struct{ *html.Node }

func parseDOM(t *testing.T, markup string) dom {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(markup), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	require.NoError(t, err)
	root := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return dom{root}
}

// all returns the elements under d, in document order, that match tag
// ("" for any) and have every attribute of attrs with that value.
func (d dom) all(tag string, attrs ...string) []dom {
	var out []dom
	for n := range d.Descendants() {
		if n.Type != html.ElementNode || (tag != "" && n.Data != tag) {
			continue
		}
		ok := true
		for i := 0; i+1 < len(attrs); i += 2 {
			v, has := dom{n}.attr(attrs[i])
			ok = ok && has && v == attrs[i+1]
		}
		if ok {
			out = append(out, dom{n})
		}
	}
	return out
}

// byID returns the element with that id; it fails the test if there is
// not exactly one.
func (d dom) byID(t *testing.T, id string) dom {
	t.Helper()
	found := d.all("", "id", id)
	require.Len(t, found, 1, "elements with id %q", id)
	return found[0]
}

func (d dom) attr(name string) (string, bool) {
	for _, a := range d.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// on reports a boolean attribute as the live DOM has it: go-app's HTML
// writer writes a false one as ="false" (the live element gets the
// property false), a true one bare.
func (d dom) on(name string) bool {
	v, ok := d.attr(name)
	return ok && v != "false"
}

func (d dom) text() string {
	var b strings.Builder
	for n := range d.Descendants() {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// radioStates returns each radio button by id: "checked", "disabled",
// both or neither.
func radioStates(d dom) map[string]string {
	out := map[string]string{}
	for _, in := range d.all("input", "type", "radio") {
		id, _ := in.attr("id")
		var state []string
		for _, b := range []string{"checked", "disabled"} {
			if in.on(b) {
				state = append(state, b)
			}
		}
		out[id] = strings.Join(state, " ")
	}
	return out
}

func TestDSFRFirstLayerIsTheDSFRsBanner(t *testing.T) {
	for lang, want := range map[string][]string{
		"fr": {"Tout accepter", "Tout refuser", "Personnaliser"},
		"en": {"Accept all", "Reject all", "Customise"},
	} {
		d := parseDOM(t, app.HTMLString(&Widget{Session: dsfrVisit(t, lang)}))
		root := d.all("div", "class", "cc-root cc-theme-dsfr", "data-view", "banner")
		require.Len(t, root, 1, lang)
		banner := d.byID(t, "cc-banner")
		for k, v := range map[string]string{"role": "dialog", "aria-modal": "false", "aria-labelledby": "cc-banner-title", "aria-describedby": "cc-banner-text"} {
			got, _ := banner.attr(k)
			assert.Equal(t, v, got, "%s %s", lang, k)
		}
		assert.Equal(t, "h2", d.byID(t, "cc-banner-title").Data)
		assert.Empty(t, d.all("", "class", "cc-close"), "the DSFR's banner has no close control")
		// R4, R5, R6: accept and refuse are the same primary button;
		// customise is the secondary one. In a list, in keyboard order.
		var labels, actions, classes []string
		for _, li := range banner.all("li") {
			b := li.all("button")
			require.Len(t, b, 1)
			action, _ := b[0].attr("data-action")
			class, _ := b[0].attr("class")
			labels, actions, classes = append(labels, b[0].text()), append(actions, action), append(classes, class)
		}
		assert.Equal(t, want, labels, lang)
		assert.Equal(t, []string{"accept", "refuse", "customise"}, actions)
		assert.Equal(t, []string{"cc-btn", "cc-btn", "cc-btn cc-btn-secondary"}, classes, "R5: refusing looks as accepting")
		// R7: the policy, in the top page.
		link := banner.all("a", "href", "/charte-cookies", "target", "_top")
		assert.Len(t, link, 1)
	}
}

func TestDSFRManagerHasAFieldsetOfRadiosPerPurpose(t *testing.T) {
	s := dsfrVisit(t, "fr")
	s.OpenPreferences()
	d := parseDOM(t, app.HTMLString(&Widget{Session: s}))
	c := s.Catalogue

	// The row for every purpose comes first, then one per purpose, each a
	// fieldset named by its legend (and its description).
	legends := d.byID(t, "cc-prefs").all("legend")
	require.NotEmpty(t, legends)
	first, _ := legends[0].attr("id")
	assert.Equal(t, "cc-all-legend", first)
	var named []string
	for _, p := range d.all("div", "class", "cc-purpose") {
		f := p.all("fieldset")
		require.NotEmpty(t, f)
		by, _ := f[0].attr("aria-labelledby")
		named = append(named, by)
	}
	var want []string
	for _, cat := range c.Categories {
		want = append(want, "cc-cat-"+cat.ID+"-legend cc-cat-"+cat.ID+"-desc")
		assert.Equal(t, cat.Title.In("fr"), d.byID(t, "cc-cat-"+cat.ID+"-legend").text())
		assert.Equal(t, "legend", d.byID(t, "cc-cat-"+cat.ID+"-legend").Data)
		assert.Equal(t, "Accepter", d.all("label", "for", "cc-cat-"+cat.ID+"-accept")[0].text())
		assert.Equal(t, "Refuser", d.all("label", "for", "cc-cat-"+cat.ID+"-refuse")[0].text())
		// The details: a disclosure that says whether it is open.
		more := d.byID(t, "cc-cat-"+cat.ID+"-more")
		assert.Equal(t, "Voir plus de détails", more.text())
		expanded, _ := more.attr("aria-expanded")
		controls, _ := more.attr("aria-controls")
		assert.Equal(t, "false", expanded)
		assert.Equal(t, "cc-cat-"+cat.ID+"-details", controls)
		assert.True(t, d.byID(t, controls).on("hidden"), "details start hidden")
	}
	assert.Equal(t, want, named)
	assert.Equal(t, "Préférences pour tous les services. Charte cookies", d.byID(t, "cc-all-legend").text())

	// R8: a first visit allows nothing; a necessary purpose, and each of
	// its services, cannot be refused.
	locked := map[string]bool{}
	for _, cat := range c.Categories {
		if cat.Necessary {
			locked["cc-cat-"+cat.ID] = true
			for _, svc := range c.ServicesIn(cat.ID) {
				locked["cc-svc-"+svc.ID] = true
			}
		}
	}
	states := radioStates(d)
	assert.Len(t, states, 2*(1+len(c.Categories)+len(c.Services)), "two per row: every purpose, each purpose, each service")
	for id, state := range states {
		cut := strings.LastIndex(id, "-")
		want := map[string]string{"accept": "", "refuse": "checked"}
		if locked[id[:cut]] {
			want = map[string]string{"accept": "checked", "refuse": "disabled"}
		}
		assert.Equal(t, want[id[cut+1:]], state, id)
	}

	// R7, R18: who receives the data, outside the details; every cookie in
	// them.
	require.Len(t, d.all("a", "href", "https://policies.google.com/privacy"), 1)
	assert.Empty(t, d.byID(t, "cc-cat-contact-details").all("a", "href", "https://policies.google.com/privacy"), "the recipient is named with the purpose, not in its details")
	for _, svc := range c.Services {
		for _, ck := range svc.Cookies {
			assert.NotEmpty(t, d.byID(t, "cc-cat-"+svc.Category+"-details").all("code"), ck.Name)
			assert.Contains(t, d.byID(t, "cc-cat-"+svc.Category+"-details").text(), ck.Name)
		}
	}
	// "Confirmer mes choix" ends the dialog, which keeps its semantics.
	buttons := d.byID(t, "cc-prefs").all("button")
	last := buttons[len(buttons)-1]
	assert.Equal(t, "Confirmer mes choix", last.text())
	id, _ := last.attr("id")
	assert.Equal(t, prefsLast, id)
	assert.True(t, d.byID(t, "cc-prefs").on("aria-modal"))
	assert.Equal(t, "Fermer", d.byID(t, prefsFirst).text(), "the close control says what it does, as the DSFR's")
	assert.Empty(t, d.all("button", "data-action", "refuse"), "the DSFR's manager refuses with its row for every purpose, then confirm")
}
func TestDSFRManagerAnswersFollowTheChoice(t *testing.T) {
	s := dsfrVisit(t, "fr")
	contact, _ := s.Catalogue.Category("contact")
	necessary, _ := s.Catalogue.Category("necessary")
	assert.Equal(t, answerRefuse, categoryAnswer(s, contact))
	assert.Equal(t, answerAccept, categoryAnswer(s, necessary))
	assert.Equal(t, answerRefuse, allAnswer(s))

	setAll(s, true)
	assert.Equal(t, answerAccept, categoryAnswer(s, contact))
	assert.Equal(t, answerAccept, allAnswer(s))
	assert.Equal(t, Choice{"recaptcha": true}, s.Save(), "confirming records the rows as shown")

	s = dsfrVisit(t, "fr")
	setAll(s, true)
	setAll(s, false)
	assert.Equal(t, Choice{"recaptcha": false}, s.Save(), "Tout refuser, then confirm: a withdrawal")

	// A purpose whose services differ shows neither answer, and so does
	// the row for every purpose.
	c := consent.Seed()
	c.Site.Theme = consent.ThemeDSFR
	c.Services = append(c.Services, consent.Service{ID: "friendlycaptcha", Category: "contact", Provider: "Friendly Captcha",
		Name: consent.Text{"fr": "Captcha", "en": "Captcha"}, Cookies: []consent.Cookie{{Name: "frc",
			Purpose: consent.Text{"fr": "P", "en": "P"}, Lifetime: consent.Text{"fr": "L", "en": "L"}}}})
	require.NoError(t, c.Validate())
	s = NewSession(c, "fr", consent.Decide(c, "", now, false))
	s.SetService("recaptcha", true)
	contact, _ = c.Category("contact")
	assert.Equal(t, answerNone, categoryAnswer(s, contact))
	assert.Equal(t, answerNone, allAnswer(s))
	s.OpenPreferences()
	radios := radioStates(parseDOM(t, app.HTMLString(&Widget{Session: s})))
	assert.Equal(t, "", radios["cc-cat-contact-accept"])
	assert.Equal(t, "", radios["cc-cat-contact-refuse"])
	assert.Equal(t, "checked", radios["cc-svc-recaptcha-accept"])
	assert.Equal(t, "checked", radios["cc-svc-friendlycaptcha-refuse"])
}

func TestDSFRManagerDetailsOpenAndClose(t *testing.T) {
	m := &Manager{Session: dsfrVisit(t, "fr")}
	details := func(id string) (expanded string, hidden bool) {
		d := parseDOM(t, app.HTMLString(m))
		expanded, _ = d.byID(t, "cc-cat-"+id+"-more").attr("aria-expanded")
		return expanded, d.byID(t, "cc-cat-"+id+"-details").on("hidden")
	}
	e, h := details("contact")
	assert.Equal(t, "false", e)
	assert.True(t, h)
	m.toggleDetails("contact")
	e, h = details("contact")
	assert.Contains(t, []string{"", "true"}, e, "expanded (go-app writes a true one bare)")
	assert.False(t, h)
	_, h = details("necessary")
	assert.True(t, h, "the other purpose stays closed")
	m.toggleDetails("contact")
	_, h = details("contact")
	assert.True(t, h)
}
