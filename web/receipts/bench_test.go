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
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}
			at := time.Now()
			bodies := make([][]byte, b.N)
			for i := range bodies {
				bodies[i] = body(b, consent.AcceptAll(c, at, newID(b)), ActionAcceptAll)
			}
			latencies := make([]time.Duration, b.N)
			next := make(chan int)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range benchClients {
				wg.Go(func() {
					for i := range next {
						t0 := time.Now()
						resp, err := client.Post(srv.URL, "application/json", bytes.NewReader(bodies[i]))
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
			for i := range b.N {
				next <- i
			}
			close(next)
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(latencies)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "receipts/s")
			b.ReportMetric(ms(latencies[b.N/2]), "p50-ms")
			b.ReportMetric(ms(latencies[min(b.N-1, b.N*99/100)]), "p99-ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
