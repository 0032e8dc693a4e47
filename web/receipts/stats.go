package receipts

import "time"

// Stats are the counts behind the statistics page, by UTC day of
// reception: aggregates only, never a receipt.
type Stats struct {
	// Choices counts the receipts by day, revision and action.
	Choices []ChoiceCount
	// Allowing counts, by day, revision and optional category, the
	// receipts whose record allows the category.
	Allowing []AllowCount
}

// ChoiceCount is how many receipts of a revision, received on a day, name
// an action.
type ChoiceCount struct {
	Day      time.Time
	Revision string
	Action   Action
	Count    int64
}

// AllowCount is how many receipts of a revision, received on a day, allow
// a category.
type AllowCount struct {
	Day      time.Time
	Revision string
	Category string
	Count    int64
}

// day is the UTC day that starts at unix second sec.
func day(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// statsChoicesQuery counts receipts by day of reception, revision and
// action; where is Filter.where's clause.
func statsChoicesQuery(where string) string {
	return "SELECT received - received % 86400, revision, action, COUNT(*) FROM consent_receipts" + where +
		" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
}

// countRows reads the rows of a stats query: a day, two strings and a count.
func countRows(rs scanner, add func(day time.Time, a, b string, n int64)) error {
	for rs.Next() {
		var (
			sec  int64
			a, b string
			n    int64
		)
		if err := rs.Scan(&sec, &a, &b, &n); err != nil {
			return err
		}
		add(day(sec), a, b, n)
	}
	return rs.Err()
}

// appendChoice and appendAllowing collect the rows of countRows.
func (s *Stats) appendChoice(d time.Time, revision, action string, n int64) {
	s.Choices = append(s.Choices, ChoiceCount{d, revision, Action(action), n})
}

func (s *Stats) appendAllowing(d time.Time, revision, category string, n int64) {
	s.Allowing = append(s.Allowing, AllowCount{d, revision, category, n})
}
