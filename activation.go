package consent

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Activating the host page's data-consent markup. What the widget turns on
// comes from the page's HTML, which an HTML-injection bug of the site may
// have written, so nothing is activated on trust:
//
//   - markup naming a necessary category or service is never activated:
//     what needs no consent needs no widget, and would otherwise run for
//     every visitor;
//   - a URL (data-src, data-srcset, data-poster, a script's src) is resolved
//     against the page's base URL and used only if it is http or https;
//   - an external script runs only if its URL is its service's loader or
//     one its service's Scripts lists, exactly or in a listed folder (for a
//     category id: of any service of the category); the page's own origin
//     is trusted no more than any other;
//   - an inline script runs only if it carries the page's nonce: the nonce
//     of the loader's own script tag (consent.js), which an attacker who can
//     only write HTML does not know. A page without that nonce runs no
//     inline data-consent script.

// Page is what the widget knows of the host page when it activates markup.
type Page struct {
	// URL is the page's address (location.href): the origin of the
	// Scripts that are paths of the site.
	URL string
	// Base is the URL relative ones are resolved against (document.baseURI).
	Base string
	// Nonce is the CSP nonce of the loader's own script tag, as the loader
	// read it when it ran; "" if none.
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
