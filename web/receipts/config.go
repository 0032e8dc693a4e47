package receipts

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	consent "github.com/civic-consent/consent"
)

// LoadCatalogues reads the catalogue files the glob patterns match, each
// validated by consent.ParseCatalogue. A file named like an archive,
// catalogue.<revision>.json, must hold that revision. A pattern that
// matches nothing is an error, so that a typo cannot leave a revision out.
func LoadCatalogues(patterns []string) (Catalogues, error) {
	cs := make(Catalogues)
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("catalogue pattern %q: %w", p, err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("catalogue pattern %q matches no file", p)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("catalogue: %w", err)
			}
			c, err := consent.ParseCatalogue(data)
			if err != nil {
				return nil, fmt.Errorf("catalogue %s: %w", f, err)
			}
			if rev, ok := consent.ArchiveRevision(filepath.Base(f)); ok && rev != c.Revision() {
				return nil, fmt.Errorf("catalogue %s: named for revision %s but holds revision %s", f, rev, c.Revision())
			}
			cs[c.Revision()] = c
		}
	}
	return cs, nil
}

// Retention is how long receipts are kept, in calendar years, months and
// days.
type Retention struct {
	Years, Months, Days int
}

var retentionPattern = regexp.MustCompile(`^([1-9][0-9]{0,3})(y|mo|d)$`)

// ParseRetention reads a retention such as "13mo", "400d" or "2y": a
// positive whole number of calendar days (d), months (mo) or years (y).
func ParseRetention(s string) (Retention, error) {
	m := retentionPattern.FindStringSubmatch(s)
	if m == nil {
		return Retention{}, fmt.Errorf("retention %q is not a number of days, months or years such as 400d, 13mo or 2y", s)
	}
	n, _ := strconv.Atoi(m[1]) // the pattern allows only small numbers
	switch m[2] {
	case "y":
		return Retention{Years: n}, nil
	case "mo":
		return Retention{Months: n}, nil
	default:
		return Retention{Days: n}, nil
	}
}

// Cutoff is the time before which receipts are deleted at now.
func (r Retention) Cutoff(now time.Time) time.Time {
	return now.AddDate(-r.Years, -r.Months, -r.Days)
}

// String returns the retention as ParseRetention reads it.
func (r Retention) String() string {
	switch {
	case r.Years > 0:
		return strconv.Itoa(r.Years) + "y"
	case r.Months > 0:
		return strconv.Itoa(r.Months) + "mo"
	default:
		return strconv.Itoa(r.Days) + "d"
	}
}

// Covers reports whether receipts kept for r outlive every choice they
// prove: a receipt must not be deleted while its record can still be in
// effect, at most maxAge after the choice.
func (r Retention) Covers(maxAge time.Duration, now time.Time) bool {
	return now.Sub(r.Cutoff(now)) >= maxAge
}
