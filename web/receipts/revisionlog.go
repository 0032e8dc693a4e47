package receipts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	consent "github.com/civic-consent/consent"
)

// How a revision came to the log's notice.
const (
	// SeenServed: a server of the widget (serve.go) served the bundle of
	// that revision.
	SeenServed = "served"
	// SeenReceived: the first receipt answering that revision came.
	SeenReceived = "received"
)

// RevisionEntry is one entry of the revisions log: a catalogue revision,
// the SHA-256 of its archive, and when it was first served or received.
// The log is public: it says what visitors were shown and from when, and
// nothing about any visitor.
type RevisionEntry struct {
	Revision string `json:"revision"`
	// Archive is the archive's file name, consent.ArchiveName(Revision).
	Archive string `json:"archive"`
	// SHA256 is the hex SHA-256 of the archive's bytes (what the build
	// writes as Archive): sha256sum of the published file gives it.
	SHA256    string    `json:"sha256"`
	FirstSeen time.Time `json:"firstSeen"`
	// SeenBy is SeenServed or SeenReceived.
	SeenBy string `json:"seenBy"`
}

// NewRevisionEntry is the entry of c first seen at t, by seenBy.
func NewRevisionEntry(c *consent.Catalogue, seenBy string, t time.Time) (RevisionEntry, error) {
	name, data, err := c.Archive()
	if err != nil {
		return RevisionEntry{}, fmt.Errorf("receipts: revisions log: %w", err)
	}
	sum := sha256.Sum256(data)
	return RevisionEntry{
		Revision: c.Revision(), Archive: name, SHA256: hex.EncodeToString(sum[:]),
		FirstSeen: time.Unix(t.Unix(), 0).UTC(), SeenBy: seenBy,
	}, nil
}

// revisionsSchema is the log's table, the same in both stores.
const revisionsSchema = `
CREATE TABLE IF NOT EXISTS consent_revisions (
	revision   TEXT PRIMARY KEY,
	sha256     TEXT NOT NULL,
	first_seen BIGINT NOT NULL,
	seen_by    TEXT NOT NULL
);`

// Queries of the log; the first writer of a revision wins, so the log
// never changes once published.
const (
	logRevisionSQL = "INSERT INTO consent_revisions (revision, sha256, first_seen, seen_by) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
	getRevisionSQL = "SELECT revision, sha256, first_seen, seen_by FROM consent_revisions WHERE revision = %s"
	revisionsSQL   = "SELECT revision, sha256, first_seen, seen_by FROM consent_revisions ORDER BY first_seen, revision"
)

// scanRevisions reads rows of the log's queries.
func scanRevisions(rs scanner) ([]RevisionEntry, error) {
	var log []RevisionEntry
	for rs.Next() {
		var e RevisionEntry
		var sec int64
		if err := rs.Scan(&e.Revision, &e.SHA256, &sec, &e.SeenBy); err != nil {
			return nil, err
		}
		e.Archive, e.FirstSeen = consent.ArchiveName(e.Revision), time.Unix(sec, 0).UTC()
		log = append(log, e)
	}
	return log, rs.Err()
}
