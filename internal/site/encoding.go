package site

import (
	"strconv"
	"strings"
)

// Content codings the bundle is precompressed in, in order of preference
// when the client rates them equally.
const (
	encBrotli   = "br"
	encGzip     = "gzip"
	encIdentity = "identity"
)

// encodingSuffix is the file name suffix of each precompressed coding.
var encodingSuffix = map[string]string{encBrotli: ".br", encGzip: ".gz"}

// negotiateEncoding picks the coding to send among available (codings with a
// precompressed file, in order of preference) from an Accept-Encoding
// header (RFC 9110 §12.5.3): the highest q-value wins, ties go to the
// earlier of available, and "*" rates every coding not named. It falls back
// to identity, which is also what a client that forbids identity gets
// rather than an error: every client can read it.
func negotiateEncoding(header string, available []string) string {
	q := parseAcceptEncoding(header)
	rate := func(coding string) float64 {
		if v, ok := q[coding]; ok {
			return v
		}
		if v, ok := q["*"]; ok {
			return v
		}
		if coding == encIdentity {
			return 0.001 // acceptable unless excluded, but least preferred
		}
		return 0
	}
	best, bestQ := encIdentity, rate(encIdentity)
	for _, coding := range available {
		v := rate(coding)
		if v <= 0 {
			continue
		}
		// A precompressed file beats identity at equal rating.
		if v > bestQ || v == bestQ && best == encIdentity {
			best, bestQ = coding, v
		}
	}
	return best
}

// parseAcceptEncoding maps each coding of an Accept-Encoding header to its
// q-value. Codings are case-insensitive; a missing or malformed q counts as
// 1 or 0 respectively, so garbage never turns into a preference.
func parseAcceptEncoding(header string) map[string]float64 {
	q := make(map[string]float64)
	for _, item := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(item, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		v := 1.0
		for _, p := range strings.Split(params, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.ToLower(strings.TrimSpace(name)) != "q" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			v = f
		}
		q[coding] = v
	}
	return q
}
