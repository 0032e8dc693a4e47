package receipts

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// The headers a trusted proxy may name the client in.
const (
	// HeaderXForwardedFor is a comma-separated list to which each proxy
	// appends the address it got the request from.
	HeaderXForwardedFor = "X-Forwarded-For"
	// HeaderForwarded is RFC 7239's: a list of elements whose for=
	// parameter each proxy appends.
	HeaderForwarded = "Forwarded"
	// HeaderXRealIP is one address, set (not appended) by the proxy.
	HeaderXRealIP = "X-Real-Ip"
)

// TrustedProxies says which reverse proxies may name the client of a
// request, and in which header. Without it the client is the address the
// connection comes from, which behind a proxy is the proxy's: every visitor
// would share one rate limit.
type TrustedProxies struct {
	header   string
	prefixes []netip.Prefix
}

// NewTrustedProxies trusts the proxies at the given addresses or CIDR
// prefixes ("10.0.0.2", "10.0.0.0/24", "2001:db8::/64") to name the client
// in header: X-Forwarded-For, Forwarded or X-Real-IP. There is no default:
// trusting a header a proxy does not set, or set by a proxy not listed,
// would let any client pick its own address, and its own rate limit.
func NewTrustedProxies(header string, proxies []string) (*TrustedProxies, error) {
	p := &TrustedProxies{header: http.CanonicalHeaderKey(header)}
	if !slices.Contains([]string{HeaderXForwardedFor, HeaderForwarded, HeaderXRealIP}, p.header) {
		return nil, fmt.Errorf("receipts: client address header %q: want X-Forwarded-For, Forwarded or X-Real-IP", header)
	}
	if len(proxies) == 0 {
		return nil, errors.New("receipts: a client address header needs the addresses of the proxies that set it")
	}
	for _, s := range proxies {
		prefix, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("receipts: trusted proxy %q is neither an IP address nor a CIDR prefix", s)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		p.prefixes = append(p.prefixes, prefix.Masked())
	}
	return p, nil
}

// trusted reports whether a is one of the proxies.
func (p *TrustedProxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, prefix := range p.prefixes {
		if prefix.Contains(a) {
			return true
		}
	}
	return false
}

// ClientKey is the key a request's client is counted under by a Limiter:
// the address the connection comes from or, when that is a trusted proxy,
// the address the proxies name in their header, read from the right (the
// entries the proxies appended) and past every trusted proxy. An IPv6
// client is counted by its /64, which one host usually holds whole. A
// request from a trusted proxy that names no valid client is counted under
// the proxy's own key, with every other such request: it never gets a
// bucket of its own. A nil p trusts no proxy.
func (p *TrustedProxies) ClientKey(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	if p == nil || !p.trusted(peer.Addr()) {
		return addrKey(peer.Addr())
	}
	named := p.named(r)
	for i := len(named) - 1; i >= 0; i-- {
		a, ok := parseNamed(named[i])
		if !ok {
			break
		}
		if !p.trusted(a) {
			return addrKey(a)
		}
	}
	return addrKey(peer.Addr())
}

// named lists the client addresses the header holds, left to right.
func (p *TrustedProxies) named(r *http.Request) []string {
	values := r.Header.Values(p.header)
	var named []string
	switch p.header {
	case HeaderXRealIP:
		if len(values) > 0 {
			named = []string{values[len(values)-1]}
		}
	case HeaderXForwardedFor:
		for _, v := range values {
			named = append(named, strings.Split(v, ",")...)
		}
	case HeaderForwarded:
		for _, v := range values {
			for element := range strings.SplitSeq(v, ",") {
				named = append(named, forwardedFor(element))
			}
		}
	}
	return named
}

// forwardedFor is the for= parameter of a Forwarded element, or "".
func forwardedFor(element string) string {
	for pair := range strings.SplitSeq(element, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(name, "for") {
			return strings.Trim(value, `"`)
		}
	}
	return ""
}

// parseNamed reads an address a proxy named: an IP address, with a port
// or not, IPv6 in brackets or not.
func parseNamed(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// addrKey is the key of an address: itself, or its /64 for IPv6.
func addrKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a.WithZone(""), 64).Masked().String()
}
