package receipts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// The statistics page (GET <Path>/statistics) shows the DPO, per day and
// per revision over a range of days (from, to: YYYY-MM-DD, UTC, by time of
// reception; by default the last 30 days), the choices by action, the share
// of choices allowing each category and the withdrawals, as inline SVG
// charts and tables rendered on the server; format=csv gives the same
// numbers by day and revision. Every figure comes from the aggregate
// queries of Store.Stats. It needs the export token: as a bearer header,
// or signed in through the page's form (POST, action=signin), which sets a
// session cookie for an hour; action=signout ends it.
const statisticsPath = "/statistics"

// Ranges of the statistics, in days.
const (
	defaultStatsDays = 30
	maxStatsDays     = 400 // the default retention of 13 months, and a little more
)

//go:embed statistics/statistics.html statistics/statistics.css
var statsFiles embed.FS

// statsPage is the parsed page and the CSP that allows its one style.
type statsPage struct {
	tmpl *template.Template
	css  template.CSS
	csp  string
}

var loadStatsPage = sync.OnceValues(func() (*statsPage, error) {
	css, err := statsFiles.ReadFile("statistics/statistics.css")
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("statistics.html").Funcs(template.FuncMap{
		"day":    dayLabel,
		"isoDay": func(d time.Time) string { return d.Format(time.DateOnly) },
	}).ParseFS(statsFiles, "statistics/statistics.html")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	return &statsPage{
		tmpl: tmpl,
		css:  template.CSS(css),
		// No script at all; the one style is the page's own, by hash.
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	}, nil
})

// statsData is what the template shows.
type statsData struct {
	CSS      template.CSS
	SignIn   bool
	Error    string
	From, To string
	CSVURL   string
	View     *statsView
	Charts   []*chart
	Actions  []actionColumn
}

type actionColumn struct{ ID, Label string }

func actionColumns() []actionColumn {
	cols := make([]actionColumn, len(Actions))
	for i, a := range Actions {
		cols[i] = actionColumn{string(a), actionLabels[a]}
	}
	return cols
}

// statistics answers <Path>/statistics.
func (h *Handler) statistics(w http.ResponseWriter, r *http.Request, client string) {
	if !h.auth.on {
		http.Error(w, "the statistics are off: the service was started without a token", http.StatusNotFound)
		return
	}
	path := h.base + statisticsPath
	switch r.Method {
	case http.MethodGet:
		if r.Header.Get("Authorization") != "" {
			if !h.auth.bearer(w, r, client) {
				return
			}
		} else if !h.auth.session(r, h.cfg.Now(), path) {
			if r.URL.Query().Get("format") == "csv" {
				http.Error(w, "the statistics need the export token: sign in on the page, or send Authorization: Bearer <token>", http.StatusUnauthorized)
				return
			}
			h.renderStats(w, http.StatusUnauthorized, statsData{SignIn: true})
			return
		}
		h.showStats(w, r)
	case http.MethodPost:
		h.signInOrOut(w, r, client, path)
	default:
		notAllowed(w, r, "GET, POST", "GET the statistics, POST the sign-in form")
	}
}

// signInOrOut answers the page's forms.
func (h *Handler) signInOrOut(w http.ResponseWriter, r *http.Request, client, path string) {
	if err := h.csrf.Check(r); err != nil {
		http.Error(w, "the statistics' forms are accepted from the page itself only: "+err.Error(), http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read: "+err.Error(), http.StatusBadRequest)
		return
	}
	back := path
	if r.URL.RawQuery != "" {
		back += "?" + r.URL.RawQuery
	}
	switch r.PostForm.Get("action") {
	case "signin":
		if wait := h.auth.guesses.Wait(client); wait > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(retrySeconds(wait), 10))
			h.renderStats(w, http.StatusTooManyRequests, statsData{SignIn: true, Error: "Trop de jetons erronés : réessayez dans une minute."})
			return
		}
		if err := h.auth.check(r.PostForm.Get("token"), client); err != nil {
			h.renderStats(w, http.StatusUnauthorized, statsData{SignIn: true, Error: "Ce jeton n'est pas le bon."})
			return
		}
		http.SetCookie(w, h.auth.newSession(h.cfg.Now(), path, secureCookie(r)))
	case "signout":
		http.SetCookie(w, endSession(path, secureCookie(r)))
	default:
		http.Error(w, "unknown form action: want signin or signout", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// statsRange reads the statistics' query: from, to and format.
func (h *Handler) statsRange(q url.Values) (from, to time.Time, format string, err error) {
	for name, vs := range q {
		if !slices.Contains([]string{"from", "to", "format"}, name) {
			return from, to, "", fmt.Errorf("unknown parameter %.20q (known: from, to, format)", name)
		}
		if len(vs) > 1 {
			return from, to, "", fmt.Errorf("parameter %s given %d times", name, len(vs))
		}
	}
	to = h.cfg.Now().UTC().Truncate(24 * time.Hour)
	if s := q.Get("to"); s != "" {
		if to, err = time.Parse(time.DateOnly, s); err != nil {
			return from, to, "", fmt.Errorf("to: %.20q is not a date YYYY-MM-DD", s)
		}
	}
	from = to.AddDate(0, 0, 1-defaultStatsDays)
	if s := q.Get("from"); s != "" {
		if from, err = time.Parse(time.DateOnly, s); err != nil {
			return from, to, "", fmt.Errorf("from: %.20q is not a date YYYY-MM-DD", s)
		}
	}
	switch days := int(to.Sub(from)/(24*time.Hour)) + 1; {
	case days < 1:
		return from, to, "", fmt.Errorf("from is after to")
	case days > maxStatsDays:
		return from, to, "", fmt.Errorf("%d days: the statistics show %d at most", days, maxStatsDays)
	}
	switch format = q.Get("format"); format {
	case "", "html", "csv":
	default:
		return from, to, "", fmt.Errorf("format %.20q is neither html nor csv", format)
	}
	return from, to, format, nil
}

// showStats answers the page or its CSV.
func (h *Handler) showStats(w http.ResponseWriter, r *http.Request) {
	from, to, format, err := h.statsRange(r.URL.Query())
	if err != nil {
		http.Error(w, "statistics: "+err.Error(), http.StatusBadRequest)
		return
	}
	st, err := h.cfg.Store.Stats(r.Context(), Filter{From: from, To: to.AddDate(0, 0, 1)})
	var log []RevisionEntry
	if err == nil {
		log, err = h.cfg.Store.Revisions(r.Context())
	}
	if err != nil {
		h.cfg.Log.Error("statistics query failed", "err", err)
		http.Error(w, "the statistics could not be read; try again later", http.StatusServiceUnavailable)
		return
	}
	view := newStatsView(st, from, to, log, h.cfg.Catalogues)
	if format == "csv" {
		h.statsCSV(w, view)
		return
	}
	q := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.Format(time.DateOnly)}}
	data := statsData{From: q.Get("from"), To: q.Get("to"), View: &view, Actions: actionColumns(),
		CSVURL: h.base + statisticsPath + "?" + q.Encode() + "&format=csv"}
	if view.Total.Choices > 0 {
		data.Charts = []*chart{choicesChart(view.Days), sharesChart(view.Days, view.Categories), withdrawalsChart(view.Days)}
	}
	h.renderStats(w, http.StatusOK, data)
}

// renderStats writes the page, whole or not at all.
func (h *Handler) renderStats(w http.ResponseWriter, status int, data statsData) {
	page, err := loadStatsPage()
	if err == nil {
		data.CSS = page.css
		var out bytes.Buffer
		if err = page.tmpl.Execute(&out, data); err == nil {
			w.Header().Set("Content-Security-Policy", page.csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Referrer-Policy", "no-referrer")
			w.WriteHeader(status)
			w.Write(out.Bytes())
			return
		}
	}
	h.cfg.Log.Error("rendering the statistics failed", "err", err)
	http.Error(w, "the statistics page could not be rendered", http.StatusInternalServerError)
}

// statsCSV writes the view's counts, a line per day and revision with
// receipts: the actions, then the receipts allowing each category (empty
// where the revision does not have it).
func (h *Handler) statsCSV(w http.ResponseWriter, v statsView) {
	header := []string{"day", "revision", "choices"}
	for _, a := range Actions {
		header = append(header, string(a))
	}
	for _, c := range v.Categories {
		header = append(header, "allowing:"+c.ID)
	}
	lines := [][]string{header}
	for _, c := range v.byDayRevision {
		line := []string{c.Day.Format(time.DateOnly), c.Revision, strconv.FormatInt(c.Choices, 10)}
		for _, n := range c.ByAction {
			line = append(line, strconv.FormatInt(n, 10))
		}
		for i, s := range c.Allowing {
			cell := ""
			if c.has[i] {
				cell = strconv.FormatInt(s.Count, 10)
			}
			line = append(line, cell)
		}
		lines = append(lines, line)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="consent-statistics-`+v.From.Format(time.DateOnly)+`-`+v.To.Format(time.DateOnly)+`.csv"`)
	if err := csv.NewWriter(w).WriteAll(lines); err != nil {
		h.cfg.Log.Warn("writing the statistics' CSV stopped", "err", err)
	}
}
