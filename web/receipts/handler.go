package receipts

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is what a Handler needs.
type Config struct {
	// Store keeps the receipts; required.
	Store Store
	// Catalogues are the revisions receipts may answer; at least one.
	Catalogues Catalogues
	// Path is the URL path the handler answers at, as the site routes it
	// (the catalogue's site.receipts, e.g. /consent/receipts); the
	// revisions log and the statistics are under it. "" means "/".
	Path string
	// Token is the bearer token of the DPO's export and statistics, at
	// least MinTokenLength characters. Empty turns them off: there is no
	// default token.
	Token string
	// Limiter, when set, limits the requests of each visitor: receipts
	// and the revisions log. The DPO's requests are never counted there.
	Limiter *Limiter
	// Proxies, when set, says which reverse proxies are trusted to name
	// the client of a request, and how; without it the client is the
	// address the connection comes from.
	Proxies *TrustedProxies
	// ArchiveURL is where the site serves the archived catalogues
	// (catalogue.<revision>.json, next to consent.js), a path or URL
	// ending with a slash, for the notices of ISO/IEC TS 27560 records.
	// "" means "/consent/", where the bundle is usually served.
	ArchiveURL string
	// TrustedOrigins are origins ("https://example.org") allowed to post
	// besides the handler's own.
	TrustedOrigins []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives store errors; nil means slog.Default().
	Log *slog.Logger
}

// Handler is the receipts service, at Config.Path:
//
//   - POST Path with a JSON receipt (consent.ParseReceipt) and
//     Content-Type application/json: 201 when stored, 204 when the same
//     receipt was stored already, 4xx with the reason as text otherwise.
//     Only same-origin requests are accepted: a browser's Sec-Fetch-Site or
//     Origin header, when present, must say so.
//   - GET Path with the export token: the receipts selected, oldest first,
//     streamed as they are read (see the export's parameters in export.go).
//   - GET Path/revisions, public: the revisions log (RevisionsLog), each
//     catalogue revision with the digest of its archive and when it was
//     first served (LogServed) or its first receipt received.
//   - GET Path/statistics with the export token or a session: the
//     consent statistics for the DPO (see statspage.go); POST, its sign-in
//     and sign-out forms.
//
// Visitors' requests count against their rate limit (429 with Retry-After
// when exhausted); the DPO's count against the limit on token guesses.
type Handler struct {
	cfg  Config
	base string // Path without its final slash
	csrf *http.CrossOriginProtection
	auth *auth
	// logged holds the revisions known to be in the log.
	logged sync.Map
}

// NewHandler checks cfg and returns its handler.
func NewHandler(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("receipts: handler without a store")
	}
	if len(cfg.Catalogues) == 0 {
		return nil, errors.New("receipts: handler without a catalogue")
	}
	for rev, c := range cfg.Catalogues {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("receipts: catalogue %s: %w", rev, err)
		}
	}
	if cfg.Path == "" {
		cfg.Path = "/"
	}
	if !strings.HasPrefix(cfg.Path, "/") || strings.ContainsAny(cfg.Path, "?#") || (cfg.Path != "/" && strings.HasSuffix(cfg.Path, "/")) {
		return nil, fmt.Errorf("receipts: path %q: want a URL path starting with / and not ending with one, without ? or #", cfg.Path)
	}
	if cfg.ArchiveURL == "" {
		cfg.ArchiveURL = "/consent/"
	}
	if !strings.HasSuffix(cfg.ArchiveURL, "/") {
		return nil, fmt.Errorf("receipts: archive URL %q: want a path or URL ending with /", cfg.ArchiveURL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	a, err := newAuth(cfg.Token, cfg.Now)
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, base: strings.TrimSuffix(cfg.Path, "/"), csrf: http.NewCrossOriginProtection(), auth: a}
	for _, o := range cfg.TrustedOrigins {
		if err := h.csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("receipts: trusted origin: %w", err)
		}
	}
	return h, nil
}

// ExportEnabled reports whether a token was given, so that GET exports.
func (h *Handler) ExportEnabled() bool { return h.cfg.Token != "" }

// ServeHTTP routes a request to the receipts, the export, the revisions log
// or the statistics.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	client := h.cfg.Proxies.ClientKey(r)
	switch {
	case r.URL.Path == h.cfg.Path && r.Method == http.MethodPost:
		if h.limited(w, client) {
			return
		}
		h.receive(w, r)
	case r.URL.Path == h.cfg.Path && r.Method == http.MethodGet:
		if !h.auth.bearer(w, r, client) {
			return
		}
		h.export(w, r)
	case r.URL.Path == h.cfg.Path:
		notAllowed(w, r, "GET, POST", "POST a receipt or GET an export")
	case r.URL.Path == h.base+revisionsPath && r.Method == http.MethodGet:
		if h.limited(w, client) {
			return
		}
		h.revisions(w, r)
	case r.URL.Path == h.base+revisionsPath:
		notAllowed(w, r, "GET", "GET the revisions log")
	case r.URL.Path == h.base+statisticsPath:
		h.statistics(w, r, client)
	default:
		http.Error(w, "no such resource: the receipts service answers "+h.cfg.Path, http.StatusNotFound)
	}
}

func notAllowed(w http.ResponseWriter, r *http.Request, allow, what string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method "+r.Method+" not allowed: "+what, http.StatusMethodNotAllowed)
}

// limited answers 429 when the visitor has no request left.
func (h *Handler) limited(w http.ResponseWriter, client string) bool {
	if h.cfg.Limiter == nil {
		return false
	}
	ok, wait := h.cfg.Limiter.Allow(client)
	if !ok {
		tooMany(w, wait, "too many requests: try again later")
	}
	return !ok
}

func tooMany(w http.ResponseWriter, wait time.Duration, msg string) {
	w.Header().Set("Retry-After", strconv.FormatInt(retrySeconds(wait), 10))
	http.Error(w, msg, http.StatusTooManyRequests)
}

// retrySeconds rounds a wait up to whole seconds, at least one.
func retrySeconds(d time.Duration) int64 {
	return max(1, int64(math.Ceil(min(d.Seconds(), 365*24*3600))))
}

func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	if err := h.csrf.Check(r); err != nil {
		http.Error(w, "receipts are accepted from the site's own pages only: "+err.Error(), http.StatusForbidden)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		http.Error(w, "a receipt is sent as Content-Type application/json", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			http.Error(w, fmt.Sprintf("receipt: body larger than %d bytes", MaxBodyBytes), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "receipt: reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	rc, err := Parse(body, h.cfg.Catalogues, h.cfg.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// Every receipt stored answers a revision of the log.
	if err := h.logRevision(r.Context(), h.cfg.Catalogues[rc.Record.Revision], SeenReceived, rc.Received); err != nil {
		h.cfg.Log.Error("logging a revision failed", "err", err)
		http.Error(w, "the receipt could not be stored; send it again later", http.StatusServiceUnavailable)
		return
	}
	added, err := h.cfg.Store.Add(r.Context(), rc)
	if err != nil {
		h.cfg.Log.Error("storing a receipt failed", "err", err)
		http.Error(w, "the receipt could not be stored; send it again later", http.StatusServiceUnavailable)
		return
	}
	if added {
		w.WriteHeader(http.StatusCreated)
		return
	}
	// A retry is acknowledged again; a different receipt under the same
	// key is not, and the first one stays.
	for s, err := range h.cfg.Store.Find(r.Context(), Filter{RecordID: rc.Record.ID}) {
		if err != nil {
			h.cfg.Log.Error("reading a stored receipt failed", "err", err)
			http.Error(w, "the receipt could not be checked; send it again later", http.StatusServiceUnavailable)
			return
		}
		if s.Key() == rc.Key() && s.Record.Encode() == rc.Record.Encode() {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	http.Error(w, ErrConflict.Error(), http.StatusConflict)
}
