package consent

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuiltinLabelsAreComplete holds every built-in label set (labels/*.json)
// to every key, each a usable text with exactly its placeholders.
func TestBuiltinLabelsAreComplete(t *testing.T) {
	assert.Equal(t, []string{"de", "en", "es", "fr", "it"}, BuiltinLanguages())
	for _, lang := range BuiltinLanguages() {
		t.Run(lang, func(t *testing.T) {
			set := builtinLabels()[lang]
			for _, key := range Labels() {
				_, ok := set[key]
				assert.True(t, ok, "labels/%s.json has no %q", lang, key)
			}
			v := validator{langs: []string{lang}}
			for key, s := range set {
				v.label("labels/"+lang+".json: "+string(key), key, s)
			}
			assert.Empty(t, v.errs)
		})
	}
}

// TestLabelsCheckFindsEveryFault runs the check the completeness test relies
// on over broken sets, so that it cannot pass by checking nothing.
func TestLabelsCheckFindsEveryFault(t *testing.T) {
	for _, tc := range []struct {
		key       Label
		text, msg string
	}{
		{"acceptALL", "Tout accepter", `unknown label "acceptALL"`},
		{LabelAllow, " ", "empty text"},
		{LabelAllow, "Autoriser\x00", "control character U+0000"},
		{LabelPrivacyPolicy, "Politique de confidentialité", "missing the placeholder {provider}"},
		{LabelPlaceholderService, "{provider} ({name})", "missing the placeholder {service}"},
		{LabelPlaceholderService, "{provider} ({name}) {service}", "unknown placeholder {name}: this label takes {provider}, {service}"},
		{LabelAllow, "Autoriser {provider}", "unknown placeholder {provider}: this label takes none"},
	} {
		v := validator{langs: []string{"fr"}}
		v.label("labels.fr."+string(tc.key), tc.key, tc.text)
		requireFieldError(t, errors.Join(v.errs...), "labels.fr."+string(tc.key), tc.msg)
	}
}

func TestLabelLookup(t *testing.T) {
	c := Seed()
	c.Labels = map[string]LabelSet{"en": {LabelAcceptAll: "Accept everything"}}

	assert.Equal(t, "Tout accepter", c.Label("fr", LabelAcceptAll), "built in")
	assert.Equal(t, "Accept everything", c.Label("en", LabelAcceptAll), "the catalogue's own label wins")
	assert.Equal(t, "Reject all", c.Label("en", LabelRefuseAll), "a key the catalogue leaves out is built in")
	assert.Equal(t, "Alle ablehnen", c.Label("de", LabelRefuseAll), "a built-in language")
	assert.Equal(t, "Tout refuser", c.Label("nl", LabelRefuseAll), "a language without labels falls back to French, as texts do")
	assert.Equal(t, "Gestion des cookies", (*Catalogue)(nil).Label("fr", LabelSettings), "no catalogue")

	assert.Equal(t, "Politique de confidentialité de Google", c.Label("fr", LabelPrivacyPolicy, "provider", "Google"))
	assert.Equal(t, "This content uses {service} ({provider}), which you have not allowed.",
		c.Label("en", LabelPlaceholderService, "provider", "{service}", "service", "{provider}"),
		"a value is never read as a placeholder")
}

// dutch is the seed with Dutch texts everywhere: a language without
// built-in labels.
func dutch() *Catalogue {
	c := Seed()
	eachText(c, func(t Text) { t["nl"] = "Tekst" })
	return c
}

func TestValidateLabels(t *testing.T) {
	t.Run("a language without built-in labels names every missing key", func(t *testing.T) {
		err := dutch().Validate()
		var keys []string
		for _, k := range Labels() {
			keys = append(keys, string(k))
		}
		requireFieldError(t, err, "labels.nl", "missing labels "+strings.Join(keys, ", ")+": ")
		assert.Len(t, fieldErrors(t, err), 1)
	})
	t.Run("only the keys still missing", func(t *testing.T) {
		c := dutch()
		c.Labels = map[string]LabelSet{"nl": {}}
		for _, k := range Labels() {
			if k != LabelAllow && k != LabelPolicyCaption {
				c.Labels["nl"][k] = builtinLabels()["en"][k]
			}
		}
		err := c.Validate()
		requireFieldError(t, err, "labels.nl", "missing labels allow, policyCaption: ")
		assert.Len(t, fieldErrors(t, err), 1)

		c.Labels["nl"][LabelAllow] = "Toestaan"
		c.Labels["nl"][LabelPolicyCaption] = "Cookies: {category}"
		require.NoError(t, c.Validate())
		assert.Equal(t, "Toestaan", c.Label("nl", LabelAllow))
	})
	for _, tc := range []struct {
		name   string
		labels map[string]LabelSet
		path   string
		msg    string
	}{
		{"a language the catalogue does not have", map[string]LabelSet{"de": {LabelAllow: "Erlauben"}}, "labels.de", `language "de" is not one of the catalogue's languages [fr en]`},
		{"an unknown key", map[string]LabelSet{"en": {"agree": "Agree"}}, "labels.en.agree", `unknown label "agree"`},
		{"a blank label", map[string]LabelSet{"fr": {LabelAllow: ""}}, "labels.fr.allow", "empty text"},
		{"a lost placeholder", map[string]LabelSet{"fr": {LabelReceiver: "Destinataire : Google."}}, "labels.fr.receiver", "missing the placeholder {provider}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Seed()
			c.Labels = tc.labels
			requireFieldError(t, c.Validate(), tc.path, tc.msg)
		})
	}
}

// TestParseCatalogueLabels reads labels from JSON, strictly, and writes
// them back.
func TestParseCatalogueLabels(t *testing.T) {
	c := Seed()
	c.Labels = map[string]LabelSet{"en": {LabelRefuseAll: "Refuse all"}}
	data, err := c.JSON()
	require.NoError(t, err)
	assert.Contains(t, string(data), `"labels": {`)
	back, err := ParseCatalogue(data)
	require.NoError(t, err)
	assert.Equal(t, "Refuse all", back.Label("en", LabelRefuseAll))

	bad := strings.Replace(string(data), `"refuseAll": "Refuse all"`, `"refuseAll": 1`, 1)
	_, err = ParseCatalogue([]byte(bad))
	requireFieldError(t, err, "labels.en.refuseAll", "want string, got number")
}

func TestPolicyURLPerLanguage(t *testing.T) {
	perLang := LangURL{ByLang: map[string]string{"fr": "/charte-cookies", "en": "/en/cookie-policy"}}
	assert.Equal(t, "/en/cookie-policy", perLang.In("en"))
	assert.Equal(t, "/charte-cookies", perLang.In("de"), "French when the language has none")
	assert.Equal(t, "/c", LangURL{All: "/c"}.In("en"))

	c := Seed()
	c.Site.PolicyURL = perLang
	data, err := c.JSON()
	require.NoError(t, err)
	assert.Contains(t, string(data), `"policyUrl": {`)
	back, err := ParseCatalogue(data)
	require.NoError(t, err)
	assert.Equal(t, perLang, back.Site.PolicyURL)

	seed, err := Seed().JSON()
	require.NoError(t, err)
	assert.Contains(t, string(seed), `"policyUrl": "/charte-cookies"`, "one URL for every language stays a string")

	for _, tc := range []struct {
		name, policy, path, msg string
	}{
		{"a language left out", `{"fr": "/charte"}`, "site.policyUrl.en", "missing: the cookie policy page in \"en\""},
		{"a bad URL in one language", `{"fr": "/charte", "en": "javascript:alert(1)"}`, "site.policyUrl.en", "not an absolute https URL"},
		{"a scheme-relative URL", `{"fr": "//evil.example/", "en": "/c"}`, "site.policyUrl.fr", "scheme-relative"},
		{"a language the catalogue does not have", `{"fr": "/c", "en": "/c", "de": "/c"}`, "site.policyUrl.de", `language "de" is not one of the catalogue's languages`},
		{"not a URL at all", `12`, "site.policyUrl", "want string or object, got number"},
		{"a URL that is not a string", `{"fr": "/c", "en": true}`, "site.policyUrl.en", "want string, got boolean"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(string(seed), `"/charte-cookies"`, tc.policy, 1)
			var probe any
			require.NoError(t, json.Unmarshal([]byte(doc), &probe))
			_, err := ParseCatalogue([]byte(doc))
			requireFieldError(t, err, tc.path, tc.msg)
		})
	}
}
