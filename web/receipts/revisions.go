package receipts

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	consent "github.com/civic-consent/consent"
)

// revisionsPath is the revisions log's path under the handler's.
const revisionsPath = "/revisions"

// RevisionsLog is the JSON of GET <Path>/revisions.
type RevisionsLog struct {
	Revisions []RevisionEntry `json:"revisions"`
}

// LogServed enters c in the revisions log, as served now, unless its
// revision is there already; a server of the widget calls it when it
// starts serving c's bundle.
func (h *Handler) LogServed(ctx context.Context, c *consent.Catalogue) error {
	return h.logRevision(ctx, c, SeenServed, h.cfg.Now())
}

// logRevision enters c in the revisions log unless this handler has
// already seen it there.
func (h *Handler) logRevision(ctx context.Context, c *consent.Catalogue, seenBy string, at time.Time) error {
	rev := c.Revision()
	if _, done := h.logged.Load(rev); done {
		return nil
	}
	e, err := NewRevisionEntry(c, seenBy, at)
	if err != nil {
		return err
	}
	logged, err := h.cfg.Store.LogRevision(ctx, e)
	if err != nil {
		return err
	}
	if logged.SHA256 != e.SHA256 {
		// The same revision (the same wording) archived with other bytes:
		// the log keeps the digest it published first.
		h.cfg.Log.Warn("the revisions log holds another digest for this revision", "revision", rev, "logged", logged.SHA256, "now", e.SHA256)
	}
	h.logged.Store(rev, true)
	return nil
}

// revisions answers GET <Path>/revisions: the log, public.
func (h *Handler) revisions(w http.ResponseWriter, r *http.Request) {
	log, err := h.cfg.Store.Revisions(r.Context())
	if err != nil {
		h.cfg.Log.Error("reading the revisions log failed", "err", err)
		http.Error(w, "the revisions log could not be read; try again later", http.StatusServiceUnavailable)
		return
	}
	if log == nil {
		log = []RevisionEntry{}
	}
	data, err := json.MarshalIndent(RevisionsLog{Revisions: log}, "", "  ")
	if err != nil {
		http.Error(w, "the revisions log could not be written", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(data, '\n'))
}
