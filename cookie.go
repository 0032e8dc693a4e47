package consent

import (
	"fmt"
	"strings"
	"time"
)

// RecordFromCookieHeader finds the cookies_preferences value in a Cookie
// header or document.cookie string ("a=b; c=d"). found is false when there
// is none. Several cookies_preferences (set with different Domain or Path
// attributes) cannot be told apart, so they are an error of ReasonAmbiguous:
// to replace a choice, clear every variant first.
func RecordFromCookieHeader(header string) (value string, found bool, err error) {
	for pair := range strings.SplitSeq(header, ";") {
		name, v, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(name) != RecordCookieName {
			continue
		}
		if found {
			return "", true, recordErr(ReasonAmbiguous, "several %s cookies", RecordCookieName)
		}
		value, found = strings.TrimSpace(v), true
	}
	return value, found, nil
}

// CookieOptions are the attributes of the cookies_preferences cookie.
type CookieOptions struct {
	// Secure adds the Secure attribute; set it on https pages.
	Secure bool
	// Domain, when set, shares the cookie with subdomains.
	Domain string
	// MaxAge is the cookie's lifetime: 0 means DefaultMaxAgeDays, and it
	// is cut to MaxMaxAgeDays (R11).
	MaxAge time.Duration
	// Path is the cookie's path; "" means "/". The choice is always
	// stored for "/"; another path only clears a copy set there.
	Path string
}

// CookieString returns the document.cookie assignment that stores value,
// an encoded Record, as cookies_preferences:
//
//	cookies_preferences=<value>; Path=/; Max-Age=<seconds>; SameSite=Lax[; Domain=<domain>][; Secure]
func CookieString(value string, o CookieOptions) string {
	maxAge := o.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAgeDays * 24 * time.Hour
	}
	maxAge = min(maxAge, MaxMaxAgeDays*24*time.Hour)
	return cookieString(RecordCookieName, value, int64(maxAge/time.Second), o)
}

// ExpireCookieString returns the document.cookie assignment that deletes
// the cookie name set with the same Path and Domain, e.g. a withdrawn
// service's cookie (R16) or a stale cookies_preferences.
func ExpireCookieString(name string, o CookieOptions) string {
	return cookieString(name, "", 0, o)
}

func cookieString(name, value string, maxAge int64, o CookieOptions) string {
	path := o.Path
	if path == "" {
		path = "/"
	}
	s := fmt.Sprintf("%s=%s; Path=%s; Max-Age=%d; SameSite=Lax", name, value, path, maxAge)
	if o.Domain != "" {
		s += "; Domain=" + o.Domain
	}
	if o.Secure {
		s += "; Secure"
	}
	return s
}
