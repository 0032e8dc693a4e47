package consent

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
)

// FieldError is one problem in a catalogue, at the JSON path of the field
// at fault, such as "services[4].loader.url" or "categories[1].title.fr".
// Validate and ParseCatalogue return one per problem, joined with
// errors.Join.
type FieldError struct {
	Path string
	Msg  string
}

// Error returns "path: message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return "catalogue: " + e.Msg
	}
	return e.Path + ": " + e.Msg
}

// idSyntax is what validIDs accept, as error messages spell it.
const idSyntax = "^[a-z][a-z0-9_-]{0,31}$"

// validID reports whether id matches idSyntax: a lowercase ASCII letter,
// then up to 31 lowercase letters, digits, "_" or "-". Plain code rather
// than a regular expression, so that the record decoder in the browser's
// page program carries no regexp engine.
func validID(id string) bool {
	if len(id) == 0 || len(id) > 32 || id[0] < 'a' || id[0] > 'z' {
		return false
	}
	for i := 1; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validLang reports whether lang is a primary language subtag of two or
// three lowercase ASCII letters.
func validLang(lang string) bool {
	if len(lang) < 2 || len(lang) > 3 {
		return false
	}
	for i := 0; i < len(lang); i++ {
		if lang[i] < 'a' || lang[i] > 'z' {
			return false
		}
	}
	return true
}

// Validate reports every problem of the catalogue, each as a *FieldError,
// joined with errors.Join; it returns nil for a usable catalogue. Beyond
// well-formed values it enforces:
//   - ids match ^[a-z][a-z0-9_-]{0,31}$ and are unique: category ids, service
//     ids, and cookie names within a service;
//   - at least one necessary category, whose services load no script (a
//     third-party loader always needs consent), and a necessary service that
//     lists the widget's own cookie, cookies_preferences (R18);
//   - every category has at least one service, and every optional category
//     says what refusing it means (R7);
//   - a loader has an absolute https URL without query or fragment, a
//     placement "head" or "body", and its service a https privacy URL (R7);
//   - every URL is strict (checkHTTPS, checkPolicyURL, checkContactURL,
//     checkReceiptsPath): https only (a path of the site for policyUrl, a
//     plain path of the site for receipts, mailto: for contactUrl),
//     parsed, with a lowercase host name and no user info, and no quote,
//     backslash, angle bracket, backtick, white space or control character;
//     texts hold no control character but line breaks and tabs;
//   - the languages of Site.Name, which must include French, are the
//     catalogue's languages: every text has each of them, non-blank, and no
//     other. Optional texts (refusal of a necessary category, loader notice)
//     may be absent, but when present they are complete too;
//   - site.policyUrl is one URL for every language or one per language of
//     the catalogue;
//   - every language of the catalogue has every Label, from the
//     catalogue's labels or built in, each with its placeholders; labels
//     name only the catalogue's languages and known keys;
//   - a service id is never also a category id, so that data-consent and
//     civicConsent.allowed can take either;
//   - site.position, when set, is "bar", "box" or "center"; a category's
//     consentMode lists distinct Google consent types, only in an optional
//     category and only when site.consentMode is on;
//   - the consent record of the catalogue fits in a cookie (4096 bytes).
func (c *Catalogue) Validate() error {
	v := validator{langs: c.Languages()}
	if !slices.Contains(v.langs, DefaultLanguage) {
		v.langs = append([]string{DefaultLanguage}, v.langs...)
	}
	v.site(c.Site)
	necessary := v.categories(c)
	v.services(c, necessary)
	v.labels(c.Labels)
	// The record must fit a browser's 4096-byte limit on name and value,
	// or the choice could never be stored and the visitor would be asked
	// on every page.
	longest := AcceptAll(c, time.Unix(1e11-1, 0), strings.Repeat("A", 16)).Encode()
	if n := len(RecordCookieName) + 1 + len(longest); n > MaxRecordLength {
		v.add("services", "too many optional categories and services: the %s cookie would be %d bytes, more than %d", RecordCookieName, n, MaxRecordLength)
	}
	return errors.Join(v.errs...)
}

// validator collects the problems of one catalogue.
type validator struct {
	langs []string
	errs  []error
}

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// text checks that t holds exactly the catalogue's languages, non-blank.
func (v *validator) text(path string, t Text, required bool) {
	if len(t) == 0 {
		if required {
			v.add(path, "missing text")
		}
		return
	}
	for _, lang := range v.langs {
		s, ok := t[lang]
		if !ok {
			v.add(path+"."+lang, "missing text")
		} else {
			v.textValue(path+"."+lang, s)
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(t)) {
		if !slices.Contains(v.langs, lang) {
			v.add(path+"."+lang, "language %q is not one of the catalogue's languages %v, the keys of site.name", lang, v.langs)
		}
	}
}

// textValue checks one text: not blank, and no control character but line
// breaks and tabs. It reports whether the text is usable.
func (v *validator) textValue(path, s string) bool {
	if strings.TrimSpace(s) == "" {
		v.add(path, "empty text")
		return false
	}
	if i := strings.IndexFunc(s, isControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		v.add(path, "contains the control character %U at byte %d (only line breaks and tabs are allowed)", r, i)
		return false
	}
	return true
}

func (v *validator) site(s Site) {
	for _, lang := range slices.Sorted(maps.Keys(s.Name)) {
		if !validLang(lang) {
			v.add("site.name."+lang, "language %q is not a lowercase ISO 639 code such as \"fr\" or \"en\"", lang)
		}
	}
	v.text("site.name", s.Name, true)
	v.policyURL(s.PolicyURL)
	v.text("site.contact", s.Contact, true)
	if s.ContactURL != "" {
		if err := checkContactURL(s.ContactURL); err != nil {
			v.add("site.contactUrl", "%v", err)
		}
	}
	if s.Receipts != "" {
		if err := checkReceiptsPath(s.Receipts); err != nil {
			v.add("site.receipts", "%v", err)
		}
	}
	if s.CookieDomain != "" && !plausibleDomain(s.CookieDomain) {
		v.add("site.cookieDomain", "%q is not a lowercase domain name such as example.org (no scheme, port or path)", s.CookieDomain)
	}
	if s.MaxAgeDays < 0 || s.MaxAgeDays > MaxMaxAgeDays {
		v.add("site.maxAgeDays", "%d is out of range 0..%d (0 means %d)", s.MaxAgeDays, MaxMaxAgeDays, DefaultMaxAgeDays)
	}
	v.text("site.intro", s.Intro, true)
	for i, p := range s.PolicyIntro {
		v.text(fmt.Sprintf("site.policyIntro[%d]", i), p, true)
	}
	switch s.Position {
	case "", PositionBar, PositionBox, PositionCenter:
	default:
		v.add("site.position", "%q is not one of %q, %q, %q", s.Position, PositionBar, PositionBox, PositionCenter)
	}
	if s.Theme != ThemeDefault && s.Theme != ThemeDSFR {
		v.add("site.theme", "%q is not %q (leave it out for the widget's own look)", s.Theme, ThemeDSFR)
	}
}

// categories checks the categories and returns whether each known id is
// necessary.
func (v *validator) categories(c *Catalogue) map[string]bool {
	necessary := make(map[string]bool)
	first := make(map[string]int)
	for i, cat := range c.Categories {
		path := fmt.Sprintf("categories[%d]", i)
		v.id(path+".id", cat.ID, first, "categories", i)
		if _, dup := necessary[cat.ID]; !dup {
			necessary[cat.ID] = cat.Necessary
		}
		v.text(path+".title", cat.Title, true)
		v.text(path+".description", cat.Description, true)
		v.text(path+".refusal", cat.Refusal, !cat.Necessary)
		if len(c.ServicesIn(cat.ID)) == 0 {
			v.add(path, "category %q has no service", cat.ID)
		}
		v.consentMode(path+".consentMode", cat, c.Site.ConsentMode)
	}
	if !slices.Contains(slices.Collect(maps.Values(necessary)), true) {
		v.add("categories", "no necessary category: the widget's own cookie %s needs one", RecordCookieName)
	}
	return necessary
}

// consentMode checks the Google consent types a category grants.
func (v *validator) consentMode(path string, cat Category, on bool) {
	if len(cat.ConsentMode) == 0 {
		return
	}
	if !on {
		v.add(path, "site.consentMode is off: set it to true to send Google Consent Mode, or remove this list")
	}
	if cat.Necessary {
		v.add(path, "a necessary category cannot grant Google consent types: they need the visitor's consent")
	}
	seen := make(map[string]bool)
	for i, t := range cat.ConsentMode {
		switch {
		case !slices.Contains(ConsentTypes, t):
			v.add(fmt.Sprintf("%s[%d]", path, i), "%q is not one of %v", t, ConsentTypes)
		case seen[t]:
			v.add(fmt.Sprintf("%s[%d]", path, i), "%q is listed twice", t)
		}
		seen[t] = true
	}
}

// id checks an id's syntax and that no earlier element of list used it.
func (v *validator) id(path, id string, first map[string]int, list string, i int) {
	if !validID(id) {
		v.add(path, "%q does not match %s", id, idSyntax)
		return
	}
	if j, dup := first[id]; dup {
		v.add(path, "duplicate id %q, already used by %s[%d]", id, list, j)
		return
	}
	first[id] = i
}

func (v *validator) services(c *Catalogue, necessary map[string]bool) {
	first := make(map[string]int)
	ownCookie := false
	for i, s := range c.Services {
		path := fmt.Sprintf("services[%d]", i)
		v.id(path+".id", s.ID, first, "services", i)
		if _, clash := necessary[s.ID]; clash {
			// data-consent and civicConsent.allowed take either kind of id.
			v.add(path+".id", "%q is also a category id: service and category ids must differ", s.ID)
		}
		isNecessary, known := necessary[s.Category]
		if !known {
			v.add(path+".category", "unknown category %q", s.Category)
		}
		if strings.TrimSpace(s.Provider) == "" {
			v.add(path+".provider", "missing: who receives the data")
		}
		v.text(path+".name", s.Name, true)
		if s.PrivacyURL != "" {
			if err := checkHTTPS(s.PrivacyURL); err != nil {
				v.add(path+".privacyUrl", "%v", err)
			}
		}
		names := make(map[string]int)
		for j, ck := range s.Cookies {
			cpath := fmt.Sprintf("%s.cookies[%d]", path, j)
			switch k, dup := names[ck.Name]; {
			case !isToken(ck.Name):
				v.add(cpath+".name", "%q is not a cookie or storage key name (letters, digits and !#$%%&'*+-.^_`|~)", ck.Name)
			case dup:
				v.add(cpath+".name", "duplicate cookie %q, already listed as cookies[%d]", ck.Name, k)
			default:
				names[ck.Name] = j
			}
			switch {
			case ck.Name == RecordCookieName && isNecessary:
				ownCookie = true
			case ck.Name == RecordCookieName:
				// Refusing the service would expire the choice just made.
				v.add(cpath+".name", "%s is the widget's own cookie: only a necessary service may list it", RecordCookieName)
			}
			v.text(cpath+".purpose", ck.Purpose, true)
			v.text(cpath+".lifetime", ck.Lifetime, true)
		}
		v.scripts(path+".scripts", s.Scripts)
		if s.Loader != nil {
			if isNecessary {
				v.add(path+".loader", "service in necessary category %q loads a script: a third-party script needs consent, so move it to an optional category", s.Category)
			}
			if s.PrivacyURL == "" {
				v.add(path+".privacyUrl", "missing: a service with a loader must link its provider's privacy policy (R7)")
			}
			v.loader(path+".loader", s.Loader)
		}
	}
	if !ownCookie {
		v.add("services", "no necessary service lists the widget's own cookie %s (R18)", RecordCookieName)
	}
}

func (v *validator) loader(path string, l *Loader) {
	if err := checkHTTPS(l.URL); err != nil {
		v.add(path+".url", "%v", err)
	} else if strings.ContainsAny(l.URL, "?#") {
		v.add(path+".url", "%q has a query or fragment: put parameters in params", l.URL)
	}
	for _, k := range slices.Sorted(maps.Keys(l.Params)) {
		if k == "" {
			v.add(path+".params", "empty parameter name")
		}
	}
	if l.Placement != "head" && l.Placement != "body" {
		v.add(path+".placement", "%q is neither \"head\" nor \"body\"", l.Placement)
	}
	if l.Placeholder != "" {
		// A selector the browser refuses would throw on every page: the
		// loader would show nothing at all.
		if _, err := cascadia.ParseGroup(l.Placeholder); err != nil || strings.TrimSpace(l.Placeholder) == "" {
			v.add(path+".placeholder", "%q is not a CSS selector (%v)", l.Placeholder, err)
		}
	}
	v.text(path+".notice", l.Notice, false)
	for i, link := range l.NoticeLinks {
		lpath := fmt.Sprintf("%s.noticeLinks[%d]", path, i)
		v.text(lpath+".text", link.Text, true)
		if err := checkHTTPS(link.URL); err != nil {
			v.add(lpath+".url", "%v", err)
		}
	}
	for i, p := range l.StoragePrefixes {
		switch {
		case strings.TrimSpace(p) == "":
			v.add(fmt.Sprintf("%s.storagePrefixes[%d]", path, i), "empty prefix would clear every storage key")
		case strings.HasPrefix(p, StoragePrefix) || strings.HasPrefix(StoragePrefix, p):
			// Withdrawing the service would clear the widget's own keys.
			v.add(fmt.Sprintf("%s.storagePrefixes[%d]", path, i), "%q would clear the widget's own storage keys (%s…)", p, StoragePrefix)
		}
	}
}
