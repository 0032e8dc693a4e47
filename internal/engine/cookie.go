package engine

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// cookiesFor keeps the cookies whose domain and path match pageURL
// (RFC 6265 sections 5.1.3 and 5.1.4).
func cookiesFor(all []Cookie, pageURL string) ([]Cookie, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("cookies: page URL %q: %w", pageURL, err)
	}
	host := strings.ToLower(u.Hostname())
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	var out []Cookie
	for _, c := range all {
		if domainMatch(host, c.Domain) && pathMatch(path, c.Path) {
			out = append(out, c)
		}
	}
	return out, nil
}

func domainMatch(host, domain string) bool {
	domain = strings.ToLower(strings.TrimPrefix(domain, "."))
	return host == domain || strings.HasSuffix(host, "."+domain)
}

func pathMatch(reqPath, cookiePath string) bool {
	if cookiePath == "" || cookiePath == "/" || reqPath == cookiePath {
		return true
	}
	return strings.HasPrefix(reqPath, cookiePath) &&
		(strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/')
}

// normSameSite maps an engine's spelling of SameSite to "Strict", "Lax",
// "None", or "" when unknown.
func normSameSite(s string) string {
	switch strings.ToLower(s) {
	case "strict":
		return "Strict"
	case "lax":
		return "Lax"
	case "none":
		return "None"
	}
	return ""
}

// unixTime turns seconds since the epoch into a time; zero or negative
// (a session cookie) gives the zero time.
func unixTime(sec float64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(sec), 0)
}

// trimDot drops the leading dot some engines keep on domain cookies.
func trimDot(domain string) string { return strings.TrimPrefix(domain, ".") }
