package consent

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// normalHost lowercases a host name and drops a final dot and the brackets
// of an IPv6 literal.
func normalHost(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}

// hostOnly reports whether a page on host can only set host-only cookies:
// an IP address, localhost, or a single-label name has no parent domain.
func hostOnly(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return host == "" || host == "localhost" || !strings.Contains(host, ".")
}

// CookieDomains returns the Domain attributes under which a cookie that a
// page on host can reach may have been set: "" (host-only) first, then host
// itself and each parent domain, down to the last two labels. On an IP
// address, localhost or a single-label host, only "". For
// www.data.example.org:
//
//	"", "www.data.example.org", "data.example.org", "example.org"
//
// Without the public suffix list the last entry can be a public suffix
// (co.uk for www.a.co.uk); browsers refuse a cookie for one, so clearing
// with it does nothing, and the registrable domain is always in the list.
func CookieDomains(host string) []string {
	host = normalHost(host)
	out := []string{""}
	if hostOnly(host) {
		return out
	}
	for d := host; strings.Count(d, ".") >= 1; {
		out = append(out, d)
		_, d, _ = strings.Cut(d, ".")
	}
	return out
}

// DomainMatches reports whether a page on host may set a cookie with
// Domain=domain: host is domain or one of its subdomains (a leading dot on
// domain is ignored, as browsers do). An IP address matches only itself.
func DomainMatches(host, domain string) bool {
	host, domain = normalHost(host), normalHost(strings.TrimPrefix(domain, "."))
	if host == "" || domain == "" {
		return false
	}
	if hostOnly(host) {
		return host == domain
	}
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// RecordCookieDomain returns the Domain attribute for cookies_preferences on
// a page on host, given the catalogue's site.cookieDomain: the configured
// domain when the browser would accept it there, else "" (a host-only
// cookie) and an error that says why, since the browser would drop a cookie
// for a domain that does not match the page and no choice could be saved.
func RecordCookieDomain(host, configured string) (string, error) {
	if configured == "" {
		return "", nil
	}
	if !DomainMatches(host, configured) {
		return "", fmt.Errorf("site.cookieDomain %q does not match this page's host %q: the browser would drop the %s cookie, so it is stored for this host only", configured, host, RecordCookieName)
	}
	return configured, nil
}

// ExpireCookieStrings returns the document.cookie assignments that delete
// every copy of the cookie name that a page at path on host can clear:
// once for each of CookieDomains(host) and each of CookiePaths(path). The
// cookie-name prefixes are honoured: a __Secure- cookie can only be cleared
// with Secure, so from an https page (secure); a __Host- one only with
// Secure, without Domain and with Path=/. Every assignment carries Secure
// when secure, so that it also replaces a Secure copy. None is returned
// when no copy can be cleared (a prefixed name on an http page).
func ExpireCookieStrings(name, host, path string, secure bool) []string {
	domains, paths := CookieDomains(host), CookiePaths(path)
	switch {
	case hasPrefixFold(name, "__Host-"):
		domains, paths = domains[:1], paths[:1]
		fallthrough
	case hasPrefixFold(name, "__Secure-"):
		if !secure {
			return nil
		}
	}
	out := make([]string, 0, len(domains)*len(paths))
	for _, d := range domains {
		for _, p := range paths {
			out = append(out, ExpireCookieString(name, CookieOptions{Secure: secure, Domain: d, Path: p}))
		}
	}
	return out
}

// maxPathDepth bounds CookiePaths: a page deeper than that clears the
// copies set for its first folders only.
const maxPathDepth = 8

// CookiePaths returns the Path attributes under which a cookie that a page
// at path can see may have been set: "/" first, then each folder on the
// way to the page, with and without its final slash, and the page's own
// path. For /agenda/2026/talk:
//
//	"/", "/agenda", "/agenda/", "/agenda/2026", "/agenda/2026/", "/agenda/2026/talk"
func CookiePaths(path string) []string {
	out := []string{"/"}
	segments := strings.Split(strings.Trim(path, "/"), "/")
	prefix := ""
	for i, seg := range segments {
		if seg == "" || i >= maxPathDepth {
			break
		}
		prefix += "/" + seg
		out = append(out, prefix)
		if i < len(segments)-1 || strings.HasSuffix(path, "/") {
			out = append(out, prefix+"/")
		}
	}
	return out
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case: browsers apply
// the cookie-name prefix rules whatever the case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// RecordValues returns every cookies_preferences value in a Cookie header
// or document.cookie string, in order: several when copies with different
// Domain or Path attributes are all visible.
func RecordValues(header string) []string {
	var out []string
	for pair := range strings.SplitSeq(header, ";") {
		name, v, ok := strings.Cut(pair, "=")
		if ok && strings.TrimSpace(name) == RecordCookieName {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// ErrRecordNotKept is VerifyWritten's error when the browser did not keep
// the cookie just written (cookies blocked, a Domain it refused).
var ErrRecordNotKept = errors.New("the browser did not keep the cookies_preferences cookie (cookies blocked?)")

// VerifyWritten checks a document.cookie string read right after value
// was written as cookies_preferences. It returns nil when the browser
// holds exactly that value; shadowed is true when the value is there but
// next to another copy the page could not clear (set with another Path):
// the choice is then honoured on this page only. Anything else is an
// error: the choice was not stored.
func VerifyWritten(header, value string) (shadowed bool, err error) {
	stored, found, err := RecordFromCookieHeader(header)
	var rerr *RecordError
	switch {
	case errors.As(err, &rerr) && rerr.Reason == ReasonAmbiguous && slices.Contains(RecordValues(header), value):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("reading the choice back: %w", err)
	case !found || stored != value:
		return false, ErrRecordNotKept
	}
	return false, nil
}
