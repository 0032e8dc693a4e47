package netrec

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Request is one request that reached the proxy.
type Request struct {
	// Time is when the proxy received the request.
	Time time.Time
	// Method is the HTTP method; "CONNECT" records the opening of a tunnel,
	// and the requests sent inside it are recorded on their own.
	Method string
	// Scheme is "http" or "https"; it is empty for a CONNECT.
	Scheme string
	// Host is the host as requested, with its port when the port is not
	// the scheme's default. A CONNECT always has host:port.
	Host string
	// Path and Query are those of the request target.
	Path  string
	Query string
	// Header is a copy of the request headers.
	Header http.Header
	// Status is the status the proxy answered with, 0 until it has.
	Status int
}

// URL returns the request's absolute URL, or "host:port" for a CONNECT.
func (r Request) URL() string {
	if r.Method == http.MethodConnect {
		return r.Host
	}
	u := url.URL{Scheme: r.Scheme, Host: r.Host, Path: r.Path, RawQuery: r.Query}
	return u.String()
}

// String formats the request for test failure messages.
func (r Request) String() string {
	return fmt.Sprintf("%s %s -> %d", r.Method, r.URL(), r.Status)
}

// origin is a scheme, host and port with the port always explicit.
type origin struct {
	scheme, host, port string
}

// parseOrigin reads an origin such as "http://127.0.0.1:8080" (a path, if
// any, is ignored).
func parseOrigin(s string) (origin, error) {
	u, err := url.Parse(s)
	if err != nil {
		return origin{}, fmt.Errorf("netrec: site origin %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return origin{}, fmt.Errorf("netrec: site origin %q: want http(s)://host[:port]", s)
	}
	return origin{scheme: u.Scheme, host: strings.ToLower(u.Hostname()), port: portOr(u.Port(), u.Scheme)}, nil
}

// sameOrigin reports whether r went to o. A CONNECT carries no scheme, so
// it matches on host and port alone.
func (r Request) sameOrigin(o origin) bool {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, ""
	}
	if !strings.EqualFold(host, o.host) {
		return false
	}
	if r.Method == http.MethodConnect {
		return port == o.port
	}
	return r.Scheme == o.scheme && portOr(port, r.Scheme) == o.port
}

// portOr returns port, or the default port of scheme when port is empty.
func portOr(port, scheme string) string {
	if port != "" {
		return port
	}
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// hostKey lower-cases host and drops the port when it is scheme's default,
// so "www.google.com:443" and "www.google.com" compare equal over https.
func hostKey(host, scheme string) string {
	host = strings.ToLower(host)
	h, port, err := net.SplitHostPort(host)
	if err == nil && port == portOr("", scheme) {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}
