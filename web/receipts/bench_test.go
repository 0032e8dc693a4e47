package receipts

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
)

// benchClients is how many clients post receipts at once.
const benchClients = 4

// BenchmarkReceipts posts valid receipts over HTTP on 127.0.0.1 to a
// Handler on each store (PostgreSQL also on 127.0.0.1), from benchClients
// clients at once, and reports receipts a second and the p50 and p99
// latency of one POST. Bound it by count, e.g.:
//
//	go test -run '^$' -bench Receipts -benchtime 2000x ./web/receipts/
func BenchmarkReceipts(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			c := consent.Seed()
			h, err := NewHandler(Config{Store: be.open(b), Catalogues: NewCatalogues(c)})
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			bodies := newBodies(b, b.N)
			b.ResetTimer()
			elapsed, latencies := postAll(b, []string{srv.URL}, bodies)
			b.StopTimer()
			reportPosts(b, "", elapsed, latencies)
		})
	}
}

// newBodies makes n receipts of the seed catalogue, made now.
func newBodies(tb testing.TB, n int) [][]byte {
	c := consent.Seed()
	at := time.Now()
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = body(tb, consent.AcceptAll(c, at, newID(tb)), ActionAcceptAll)
	}
	return bodies
}

// postAll posts the bodies from benchClients clients at once, to the
// services at urls in turn, and returns how long it took and the latency
// of each POST; anything but 201 is an error of the benchmark.
func postAll(b *testing.B, urls []string, bodies [][]byte) (time.Duration, []time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}
	latencies := make([]time.Duration, len(bodies))
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range benchClients {
		wg.Go(func() {
			for i := range next {
				t0 := time.Now()
				resp, err := client.Post(urls[i%len(urls)], "application/json", bytes.NewReader(bodies[i]))
				latencies[i] = time.Since(t0)
				if err != nil {
					b.Error(err)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("receipt %d: %s", i, resp.Status)
				}
			}
		})
	}
	for i := range bodies {
		next <- i
	}
	close(next)
	wg.Wait()
	return time.Since(start), latencies
}

// reportPosts reports receipts a second and the p50 and p99 latencies,
// their units prefixed with prefix.
func reportPosts(b *testing.B, prefix string, elapsed time.Duration, latencies []time.Duration) {
	slices.Sort(latencies)
	n := len(latencies)
	b.ReportMetric(float64(n)/elapsed.Seconds(), prefix+"receipts/s")
	b.ReportMetric(ms(latencies[n/2]), prefix+"p50-ms")
	b.ReportMetric(ms(latencies[min(n-1, n*99/100)]), prefix+"p99-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
