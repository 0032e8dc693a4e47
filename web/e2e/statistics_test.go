package e2e

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/web/receipts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The DPO's statistics page, as the preview server serves it over a known
// set of receipts: signed in through its form, its figures are those the
// database counts.

// statsFrom and statsTo are the range the test shows: the seeded receipts
// fall on some of its days.
var (
	statsFrom = time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)
	statsTo   = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
)

// seedStatistics stores receipts of the seed catalogue, received on several
// days of the range with every action, in the SQLite file of dir that
// serve.go -receipts dir uses.
func seedStatistics(t *testing.T, dir string) {
	store, err := receipts.OpenSQLite(filepath.Join(dir, "receipts.db"))
	require.NoError(t, err)
	defer store.Close()
	c := consent.Seed()
	n := 0
	add := func(day int, hour int, a consent.Action) {
		received := statsFrom.AddDate(0, 0, day).Add(time.Duration(hour) * time.Hour)
		rec := consent.RefuseAll(c, received.Add(-time.Minute), fmt.Sprintf("stats%011d", n))
		if a == consent.ActionAcceptAll {
			rec = consent.AcceptAll(c, received.Add(-time.Minute), rec.ID)
		}
		n++
		_, err := store.Add(t.Context(), receipts.Receipt{Receipt: consent.Receipt{Record: rec, Action: a}, Received: received})
		require.NoError(t, err)
	}
	for day, actions := range map[int][]consent.Action{
		1: {consent.ActionAcceptAll, consent.ActionAcceptAll, consent.ActionAcceptAll, consent.ActionRefuseAll},
		2: {consent.ActionAcceptAll, consent.ActionRefuseAll, consent.ActionGPC},
		4: {consent.ActionAcceptAll, consent.ActionWithdrawal, consent.ActionWithdrawal, consent.ActionRefuseAll, consent.ActionAcceptAll},
		5: {consent.ActionGPC},
	} {
		for i, a := range actions {
			add(day, 8+i, a)
		}
	}
	add(9, 8, consent.ActionAcceptAll) // after the range
}

// dbFigures counts, with SQL of the test's own on the service's database,
// what the page must show: by day, the receipts of each action and those
// allowing the contact category.
func dbFigures(t *testing.T, dir string) map[string]map[string]string {
	db, err := sql.Open("sqlite", filepath.Join(dir, "receipts.db"))
	require.NoError(t, err)
	defer db.Close()
	figures := map[string]map[string]string{}
	for d := statsFrom; !d.After(statsTo); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		figures[day] = map[string]string{"choices": "0", "allow:contact": "0/0"}
		for _, a := range consent.Actions {
			figures[day][string(a)] = "0"
		}
	}
	rows, err := db.Query(`SELECT date(received, 'unixepoch'), action, COUNT(*),
		SUM(json_extract(categories, '$.contact')) FROM consent_receipts
		WHERE received >= ? AND received < ? GROUP BY 1, 2`, statsFrom.Unix(), statsTo.AddDate(0, 0, 1).Unix())
	require.NoError(t, err)
	defer rows.Close()
	allowing, choices := map[string]int{}, map[string]int{}
	for rows.Next() {
		var day, action string
		var n, allow int
		require.NoError(t, rows.Scan(&day, &action, &n, &allow))
		figures[day][action] = fmt.Sprint(n)
		choices[day] += n
		allowing[day] += allow
	}
	require.NoError(t, rows.Err())
	for day, n := range choices {
		figures[day]["choices"] = fmt.Sprint(n)
		figures[day]["allow:contact"] = fmt.Sprintf("%d/%d", allowing[day], n)
	}
	return figures
}

// pageFiguresJS reads the day table as dbFigures counts it.
const pageFiguresJS = `(() => {
  const out = {};
  for (const tr of document.querySelectorAll('#days tr[data-day]')) {
    const row = out[tr.dataset.day] = {};
    for (const td of tr.querySelectorAll('td[data-col]')) {
      row[td.dataset.col] = td.dataset.of !== undefined ? td.dataset.count + '/' + td.dataset.of : td.textContent;
    }
  }
  return out;
})()`

func TestStatisticsPageShowsWhatTheDatabaseCounts(t *testing.T) {
	dir := t.TempDir()
	seedStatistics(t, dir)
	base, stop, err := startServer(distDir, "-receipts", dir, "-token-file", tokenFile(t))
	require.NoError(t, err)
	t.Cleanup(stop)
	want := dbFigures(t, dir)
	page := fmt.Sprintf("%s%s/statistics?from=%s&to=%s", base, consent.Seed().Site.Receipts,
		statsFrom.Format(time.DateOnly), statsTo.Format(time.DateOnly))

	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		t.Cleanup(cancel)
		p, err := b.NewPage(ctx, engine.PageOptions{Width: 1280, Height: 1000})
		require.NoError(t, err, "starting a page in %s", b.Name())
		t.Cleanup(func() { _ = p.Close() })
		tb := &tab{t: t, Page: p}

		require.NoError(t, tb.Navigate(page))
		tb.waitFor(`document.querySelector('form.signin input[name=token]') !== null`)
		assert.Zero(t, tb.num(`document.querySelectorAll('#days').length`), "no figure before signing in")
		tb.eval(fmt.Sprintf(`(() => { document.querySelector('input[name=token]').value = %q; return true; })()`, exportToken), nil)
		tb.click(`form.signin button`)
		tb.waitFor(`document.querySelector('#days') !== null`)

		var got map[string]map[string]string
		tb.eval(pageFiguresJS, &got)
		assert.Equal(t, want, got, "every day of the range, as the database counts it")
		total, withdrawals := 0, 0
		for _, row := range want {
			var n, w int
			fmt.Sscan(row["choices"], &n)
			fmt.Sscan(row[string(consent.ActionWithdrawal)], &w)
			total, withdrawals = total+n, withdrawals+w
		}
		assert.Equal(t, fmt.Sprint(total), tb.str(`document.querySelector('[data-total=choices]').textContent`))
		assert.Equal(t, fmt.Sprint(withdrawals), tb.str(`document.querySelector('[data-total=withdrawal]').textContent`))

		// The charts: a bar per day and action with receipts, each saying
		// what it counts.
		bars := 0
		for _, row := range want {
			for _, a := range consent.Actions {
				if row[string(a)] != "0" {
					bars++
				}
			}
		}
		assert.Equal(t, bars, tb.num(`document.querySelectorAll('svg.chart')[0].querySelectorAll('rect').length`))
		assert.Equal(t, "20/11/2026 · Tout accepter : 3", tb.str(`document.querySelector('svg.chart rect title').textContent`))
		assert.Equal(t, 3, tb.num(`document.querySelectorAll('svg.chart').length`), "choices, shares, withdrawals")
		assert.Zero(t, tb.num(`document.scripts.length`), "no script on the page")

		if b.Name() == engine.Chromium {
			shot := filepath.Join(screenshotDir, "receipts-statistics.png")
			if err := os.Remove(shot); !errors.Is(err, fs.ErrNotExist) {
				require.NoError(t, err, "removing the last run's %s", shot)
			}
			tb.waitFor(`document.fonts.status === 'loaded'`)
			require.NoError(t, tb.Screenshot(shot))
			assertScreenshot(t, shot)
		}

		// Signed out, the page asks for the token again.
		tb.click(`button.quiet`)
		tb.waitFor(`document.querySelector('form.signin') !== null`)
		require.NoError(t, tb.Navigate(page))
		tb.waitFor(`document.querySelector('form.signin') !== null`)
	})
}
