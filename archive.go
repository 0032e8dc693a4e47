package consent

import (
	"fmt"
	"strings"
)

// ArchiveName is the file name of the archived catalogue of a revision:
// catalogue.<revision>.json.
func ArchiveName(revision string) string {
	return "catalogue." + revision + ".json"
}

// ArchiveRevision returns the revision an archive's file name names, and
// whether name is one: ArchiveName's inverse.
func ArchiveRevision(name string) (string, bool) {
	rev, ok := strings.CutPrefix(name, "catalogue.")
	rev, json := strings.CutSuffix(rev, ".json")
	return rev, ok && json && isRevision(rev)
}

// isRevision reports whether s has the shape of a revision: 12 lowercase
// hex digits (see Catalogue.Revision).
func isRevision(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789abcdef") == ""
}

// Archive returns the archive file of the catalogue: its name,
// ArchiveName(c.Revision()), and its content, the canonical JSON of the
// whole catalogue, texts included (Catalogue.JSON). A bundle ships it so
// that the revision in a consent record always leads to the wording the
// visitor was shown; ParseCatalogue reads it back.
//
// The revision covers every visitor-facing text, so a new wording gets a new
// name and an archive is never overwritten by other words; two catalogues
// of one revision differ only in what the visitor is not shown (display
// order, placeholders, scripts, the receipts path).
func (c *Catalogue) Archive() (name string, data []byte, err error) {
	data, err = c.JSON()
	if err != nil {
		return "", nil, fmt.Errorf("archive of catalogue revision %s: %w", c.Revision(), err)
	}
	return ArchiveName(c.Revision()), data, nil
}
