package receipts

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The long runs: a million receipts are a benchmark, never a test. Run
// them with, for example:
//
//	go test -run '^$' -bench 'Export|ScaleOut' -benchtime 1x -timeout 3h ./web/receipts/ \
//	    -args -export-sizes 100000,1000000 -scale-receipts 1000000
var (
	exportSizes   = flag.String("export-sizes", "100000", "BenchmarkExport: receipts in the database, comma-separated")
	scaleReceipts = flag.Int("scale-receipts", 100000, "BenchmarkScaleOut: receipts in the database")
	scalePosts    = flag.Int("scale-posts", 10000, "BenchmarkScaleOut: receipts posted to measure the insert rate")
)

// elementCounter counts the receipts of a JSON export as it streams by:
// each starts a line with "  {".
type elementCounter struct {
	n, bytes int64
	tail     []byte
}

func (c *elementCounter) Write(p []byte) (int, error) {
	joined := append(c.tail, p...)
	c.n += int64(bytes.Count(joined, []byte("\n  {")))
	c.tail = append(c.tail[:0], joined[max(0, len(joined)-3):]...)
	c.bytes += int64(len(p))
	return len(p), nil
}

// exportOnce streams the whole JSON export of the service at url and
// returns how long it took, how many receipts and bytes it held.
func exportOnce(b *testing.B, url string) (time.Duration, int64, int64) {
	req, err := http.NewRequest(http.MethodGet, url+"?format=json", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("export: %s", resp.Status)
	}
	var count elementCounter
	if _, err := io.Copy(&count, resp.Body); err != nil {
		b.Fatalf("export: %v", err)
	}
	return time.Since(start), count.n, count.bytes
}

// measureExport exports everything from the running service once per
// b.N, and reports the time, the rate and the service's peak resident
// memory above what it held idle, before the export.
func measureExport(b *testing.B, svc *running, n int) {
	pid := svc.cmd.Process.Pid
	// One request first, so that idle is a service that has answered.
	if code, out := do(b, mustRequest(b, svc.url+"/revisions")); code != http.StatusOK {
		b.Fatalf("revisions: %d %s", code, out)
	}
	idle, _ := memory(b, pid)
	var above int64
	var took time.Duration
	var size int64
	b.ResetTimer()
	for range b.N {
		resetPeak(b, pid)
		elapsed, got, bytes := exportOnce(b, svc.url)
		if got != int64(n) {
			b.Fatalf("the export held %d receipts, want %d", got, n)
		}
		_, peak := memory(b, pid)
		above, took, size = max(above, peak-idle), took+elapsed, bytes
	}
	b.StopTimer()
	b.ReportMetric(took.Seconds()/float64(b.N), "s/export")
	b.ReportMetric(float64(n)*float64(b.N)/took.Seconds(), "exported/s")
	b.ReportMetric(mb(size), "MB-exported")
	b.ReportMetric(mb(idle), "idle-MB")
	b.ReportMetric(mb(above), "peak-MB-above-idle")
}

func mustRequest(tb testing.TB, url string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

// BenchmarkExport fills each store with the -export-sizes numbers of
// receipts, runs consent-receipts on it and exports them all as JSON over
// HTTP on 127.0.0.1, reporting the time and the service's peak resident
// memory above idle (from /proc: VmHWM reset before the export, VmRSS
// before it).
func BenchmarkExport(b *testing.B) {
	var sizes []int
	for s := range strings.SplitSeq(*exportSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			b.Fatalf("-export-sizes: %q is not a count", s)
		}
		sizes = append(sizes, n)
	}
	for _, be := range backends {
		for _, n := range sizes {
			b.Run(be.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				args := be.args(b)
				if be.name == "sqlite" {
					seedSQLite(b, args[1], n, time.Now())
				} else {
					seedPostgres(b, args[1], n, time.Now())
				}
				b.Setenv(TokenEnv, testToken)
				measureExport(b, startCommand(b, args...), n)
			})
		}
	}
}

// BenchmarkScaleOut runs two consent-receipts instances on one PostgreSQL
// holding -scale-receipts receipts, as a site with two web servers would,
// and reports: the insert rate of -scale-posts receipts posted to both in
// turn from benchClients clients, the export of everything through one of
// them, and the time of the statistics over the 30 days the receipts span
// (the page and its CSV, median of three).
func BenchmarkScaleOut(b *testing.B) {
	dsn := postgresDSN(b)
	seedPostgres(b, dsn, *scaleReceipts, time.Now())
	b.Setenv(TokenEnv, testToken)
	args := []string{"-postgres", dsn, "-rate", "1e6", "-burst", "1000000"}
	one, two := startCommand(b, args...), startCommand(b, args...)

	elapsed, latencies := postAll(b, []string{one.url, two.url}, newBodies(b, *scalePosts))
	n := *scaleReceipts + *scalePosts
	stats := map[string]time.Duration{}
	for _, format := range []string{"html", "csv"} {
		var times []time.Duration
		for range 3 {
			req := mustRequest(b, strings.TrimSuffix(one.url, "/")+"/statistics?format="+format)
			req.Header.Set("Authorization", "Bearer "+testToken)
			start := time.Now()
			if code, out := do(b, req); code != http.StatusOK {
				b.Fatalf("statistics: %d %s", code, out)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		stats[format] = times[1]
	}
	// measureExport resets the timer, and with it the metrics reported
	// so far: these come after.
	defer func() {
		reportPosts(b, "insert-", elapsed, latencies)
		for format, d := range stats {
			b.ReportMetric(ms(d), "stats-"+format+"-ms")
		}
	}()
	measureExport(b, one, n)
}
