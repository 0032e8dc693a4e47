package netrec

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Proxy is a recording HTTP/HTTPS forward proxy listening on 127.0.0.1.
// Its methods are safe for concurrent use.
type Proxy struct {
	ln      net.Listener
	outer   *http.Server // proxy-form requests and CONNECT
	inner   *http.Server // the requests decrypted inside tunnels
	tunnels *connQueue
	ca      *authority

	mu    sync.Mutex
	reqs  []*Request
	stubs map[string]http.Handler // by stubKey
}

// Start starts a proxy on a free port of 127.0.0.1 with a new CA.
func Start() (*Proxy, error) {
	ca, err := newAuthority()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("netrec: listen: %w", err)
	}
	p := &Proxy{
		ln:      ln,
		tunnels: newConnQueue(ln.Addr()),
		ca:      ca,
		stubs:   make(map[string]http.Handler),
	}
	// A browser that refuses a minted certificate makes the inner server
	// log a handshake error; the refusal shows in the test, not in its log.
	quiet := log.New(io.Discard, "", 0)
	p.outer = &http.Server{Handler: http.HandlerFunc(p.serveOuter), ReadHeaderTimeout: time.Minute, ErrorLog: quiet}
	p.inner = &http.Server{Handler: http.HandlerFunc(p.serveInner), ReadHeaderTimeout: time.Minute, ErrorLog: quiet}
	go p.outer.Serve(ln)
	go p.inner.Serve(p.tunnels)
	return p, nil
}

// Addr returns the proxy's "127.0.0.1:port".
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// CAPEM returns the PEM certificate of the CA that signs the tunnels'
// certificates, for clients that can trust a CA instead of ignoring errors.
func (p *Proxy) CAPEM() []byte { return p.ca.pem() }

// Stub answers every request to rawURL with status 200, the content type
// and the body. A stub matches on scheme, host and path; the query string
// is ignored. A later stub for the same URL replaces the earlier one.
func (p *Proxy) Stub(rawURL, contentType, body string) error {
	return p.Handle(rawURL, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(body))
	}))
}

// Handle makes h answer the requests to rawURL, matched as by Stub.
func (p *Proxy) Handle(rawURL string, h http.Handler) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("netrec: stub URL %q: %w", rawURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("netrec: stub URL %q: want an absolute http(s) URL", rawURL)
	}
	if h == nil {
		return fmt.Errorf("netrec: stub URL %q: nil handler", rawURL)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stubs[stubKey(u.Scheme, u.Host, u.Path)] = h
	return nil
}

// Requests returns a copy of the requests recorded since the start or the
// last Reset, in arrival order.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Request, len(p.reqs))
	for i, r := range p.reqs {
		out[i] = *r
		out[i].Header = r.Header.Clone()
	}
	return out
}

// Reset forgets the recorded requests; the stubs stay.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = nil
}

// ThirdParty returns the recorded requests (tunnels included) that did not
// go to siteOrigin, e.g. "http://127.0.0.1:8080". The comparison is by
// origin, not by registrable domain: a request to a sibling subdomain counts.
func (p *Proxy) ThirdParty(siteOrigin string) ([]Request, error) {
	o, err := parseOrigin(siteOrigin)
	if err != nil {
		return nil, err
	}
	var out []Request
	for _, r := range p.Requests() {
		if !r.sameOrigin(o) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Close stops the proxy and drops its open connections.
func (p *Proxy) Close() error {
	err := errors.Join(p.outer.Close(), p.inner.Close())
	p.tunnels.Close()
	if err != nil {
		return fmt.Errorf("netrec: close: %w", err)
	}
	return nil
}

// record appends a request and returns it, so the status can be filled in
// once known. Recording comes first, before any byte of the answer leaves,
// so a test that sees the page react also finds the request.
func (p *Proxy) record(r *http.Request, scheme string) *Request {
	rec := &Request{
		Time:   time.Now(),
		Method: r.Method,
		Scheme: scheme,
		Header: r.Header.Clone(),
	}
	if r.Method == http.MethodConnect {
		rec.Host = r.Host
	} else {
		rec.Host = hostKey(r.Host, scheme)
		rec.Path = r.URL.Path
		rec.Query = r.URL.RawQuery
	}
	p.mu.Lock()
	p.reqs = append(p.reqs, rec)
	p.mu.Unlock()
	return rec
}

// setStatus fills in the status of a recorded request.
func (p *Proxy) setStatus(rec *Request, status int) {
	p.mu.Lock()
	rec.Status = status
	p.mu.Unlock()
}

// serveOuter handles what browsers send to the proxy itself: CONNECT, or a
// plain-HTTP request in absolute form.
func (p *Proxy) serveOuter(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		p.connect(w, r)
	case r.URL.IsAbs():
		r.URL.Host = r.Host
		p.answer(w, r, r.URL.Scheme)
	default:
		rec := p.record(r, "http")
		p.setStatus(rec, http.StatusBadRequest)
		http.Error(w, "netrec: not a proxy request", http.StatusBadRequest)
	}
}

// serveInner handles a request decrypted inside a tunnel.
func (p *Proxy) serveInner(w http.ResponseWriter, r *http.Request) {
	p.answer(w, r, "https")
}

// answer records r and serves it from its stub, or with 502.
func (p *Proxy) answer(w http.ResponseWriter, r *http.Request, scheme string) {
	rec := p.record(r, scheme)
	p.mu.Lock()
	h := p.stubs[stubKey(scheme, r.Host, r.URL.Path)]
	p.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w}
	if h == nil {
		http.Error(sw, "netrec: no stub for "+rec.URL(), http.StatusBadGateway)
	} else {
		h.ServeHTTP(sw, r)
	}
	p.setStatus(rec, sw.status())
}

// connect opens a tunnel: it answers 200, then hands the connection,
// wrapped in TLS with a certificate for the requested host, to the inner
// server.
func (p *Proxy) connect(w http.ResponseWriter, r *http.Request) {
	rec := p.record(r, "")
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		p.setStatus(rec, http.StatusBadRequest)
		http.Error(w, "netrec: CONNECT target must be host:port", http.StatusBadRequest)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		p.setStatus(rec, http.StatusInternalServerError)
		http.Error(w, "netrec: cannot hijack connection", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		p.setStatus(rec, http.StatusInternalServerError)
		return
	}
	p.setStatus(rec, http.StatusOK)
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n")); err != nil {
		conn.Close()
		return
	}
	cfg := &tls.Config{
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := hello.ServerName
			if name == "" {
				name = host
			}
			return p.ca.leaf(name)
		},
	}
	p.tunnels.push(tls.Server(&bufferedConn{Conn: conn, r: buf.Reader}, cfg))
}

// stubKey is the lookup key of a stub or a request.
func stubKey(scheme, host, path string) string {
	if path == "" {
		path = "/"
	}
	return scheme + "://" + hostKey(host, scheme) + path
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// status returns the status sent, 200 if the handler wrote nothing.
func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// bufferedConn reads first what the HTTP server had already buffered.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }
