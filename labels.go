package consent

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Label names a piece of the widget's own text: its buttons, headings,
// column names, placeholders and the cookie policy page's fixed text. The
// site's own texts (intro, categories, services) are Text fields of the
// catalogue instead. The keys are those of the built-in label sets,
// labels/<lang>.json, and of a catalogue's "labels".
type Label string

// The widget's labels. A {name} in a label's text is a placeholder that
// Catalogue.Label fills in; labelVars lists those each label takes.
const (
	LabelTitle            Label = "title"
	LabelAcceptAll        Label = "acceptAll"
	LabelRefuseAll        Label = "refuseAll"
	LabelCustomise        Label = "customise"
	LabelSave             Label = "save"
	LabelClose            Label = "close"
	LabelCloseRefuse      Label = "closeRefuse"
	LabelPreferencesTitle Label = "preferencesTitle"
	LabelPreferencesIntro Label = "preferencesIntro"
	LabelChangeLater      Label = "changeLater"
	LabelPolicy           Label = "policy"
	LabelSettings         Label = "settings"
	LabelAlwaysOn         Label = "alwaysOn"
	LabelProvider         Label = "provider"
	LabelService          Label = "service"
	LabelCookie           Label = "cookie"
	LabelPurpose          Label = "purpose"
	LabelLifetime         Label = "lifetime"
	LabelReceiver         Label = "receiver"
	LabelPrivacyPolicy    Label = "privacyPolicy"
	LabelSaveFailed       Label = "saveFailed"
	LabelReceiptID        Label = "receiptId"

	// The DSFR theme's management dialog (consent.ThemeDSFR).
	LabelAccept      Label = "accept"
	LabelRefuse      Label = "refuse"
	LabelAllServices Label = "allServices"
	LabelMoreDetails Label = "moreDetails"
	LabelConfirm     Label = "confirm"

	LabelPlaceholderService  Label = "placeholderService"
	LabelPlaceholderCategory Label = "placeholderCategory"
	LabelPlaceholderLink     Label = "placeholderLink"
	LabelPlaceholderContact  Label = "placeholderContact"
	LabelAllow               Label = "allow"

	LabelPolicyUnavailable Label = "policyUnavailable"
	LabelPolicyCaption     Label = "policyCaption"
	LabelPolicyProvider    Label = "policyProvider"
	LabelPolicyCookie      Label = "policyCookie"
	LabelPolicyPurpose     Label = "policyPurpose"
	LabelPolicyLifetime    Label = "policyLifetime"
	LabelPolicyConsent     Label = "policyConsent"
	LabelPolicyExempt      Label = "policyExempt"
	LabelPolicyRequired    Label = "policyRequired"
	LabelPolicyThirdParty  Label = "policyThirdParty"
	LabelPolicyChangeTitle Label = "policyChangeTitle"
	LabelPolicyChangeText  Label = "policyChangeText"
)

// labelVars lists every label with the placeholders its text must hold.
var labelVars = map[Label][]string{
	LabelTitle: nil, LabelAcceptAll: nil, LabelRefuseAll: nil, LabelCustomise: nil,
	LabelSave: nil, LabelClose: nil, LabelCloseRefuse: nil,
	LabelPreferencesTitle: nil, LabelPreferencesIntro: nil, LabelChangeLater: nil,
	LabelPolicy: nil, LabelSettings: nil, LabelAlwaysOn: nil,
	LabelProvider: nil, LabelService: nil, LabelCookie: nil, LabelPurpose: nil, LabelLifetime: nil,
	LabelReceiver:      {"provider"},
	LabelPrivacyPolicy: {"provider"},
	LabelSaveFailed:    nil,
	LabelReceiptID:     {"id"},

	LabelAccept: nil, LabelRefuse: nil, LabelAllServices: nil, LabelMoreDetails: nil, LabelConfirm: nil,

	LabelPlaceholderService:  {"provider", "service"},
	LabelPlaceholderCategory: {"category"},
	LabelPlaceholderLink:     {"provider"},
	LabelPlaceholderContact:  nil,
	LabelAllow:               nil,

	LabelPolicyUnavailable: nil,
	LabelPolicyCaption:     {"category"},
	LabelPolicyProvider:    nil, LabelPolicyCookie: nil, LabelPolicyPurpose: nil, LabelPolicyLifetime: nil,
	LabelPolicyConsent: nil, LabelPolicyExempt: nil, LabelPolicyRequired: nil, LabelPolicyThirdParty: nil,
	LabelPolicyChangeTitle: nil, LabelPolicyChangeText: nil,
}

// Labels returns every label key, sorted.
func Labels() []Label { return slices.Sorted(maps.Keys(labelVars)) }

// LabelSet is one language's labels, by key.
type LabelSet map[Label]string

// labelFiles are the built-in sets, one JSON file a language.
//
//go:embed labels/*.json
var labelFiles embed.FS

// builtinLabels returns the built-in label sets by language, read from
// labels/<lang>.json once, when first needed: a program that never asks
// for a label (the browser's page program) carries no JSON decoder for
// them. TestBuiltinLabelsAreComplete holds each to every key.
func builtinLabels() map[string]LabelSet {
	labelsOnce.Do(func() { labelSets = readLabelFiles() })
	return labelSets
}

// labelsOnce reads labelSets once. (A package-level sync.OnceValue would
// name its function at init, which links the JSON decoder into every
// program of the package.)
var (
	labelsOnce sync.Once
	labelSets  map[string]LabelSet
)

func readLabelFiles() map[string]LabelSet {
	files, _ := labelFiles.ReadDir("labels")
	sets := make(map[string]LabelSet, len(files))
	for _, f := range files {
		data, err := labelFiles.ReadFile("labels/" + f.Name())
		var set LabelSet
		if err == nil {
			err = json.Unmarshal(data, &set)
		}
		if err != nil {
			panic(fmt.Sprintf("consent: built-in labels labels/%s: %v", f.Name(), err))
		}
		sets[strings.TrimSuffix(f.Name(), path.Ext(f.Name()))] = set
	}
	return sets
}

// BuiltinLanguages returns the languages the widget has labels for without
// a catalogue's help, sorted.
func BuiltinLanguages() []string { return slices.Sorted(maps.Keys(builtinLabels())) }

// Label returns the widget's label key in lang: the catalogue's own label
// (its "labels") if it gives one, else the built-in one, with the fallback
// of every Text (lang, then French). vars are name, value pairs that fill
// the label's {name} placeholders. A nil catalogue gives the built-in
// labels.
func (c *Catalogue) Label(lang string, key Label, vars ...string) string {
	t := Text{}
	for l, set := range builtinLabels() {
		t[l] = set[key]
	}
	if c != nil {
		for l, set := range c.Labels {
			if s := set[key]; s != "" {
				t[l] = s
			}
		}
	}
	s := t.In(lang)
	if len(vars) == 0 {
		return s
	}
	pairs := make([]string, len(vars)/2*2)
	for i := 0; i+1 < len(vars); i += 2 {
		pairs[i], pairs[i+1] = "{"+vars[i]+"}", vars[i+1]
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// placeholderPattern finds the {name} placeholders of a label's text.
// It is compiled when first used: only validation needs it.
func placeholderPattern() *regexp.Regexp {
	placeholderOnce.Do(func() { placeholderRE = regexp.MustCompile(`\{[A-Za-z]+\}`) })
	return placeholderRE
}

var (
	placeholderOnce sync.Once
	placeholderRE   *regexp.Regexp
)

// labels checks a catalogue's labels: each language is one of the
// catalogue's, each key a known label with its placeholders; then that
// every language of the catalogue has every label, from the catalogue or
// built in.
func (v *validator) labels(sets map[string]LabelSet) {
	for _, lang := range slices.Sorted(maps.Keys(sets)) {
		lpath := "labels." + lang
		if !slices.Contains(v.langs, lang) {
			v.add(lpath, "language %q is not one of the catalogue's languages %v, the keys of site.name", lang, v.langs)
			continue
		}
		for _, key := range slices.Sorted(maps.Keys(sets[lang])) {
			v.label(lpath+"."+string(key), key, sets[lang][key])
		}
	}
	for _, lang := range v.langs {
		var missing []string
		for _, key := range Labels() {
			_, own := sets[lang][key]
			if _, builtin := builtinLabels()[lang][key]; !own && !builtin {
				missing = append(missing, string(key))
			}
		}
		if len(missing) > 0 {
			v.add("labels."+lang, "missing labels %s: the widget has built-in labels for %v only, so a catalogue in %q must give these in labels.%s", strings.Join(missing, ", "), BuiltinLanguages(), lang, lang)
		}
	}
}

// label checks one label's text: a known key, a usable text, and exactly
// the placeholders the key takes.
func (v *validator) label(path string, key Label, s string) {
	want, known := labelVars[key]
	if !known {
		v.add(path, "unknown label %q; the labels are %v", key, Labels())
		return
	}
	if !v.textValue(path, s) {
		return
	}
	for _, name := range want {
		if !strings.Contains(s, "{"+name+"}") {
			v.add(path, "missing the placeholder {%s}", name)
		}
	}
	for _, p := range placeholderPattern().FindAllString(s, -1) {
		if !slices.Contains(want, p[1:len(p)-1]) {
			v.add(path, "unknown placeholder %s: this label takes %s", p, placeholderList(want))
		}
	}
}

func placeholderList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return "{" + strings.Join(names, "}, {") + "}"
}
