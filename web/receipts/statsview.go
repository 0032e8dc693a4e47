package receipts

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	consent "github.com/civic-consent/consent"
)

// actionLabels name the actions on the statistics page, in French like
// the widget's sites.
var actionLabels = map[Action]string{
	ActionAcceptAll:  "Tout accepter",
	ActionRefuseAll:  "Tout refuser",
	ActionCustom:     "Choix personnalisé",
	ActionWithdrawal: "Retrait",
	ActionGPC:        "Refus par GPC",
}

// share is how many of a set of receipts allow a category.
type share struct {
	Count, Of int64
}

// Percent is the share in French notation ("66,7 %"), or "–" when there
// is nothing to share.
func (s share) Percent() string {
	if s.Of == 0 {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(float64(s.Count)*100/float64(s.Of), 'f', 1, 64), ".", ",", 1) + " %"
}

// ratio is the share as a fraction, 0 when there is nothing to share.
func (s share) ratio() float64 {
	if s.Of == 0 {
		return 0
	}
	return float64(s.Count) / float64(s.Of)
}

// tally is the counts of a set of receipts: by action, and allowing each
// category of the view.
type tally struct {
	Choices  int64
	ByAction []int64 // in the order of Actions
	Allowing []share // in the order of statsView.Categories
}

func (t tally) count(a Action) int64 { return t.ByAction[slices.Index(Actions, a)] }

// Withdrawals is how many receipts are withdrawals.
func (t tally) Withdrawals() int64 { return t.count(ActionWithdrawal) }

// dayRow is a day of the view.
type dayRow struct {
	tally
	Day   time.Time
	Cells []cell
}

// revisionRow is a revision of the view.
type revisionRow struct {
	tally
	Revision  string
	FirstSeen time.Time // zero when the log does not hold it
	Cells     []cell
}

// cell is a figure of a table row: its column (choices, an action, or
// allow:<category>), its text, and for a share, its count and total.
type cell struct {
	Col, Text string
	Share     *share
}

// cells are the figures of a row of t, in the order of the tables' columns.
func (v *statsView) cells(t tally) []cell {
	cells := []cell{{Col: "choices", Text: strconv.FormatInt(t.Choices, 10)}}
	for i, a := range Actions {
		cells = append(cells, cell{Col: string(a), Text: strconv.FormatInt(t.ByAction[i], 10)})
	}
	for i, c := range v.Categories {
		cells = append(cells, cell{Col: "allow:" + c.ID, Text: t.Allowing[i].Percent(), Share: &t.Allowing[i]})
	}
	return cells
}

// category is a column of the view: an optional category of some revision.
type category struct {
	ID, Title string
}

// statsView is what the statistics page and its CSV show: every day of the
// range, every revision with receipts in it, by action and by category.
type statsView struct {
	From, To   time.Time // To is the last day, inclusive
	Categories []category
	Days       []dayRow
	Revisions  []revisionRow
	Total      tally
	// byDayRevision are the counts by day and revision, for the CSV.
	byDayRevision []cellRow
}

// cellRow is a day and revision with receipts.
type cellRow struct {
	tally
	Day      time.Time
	Revision string
	has      []bool // whether the revision has each category
}

// newStatsView lays out the counts of st over the days from..to (both
// UTC midnights, to inclusive), the categories titled from the catalogues
// the service has.
func newStatsView(st Stats, from, to time.Time, log []RevisionEntry, cs Catalogues) statsView {
	v := statsView{From: from, To: to}
	titles := map[string]string{}
	for _, a := range st.Allowing {
		if _, ok := titles[a.Category]; !ok {
			titles[a.Category] = a.Category
		}
		if c, ok := cs[a.Revision]; ok {
			if cat, ok := c.Category(a.Category); ok {
				titles[a.Category] = cat.Title.In(consent.DefaultLanguage)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(titles)) {
		v.Categories = append(v.Categories, category{id, titles[id]})
	}
	col := func(id string) int {
		return slices.IndexFunc(v.Categories, func(c category) bool { return c.ID == id })
	}
	newTally := func() tally {
		return tally{ByAction: make([]int64, len(Actions)), Allowing: make([]share, len(v.Categories))}
	}

	type key struct {
		day time.Time
		rev string
	}
	cells := map[key]*cellRow{}
	cell := func(d time.Time, rev string) *cellRow {
		c, ok := cells[key{d, rev}]
		if !ok {
			c = &cellRow{tally: newTally(), Day: d, Revision: rev, has: make([]bool, len(v.Categories))}
			cells[key{d, rev}] = c
		}
		return c
	}
	for _, c := range st.Choices {
		cl := cell(c.Day, c.Revision)
		cl.Choices += c.Count
		if i := slices.Index(Actions, c.Action); i >= 0 {
			cl.ByAction[i] += c.Count
		}
	}
	for _, a := range st.Allowing {
		cl := cell(a.Day, a.Revision)
		i := col(a.Category)
		cl.has[i] = true
		cl.Allowing[i].Count += a.Count
	}
	for _, cl := range cells {
		for i, has := range cl.has {
			if has {
				cl.Allowing[i].Of = cl.Choices
			}
		}
	}

	days := map[time.Time]*dayRow{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		v.Days = append(v.Days, dayRow{tally: newTally(), Day: d})
	}
	for i := range v.Days {
		days[v.Days[i].Day] = &v.Days[i]
	}
	revs := map[string]*revisionRow{}
	v.Total = newTally()
	for _, k := range slices.SortedFunc(maps.Keys(cells), func(a, b key) int {
		if c := a.day.Compare(b.day); c != 0 {
			return c
		}
		return strings.Compare(a.rev, b.rev)
	}) {
		cl := cells[k]
		v.byDayRevision = append(v.byDayRevision, *cl)
		r, ok := revs[k.rev]
		if !ok {
			r = &revisionRow{tally: newTally(), Revision: k.rev}
			revs[k.rev] = r
		}
		targets := []*tally{&r.tally, &v.Total}
		if d, ok := days[k.day]; ok {
			targets = append(targets, &d.tally)
		}
		for _, t := range targets {
			t.add(cl.tally)
		}
	}
	firstSeen := map[string]time.Time{}
	for _, e := range log {
		firstSeen[e.Revision] = e.FirstSeen
	}
	for _, rev := range slices.Sorted(maps.Keys(revs)) {
		r := revs[rev]
		r.FirstSeen, r.Cells = firstSeen[rev], v.cells(r.tally)
		v.Revisions = append(v.Revisions, *r)
	}
	for i := range v.Days {
		v.Days[i].Cells = v.cells(v.Days[i].tally)
	}
	// The revision that went live first comes first; those the log does
	// not date come last.
	slices.SortStableFunc(v.Revisions, func(a, b revisionRow) int {
		switch {
		case a.FirstSeen.IsZero() != b.FirstSeen.IsZero():
			if a.FirstSeen.IsZero() {
				return 1
			}
			return -1
		default:
			return a.FirstSeen.Compare(b.FirstSeen)
		}
	})
	return v
}

// add adds the counts of o.
func (t *tally) add(o tally) {
	t.Choices += o.Choices
	for i, n := range o.ByAction {
		t.ByAction[i] += n
	}
	for i, s := range o.Allowing {
		t.Allowing[i].Count += s.Count
		t.Allowing[i].Of += s.Of
	}
}
