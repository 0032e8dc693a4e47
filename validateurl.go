// URL and address checks of catalogue validation: every URL a catalogue
// gives is held to the strict forms below before it reaches a page.

package consent

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// policyURL checks the cookie policy page's address: one for every
// language, or one for each of the catalogue's languages and no other.
func (v *validator) policyURL(u LangURL) {
	if len(u.ByLang) == 0 {
		if err := checkPolicyURL(u.All); err != nil {
			v.add("site.policyUrl", "%v", err)
		}
		return
	}
	for _, lang := range v.langs {
		s, ok := u.ByLang[lang]
		if !ok {
			v.add("site.policyUrl."+lang, "missing: the cookie policy page in %q (or give one policyUrl string for every language)", lang)
		} else if err := checkPolicyURL(s); err != nil {
			v.add("site.policyUrl."+lang, "%v", err)
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(u.ByLang)) {
		if !slices.Contains(v.langs, lang) {
			v.add("site.policyUrl."+lang, "language %q is not one of the catalogue's languages %v, the keys of site.name", lang, v.langs)
		}
	}
}

// checkPolicyURL accepts a path of the site (starting with a single /) or
// an absolute https URL.
func checkPolicyURL(s string) error {
	switch {
	case s == "":
		return errors.New("missing: the cookie policy page's path or https URL")
	case strings.HasPrefix(s, "//"):
		return fmt.Errorf("%q is scheme-relative, so it leads to another site: want a path starting with a single / or an https URL", s)
	case strings.HasPrefix(s, "/"):
		return checkPath(s)
	}
	if err := checkHTTPS(s); err != nil {
		return fmt.Errorf("want a path starting with / or an https URL: %w", err)
	}
	return nil
}

// checkPath accepts a path of the site, with an optional query and
// fragment: it starts with a single / and holds no character that
// checkURLChars rejects, so that no browser reads it as another site.
func checkPath(s string) error {
	if err := checkURLChars(s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a valid path: %v", s, errors.Unwrap(err))
	}
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return fmt.Errorf("%q is not a path starting with a single /", s)
	}
	return nil
}

// checkReceiptsPath accepts a path of the site, as checkPath does, without
// a query or fragment: receipts go to the page's own origin only.
func checkReceiptsPath(s string) error {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return fmt.Errorf("%q is not a path of the site starting with a single / (receipts go to the page's own origin only)", s)
	}
	if err := checkPath(s); err != nil {
		return err
	}
	if strings.ContainsAny(s, "?#") {
		return fmt.Errorf("%q has a query or fragment: want a plain path such as /receipts", s)
	}
	return nil
}

// checkContactURL accepts a mailto: address or an absolute https URL.
func checkContactURL(s string) error {
	rest, ok := strings.CutPrefix(s, "mailto:")
	if !ok {
		if err := checkHTTPS(s); err != nil {
			return fmt.Errorf("want mailto: or an https URL: %w", err)
		}
		return nil
	}
	if err := checkURLChars(s); err != nil {
		return err
	}
	addr, _, _ := strings.Cut(rest, "?")
	local, domain, ok := strings.Cut(addr, "@")
	if _, err := url.Parse(s); err != nil || !ok || local == "" || !plausibleHost(strings.ToLower(domain)) {
		return fmt.Errorf("%q is not a mailto: address", s)
	}
	return nil
}

// checkHTTPS accepts an absolute https URL: the scheme written "https://",
// a lowercase host name (and optional port), no user info, and no
// character that checkURLChars rejects.
func checkHTTPS(s string) error {
	if err := checkURLChars(s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", s, errors.Unwrap(err))
	}
	if !strings.HasPrefix(s, "https://") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not an absolute https URL", s)
	}
	if u.User != nil {
		return fmt.Errorf("%q holds user info", s)
	}
	if !plausibleHost(u.Hostname()) {
		return fmt.Errorf("%q has no valid host name (lowercase letters, digits, - and .)", s)
	}
	return nil
}

// checkURLChars rejects what a URL of the catalogue must never hold, since
// the widget writes its URLs into HTML and browsers read some of them as
// other sites or as the end of an attribute: white space, control and
// invisible format characters, quotes, angle brackets, backticks and
// backslashes (which browsers read as /, so that /\evil.example/ is
// another site).
func checkURLChars(s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			return fmt.Errorf("%q is not valid UTF-8 at byte %d", s, i)
		case unicode.IsSpace(r):
			return fmt.Errorf("%q contains white space at byte %d", s, i)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return fmt.Errorf("%q contains the control character %U at byte %d", s, r, i)
		case strings.ContainsRune("\"'<>`\\", r):
			return fmt.Errorf("%q contains %q at byte %d, which no URL of a catalogue may hold", s, r, i)
		}
	}
	return nil
}

// isControl reports whether r is a control character other than a line
// break or a tab: HTML parsers change or drop some (NUL, carriage return),
// so a text holding one would not show as written.
func isControl(r rune) bool {
	return r != '\n' && r != '\t' && unicode.IsControl(r)
}

// plausibleHost accepts a lowercase DNS name without a leading dot.
func plausibleHost(h string) bool {
	return !strings.HasPrefix(h, ".") && plausibleDomain(h)
}

// plausibleDomain accepts a lowercase DNS name, optionally with the leading
// dot that the Domain attribute tolerates.
func plausibleDomain(d string) bool {
	d = strings.TrimPrefix(d, ".")
	if d == "" || len(d) > 253 {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// isToken reports whether s is an RFC 9110 token, the syntax of a cookie
// name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return true
}
