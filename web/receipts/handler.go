package receipts

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is what a Handler needs.
type Config struct {
	// Store keeps the receipts; required.
	Store Store
	// Catalogues are the revisions receipts may answer; at least one.
	Catalogues Catalogues
	// Token is the bearer token of the export. Empty turns the export off:
	// there is no default token.
	Token string
	// Limiter, when set, limits the requests of each client.
	Limiter *Limiter
	// ClientKey returns the key the limiter counts a request under; nil
	// means the host of the request's RemoteAddr. It is held in memory
	// only, never stored or logged.
	ClientKey func(*http.Request) string
	// TrustedOrigins are origins ("https://example.org") allowed to post
	// besides the handler's own.
	TrustedOrigins []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives store errors; nil means slog.Default().
	Log *slog.Logger
}

// Handler receives receipts (POST) and exports them (GET) at whatever path
// it is mounted on:
//
//   - POST with a JSON receipt (see Parse) and Content-Type
//     application/json: 201 when stored, 204 when the same receipt was
//     stored already, 4xx with the reason as text otherwise. Only
//     same-origin requests are accepted: a browser's Sec-Fetch-Site or
//     Origin header, when present, must say so.
//   - GET with "Authorization: Bearer <token>" and the query parameters id
//     (a consent id), from and to (dates YYYY-MM-DD, or RFC 3339 times; both
//     inclusive) and format (json, the default, or csv): the receipts
//     selected, oldest first.
//
// Every request counts against the client's rate limit (429 with
// Retry-After when exhausted).
type Handler struct {
	cfg       Config
	tokenHash [sha256.Size]byte
	csrf      *http.CrossOriginProtection
}

// NewHandler checks cfg and returns its handler.
func NewHandler(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("receipts: handler without a store")
	}
	if len(cfg.Catalogues) == 0 {
		return nil, errors.New("receipts: handler without a catalogue")
	}
	if cfg.ClientKey == nil {
		cfg.ClientKey = remoteHost
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	h := &Handler{cfg: cfg, tokenHash: sha256.Sum256([]byte(cfg.Token)), csrf: http.NewCrossOriginProtection()}
	for _, o := range cfg.TrustedOrigins {
		if err := h.csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("receipts: trusted origin: %w", err)
		}
	}
	return h, nil
}

// ExportEnabled reports whether a token was given, so that GET exports.
func (h *Handler) ExportEnabled() bool { return h.cfg.Token != "" }

// remoteHost is the address of the client without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ServeHTTP answers a receipt or an export.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if h.cfg.Limiter != nil {
		if ok, wait := h.cfg.Limiter.Allow(h.cfg.ClientKey(r)); !ok {
			w.Header().Set("Retry-After", strconv.FormatInt(retrySeconds(wait), 10))
			http.Error(w, "too many requests: try again later", http.StatusTooManyRequests)
			return
		}
	}
	switch r.Method {
	case http.MethodPost:
		h.receive(w, r)
	case http.MethodGet:
		h.export(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method "+r.Method+" not allowed: POST a receipt or GET an export", http.StatusMethodNotAllowed)
	}
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
	stored, err := h.cfg.Store.Find(r.Context(), Filter{RecordID: rc.RecordID})
	if err != nil {
		h.cfg.Log.Error("reading a stored receipt failed", "err", err)
		http.Error(w, "the receipt could not be checked; send it again later", http.StatusServiceUnavailable)
		return
	}
	for _, s := range stored {
		if s.Key() == rc.Key() && s.Value == rc.Value {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	http.Error(w, ErrConflict.Error(), http.StatusConflict)
}

// exportParams are the query parameters of an export.
var exportParams = []string{"id", "from", "to", "format"}

func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	if !h.ExportEnabled() {
		http.Error(w, "the export is off: the service was started without a token", http.StatusNotFound)
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="consent receipts"`)
		http.Error(w, "the export needs an Authorization: Bearer <token> header", http.StatusUnauthorized)
		return
	}
	if sum := sha256.Sum256([]byte(token)); subtle.ConstantTimeCompare(sum[:], h.tokenHash[:]) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="consent receipts", error="invalid_token"`)
		http.Error(w, "wrong export token", http.StatusUnauthorized)
		return
	}
	f, format, err := parseExport(r)
	if err != nil {
		http.Error(w, "export: "+err.Error(), http.StatusBadRequest)
		return
	}
	found, err := h.cfg.Store.Find(r.Context(), f)
	if err != nil {
		h.cfg.Log.Error("export query failed", "err", err)
		http.Error(w, "the export failed; try again later", http.StatusServiceUnavailable)
		return
	}
	name := "consent-receipts." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = WriteCSV(w, found)
	} else {
		w.Header().Set("Content-Type", "application/json")
		err = WriteJSON(w, found)
	}
	if err != nil {
		h.cfg.Log.Error("writing an export failed", "err", err)
	}
}

// parseExport reads the query of an export.
func parseExport(r *http.Request) (Filter, string, error) {
	q := r.URL.Query()
	for name, vs := range q {
		if !slices.Contains(exportParams, name) {
			return Filter{}, "", fmt.Errorf("unknown parameter %.20q (known: %s)", name, strings.Join(exportParams, ", "))
		}
		if len(vs) > 1 {
			return Filter{}, "", fmt.Errorf("parameter %s given %d times", name, len(vs))
		}
	}
	var f Filter
	var err error
	if id := q.Get("id"); id != "" {
		if !isConsentID(id) {
			return Filter{}, "", fmt.Errorf("id %.20q is not a consent id (16 letters, digits, - or _)", id)
		}
		f.RecordID = id
	}
	if s := q.Get("from"); s != "" {
		if f.From, _, err = parseWhen(s); err != nil {
			return Filter{}, "", fmt.Errorf("from: %w", err)
		}
	}
	if s := q.Get("to"); s != "" {
		var span time.Duration
		if f.To, span, err = parseWhen(s); err != nil {
			return Filter{}, "", fmt.Errorf("to: %w", err)
		}
		f.To = f.To.Add(span) // inclusive: the whole day or second
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return Filter{}, "", errors.New("from is after to")
	}
	format := q.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		return Filter{}, "", fmt.Errorf("format %.20q is neither csv nor json", format)
	}
	return f, format, nil
}

// parseWhen reads a date (YYYY-MM-DD, a UTC day) or an RFC 3339 time, and
// returns its start and its span: a day or a second.
func parseWhen(s string) (time.Time, time.Duration, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, 24 * time.Hour, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Truncate(time.Second), time.Second, nil
	}
	return time.Time{}, 0, fmt.Errorf("%.40q is neither a date YYYY-MM-DD nor an RFC 3339 time", s)
}

// isConsentID reports whether id has the shape of a consent id.
func isConsentID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, b := range []byte(id) {
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// CSVHeader is the first line of a CSV export.
var CSVHeader = []string{"record_id", "action", "time", "received", "revision", "categories", "services", "value"}

// WriteCSV writes receipts as CSV: CSVHeader, then one line per receipt,
// times in RFC 3339 UTC and choices as "id:1" (allowed) or "id:0"
// (refused) separated by spaces, sorted by id.
func WriteCSV(w io.Writer, receipts []Receipt) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("receipts: write CSV: %w", err)
	}
	for _, r := range receipts {
		if err := cw.Write([]string{
			r.RecordID, string(r.Action), r.Time.UTC().Format(time.RFC3339), r.Received.UTC().Format(time.RFC3339),
			r.Revision, choices(r.Categories), choices(r.Services), r.Value,
		}); err != nil {
			return fmt.Errorf("receipts: write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("receipts: write CSV: %w", err)
	}
	return nil
}

func choices(bits map[string]bool) string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(bits)) {
		if bits[id] {
			parts = append(parts, id+":1")
		} else {
			parts = append(parts, id+":0")
		}
	}
	return strings.Join(parts, " ")
}

// WriteJSON writes receipts as a JSON array of Receipt objects, times in
// RFC 3339 UTC.
func WriteJSON(w io.Writer, receipts []Receipt) error {
	if receipts == nil {
		receipts = []Receipt{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(receipts); err != nil {
		return fmt.Errorf("receipts: write JSON: %w", err)
	}
	return nil
}
