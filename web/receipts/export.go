package receipts

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	consent "github.com/civic-consent/consent"
)

// The export (GET Path with the export token) takes the query parameters:
//
//   - id: a consent id, to select its receipts;
//   - from, to: dates YYYY-MM-DD (UTC days) or RFC 3339 times, both
//     inclusive, selecting receipts by the time the service received them;
//   - format: json (the default), csv or 27560 (ISO/IEC TS 27560 consent
//     records in JSON-LD, see export27560.go).
//
// The receipts are written as the store yields them, oldest first: memory
// stays the same whatever the range. A failure before anything was sent is
// a 503; after, the connection is cut, so that a client never takes a
// truncated export for a whole one.
var exportParams = []string{"id", "from", "to", "format"}

// exportFormat is a format of the export: its file extension, content type
// and writer.
type exportFormat struct {
	ext, contentType string
	write            func(h *Handler, ctx context.Context, w io.Writer, receipts iter.Seq2[Receipt, error]) error
}

var exportFormats = map[string]exportFormat{
	"json": {"json", "application/json", func(_ *Handler, _ context.Context, w io.Writer, rs iter.Seq2[Receipt, error]) error {
		return WriteJSON(w, rs)
	}},
	"csv": {"csv", "text/csv; charset=utf-8", func(_ *Handler, _ context.Context, w io.Writer, rs iter.Seq2[Receipt, error]) error {
		return WriteCSV(w, rs)
	}},
	"27560": {"jsonld", "application/ld+json", (*Handler).write27560},
}

func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	f, format, err := parseExport(r)
	if err != nil {
		http.Error(w, "export: "+err.Error(), http.StatusBadRequest)
		return
	}
	out := exportFormats[format]
	// The wording each receipt answers is dated in the revisions log.
	w.Header().Set("Link", "<"+h.base+revisionsPath+`>; rel="describedby"`)
	w.Header().Set("Content-Disposition", `attachment; filename="consent-receipts.`+out.ext+`"`)
	w.Header().Set("Content-Type", out.contentType)
	sent := &countingWriter{w: w}
	buf := bufio.NewWriterSize(sent, 64<<10)
	err = out.write(h, r.Context(), buf, h.cfg.Store.Find(r.Context(), f))
	if err == nil {
		err = buf.Flush()
	}
	var read *readError
	switch {
	case err == nil:
	case !errors.As(err, &read):
		// Writing failed: the client went away.
		h.cfg.Log.Warn("writing an export stopped", "err", err)
	case sent.n == 0:
		h.cfg.Log.Error("export query failed", "err", err)
		w.Header().Del("Content-Disposition")
		http.Error(w, "the export failed; try again later", http.StatusServiceUnavailable)
	default:
		h.cfg.Log.Error("export failed after it started; cutting the connection", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// readError is a failure to read the receipts, as opposed to one to write
// them out.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// countingWriter counts the bytes that reached the client.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
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
	f, err := parseRange(q.Get("from"), q.Get("to"))
	if err != nil {
		return Filter{}, "", err
	}
	if id := q.Get("id"); id != "" {
		if !consent.IsConsentID(id) {
			return Filter{}, "", fmt.Errorf("id %.20q is not a consent id (16 letters, digits, - or _)", id)
		}
		f.RecordID = id
	}
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if _, ok := exportFormats[format]; !ok {
		return Filter{}, "", fmt.Errorf("format %.20q is not one of %s", format, strings.Join(slices.Sorted(maps.Keys(exportFormats)), ", "))
	}
	return f, format, nil
}

// parseRange reads from and to, each empty or a date or time (parseWhen),
// to inclusive.
func parseRange(from, to string) (Filter, error) {
	var f Filter
	var err error
	if from != "" {
		if f.From, _, err = parseWhen(from); err != nil {
			return Filter{}, fmt.Errorf("from: %w", err)
		}
	}
	if to != "" {
		var span time.Duration
		if f.To, span, err = parseWhen(to); err != nil {
			return Filter{}, fmt.Errorf("to: %w", err)
		}
		f.To = f.To.Add(span) // inclusive: the whole day or second
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return Filter{}, errors.New("from is after to")
	}
	return f, nil
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

// CSVHeader is the first line of a CSV export.
var CSVHeader = []string{"record_id", "action", "time", "received", "revision", "categories", "services", "value"}

// WriteCSV writes receipts as CSV, as they come: CSVHeader, then one line
// per receipt, times in RFC 3339 UTC and choices as "id:1" (allowed) or
// "id:0" (refused) separated by spaces, sorted by id. A failure to read
// them is a *readError.
func WriteCSV(w io.Writer, receipts iter.Seq2[Receipt, error]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("receipts: write CSV: %w", err)
	}
	for r, err := range receipts {
		if err != nil {
			return &readError{err}
		}
		rec := r.Record
		if err := cw.Write([]string{
			rec.ID, string(r.Action), rec.Time.UTC().Format(time.RFC3339), r.Received.UTC().Format(time.RFC3339),
			rec.Revision, choices(rec.Categories), choices(rec.Services), rec.Encode(),
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

// WriteJSON writes receipts as a JSON array of receipts (Receipt's
// MarshalJSON), one after the other as they come, times in RFC 3339 UTC. A
// failure to read them is a *readError.
func WriteJSON(w io.Writer, receipts iter.Seq2[Receipt, error]) error {
	sep := "[\n  "
	for r, err := range receipts {
		if err != nil {
			return &readError{err}
		}
		item, err := json.MarshalIndent(r, "  ", "  ")
		if err != nil {
			return fmt.Errorf("receipts: write JSON: %w", err)
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return fmt.Errorf("receipts: write JSON: %w", err)
		}
		if _, err := w.Write(item); err != nil {
			return fmt.Errorf("receipts: write JSON: %w", err)
		}
		sep = ",\n  "
	}
	end := "\n]\n"
	if sep == "[\n  " {
		end = "[]\n"
	}
	if _, err := io.WriteString(w, end); err != nil {
		return fmt.Errorf("receipts: write JSON: %w", err)
	}
	return nil
}
