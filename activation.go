package consent

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Activating the host page's data-consent markup. What the widget turns on
// comes from the page's HTML, which an HTML-injection bug of the site may
// have written, so nothing is activated on trust:
//
//   - a URL (data-src, data-srcset, data-poster, a script's src) is resolved
//     against the page's base URL and used only if it is http or https;
//   - an external script runs only from the page's own origin, from the
//     origin of its service's loader, or from one of its service's Origins
//     (for a category id: of any service of the category);
//   - an inline script runs only if it carries the page's nonce: the nonce
//     of the loader's own script tag (consent.js), which an attacker who can
//     only write HTML does not know. A page without that nonce runs no
//     inline data-consent script.

// Page is what the widget knows of the host page when it activates markup.
type Page struct {
	// URL is the page's address (location.href); its origin is trusted.
	URL string
	// Base is the URL relative ones are resolved against (document.baseURI).
	Base string
	// Nonce is the page's CSP nonce as PageNonce found it; "" if none.
	Nonce string
}

// BlockedScript is a script[type=text/plain][data-consent] of the page.
type BlockedScript struct {
	// ID is its data-consent value.
	ID string
	// External is true when it has a src attribute, Src its value.
	External bool
	Src      string
	// Nonce is its nonce property (the attribute is hidden by browsers).
	Nonce string
}

// ScriptTag is a script element of the page: its src property (absolute)
// and its nonce property.
type ScriptTag struct {
	Src, Nonce string
}

// LoaderName is the file name of the loader, next to the bundle's
// stylesheet.
const LoaderName = "consent.js"

// PageNonce returns the page's CSP nonce: that of the loader's script tags,
// the scripts whose src (without query or fragment) is LoaderName next to
// styleURL. It is "" when there is no such tag, when one has no nonce, or
// when they disagree: a copy written by an attacker cannot name a nonce.
func PageNonce(styleURL string, scripts []ScriptTag) string {
	style, err := url.Parse(styleURL)
	if err != nil {
		return ""
	}
	loader := style.ResolveReference(&url.URL{Path: LoaderName})
	nonce, found := "", false
	for _, s := range scripts {
		u, err := url.Parse(s.Src)
		if err != nil {
			continue
		}
		u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
		if u.String() != loader.String() {
			continue
		}
		if s.Nonce == "" || (found && s.Nonce != nonce) {
			return ""
		}
		nonce, found = s.Nonce, true
	}
	return nonce
}

// ActivateURL resolves raw, a URL written in the page's data-consent markup,
// against base and returns it if a browser may load it: an absolute http or
// https URL without user info. Browsers ignore leading and trailing spaces
// and control characters, and drop tabs and line breaks anywhere, so the
// first are trimmed and a URL still holding a control character or a
// backslash (which browsers read as /) is refused rather than guessed at.
func ActivateURL(raw, base string) (string, error) {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	if s == "" {
		return "", errors.New("empty URL")
	}
	for i, r := range s {
		if r < ' ' || r == 0x7f || r == '\\' {
			return "", fmt.Errorf("%q holds %q at byte %d", raw, r, i)
		}
	}
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() {
		return "", fmt.Errorf("the page's base URL %q is not absolute", base)
	}
	ref, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	u := b.ResolveReference(ref)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%q is not an http or https URL", raw)
	}
	if u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("%q has no host", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("%q holds user info", raw)
	}
	return u.String(), nil
}

// ActivateSrcset returns raw, a srcset list written in data-srcset, with
// every URL resolved by ActivateURL and each candidate's descriptors kept;
// one URL that ActivateURL refuses refuses the whole list.
func ActivateSrcset(raw, base string) (string, error) {
	var out []string
	rest := raw
	for {
		rest = strings.TrimLeft(rest, " \t\n\f\r,")
		if rest == "" {
			break
		}
		end := strings.IndexAny(rest, " \t\n\f\r")
		if end < 0 {
			end = len(rest)
		}
		u, descriptors := rest[:end], ""
		rest = rest[end:]
		if trimmed := strings.TrimRight(u, ","); trimmed != u {
			// A URL ending with a comma has no descriptors.
			u = trimmed
		} else {
			// Descriptors run to the next comma outside parentheses.
			depth, i := 0, 0
			for ; i < len(rest); i++ {
				switch rest[i] {
				case '(':
					depth++
				case ')':
					depth--
				}
				if rest[i] == ',' && depth <= 0 {
					break
				}
			}
			descriptors = strings.Join(strings.Fields(rest[:i]), " ")
			rest = rest[i:]
		}
		abs, err := ActivateURL(u, base)
		if err != nil {
			return "", fmt.Errorf("srcset %q: %w", raw, err)
		}
		if descriptors != "" {
			abs += " " + descriptors
		}
		out = append(out, abs)
	}
	if len(out) == 0 {
		return "", fmt.Errorf("srcset %q lists no image", raw)
	}
	return strings.Join(out, ", "), nil
}

// ScriptOrigins returns the origins from which the data-consent scripts of
// id, a service or category id, may load besides the page's own: the
// origins of the services' loaders and their Origins, sorted, once each.
func (c *Catalogue) ScriptOrigins(id string) []string {
	services := c.ServicesIn(id)
	if s, ok := c.Service(id); ok {
		services = []Service{s}
	}
	var out []string
	for _, s := range services {
		if s.Loader != nil {
			if o, err := originOf(s.Loader.URL); err == nil {
				out = append(out, o)
			}
		}
		for _, raw := range s.Origins {
			if o, err := originOf(raw); err == nil {
				out = append(out, o)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ActivateScript decides whether a blocked script of page p may run (its id
// being allowed) and returns the URL its running copy loads, "" for an
// inline one. The error says why it stays blocked.
func (c *Catalogue) ActivateScript(s BlockedScript, p Page) (string, error) {
	if !s.External {
		switch {
		case p.Nonce == "":
			return "", fmt.Errorf("inline data-consent=%q script: the loader's script tag carries no nonce, so no inline script runs on this page", s.ID)
		case s.Nonce != p.Nonce:
			return "", fmt.Errorf("inline data-consent=%q script: its nonce is not the page's (the loader's)", s.ID)
		}
		return "", nil
	}
	src, err := ActivateURL(s.Src, p.Base)
	if err != nil {
		return "", fmt.Errorf("data-consent=%q script: %w", s.ID, err)
	}
	o, _ := originOf(src)
	if own, err := originOf(p.URL); err == nil && o == own {
		return src, nil
	}
	if slices.Contains(c.ScriptOrigins(s.ID), o) {
		return src, nil
	}
	return "", fmt.Errorf("data-consent=%q script: %s is neither the page's origin nor one the catalogue lists for %q (services[].origins)", s.ID, o, s.ID)
}

// originOf returns the origin of an absolute http(s) URL: scheme://host,
// with the port unless it is the scheme's default.
func originOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return u.Scheme + "://" + host, nil
}

// checkOrigin accepts an origin as Service.Origins lists it: "https://" or
// "http://", a lowercase host name and an optional port, nothing else.
func checkOrigin(s string) error {
	if err := checkURLChars(s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not an origin: %v", s, errors.Unwrap(err))
	}
	if (u.Scheme != "https" && u.Scheme != "http") || !strings.HasPrefix(s, u.Scheme+"://") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not an origin: want https://host (or http://host), with an optional port", s)
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s[len(u.Scheme)+3:], "/?#") {
		return fmt.Errorf("%q is not an origin: no user, path, query or fragment", s)
	}
	if !plausibleHost(u.Hostname()) {
		return fmt.Errorf("%q has no valid host name (lowercase letters, digits, - and .)", s)
	}
	return nil
}

// origins checks a service's Origins.
func (v *validator) origins(path string, origins []string) {
	seen := map[string]int{}
	for i, o := range origins {
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := checkOrigin(o); err != nil {
			v.add(p, "%v", err)
			continue
		}
		if k, dup := seen[o]; dup {
			v.add(p, "duplicate origin %q, already listed as [%d]", o, k)
		}
		seen[o] = i
	}
}

// ExternalLink accepts an absolute http(s) link without credentials (a
// placeholder's "see it on the provider's site" link) and returns it
// normalised, with its host name for the link's text.
func ExternalLink(link string) (href, host string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", "", false
	}
	return u.String(), u.Hostname(), true
}

// TrustScriptURL decides whether the widget's Trusted Types policy (see
// web/src/consent.js) may turn raw into a script URL on the page at
// pageURL: an absolute http or https URL, as ActivateURL accepts it, of the
// page's own origin or of an origin the catalogue lists for one of its
// services (its loader's, its Origins). The policy does not know which
// service asks, so this is wider than ActivateScript, but never wider than
// the catalogue: it checks again what Go decided before asking, so that no
// string the page wrote gets a script URL through it.
func (c *Catalogue) TrustScriptURL(raw, pageURL string) error {
	if u, err := url.Parse(raw); err != nil || !u.IsAbs() {
		return fmt.Errorf("script URL %q is not absolute", raw)
	}
	src, err := ActivateURL(raw, raw)
	if err != nil {
		return fmt.Errorf("script URL: %w", err)
	}
	o, _ := originOf(src)
	if own, err := originOf(pageURL); err == nil && o == own {
		return nil
	}
	for _, s := range c.Services {
		if slices.Contains(c.ScriptOrigins(s.ID), o) {
			return nil
		}
	}
	return fmt.Errorf("script URL %q: %s is neither the page's origin nor one the catalogue lists (services[].loader, services[].origins)", raw, o)
}
