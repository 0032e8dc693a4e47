package receipts

import (
	"math"
	"sync"
	"time"
)

// Limiter is a token bucket per client: each client may make Burst
// requests at once, then Rate a second. It holds client keys (addresses,
// see TrustedProxies.ClientKey) in memory only, and forgets a client once
// its bucket is full again.
type Limiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	// sweepAt is the map size above which Allow forgets full buckets.
	sweepAt int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// minSweep is the number of clients the limiter keeps before it first looks
// for ones to forget.
const minSweep = 1024

// NewLimiter returns a limiter of rate requests a second per client, with
// bursts of up to burst requests. now is the clock (nil means time.Now).
func NewLimiter(rate float64, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, burst: float64(burst), now: now, buckets: make(map[string]*bucket), sweepAt: minSweep}
}

// Allow takes a token from client's bucket. When there is none, it returns
// false and how long until there is one.
func (l *Limiter) Allow(client string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, known := l.buckets[client]
	if !known {
		l.sweep(now)
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, l.until(b.tokens)
}

// Wait returns how long until client has a request left, 0 when it has one
// now; it takes nothing.
func (l *Limiter) Wait(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, known := l.buckets[client]
	if !known {
		return 0
	}
	if tokens := min(l.burst, b.tokens+l.now().Sub(b.at).Seconds()*l.rate); tokens < 1 {
		return l.until(tokens)
	}
	return 0
}

// until is how long a bucket holding tokens (fewer than one) takes to hold
// one.
func (l *Limiter) until(tokens float64) time.Duration {
	if l.rate <= 0 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration((1 - tokens) / l.rate * float64(time.Second))
}

// sweep forgets the clients whose bucket has refilled, once the map has
// grown past sweepAt, so that memory stays bounded by the clients active in
// the last burst/rate seconds.
func (l *Limiter) sweep(now time.Time) {
	if len(l.buckets) < l.sweepAt {
		return
	}
	for client, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, client)
		}
	}
	l.sweepAt = max(minSweep, 2*len(l.buckets))
}

// clients returns how many clients the limiter holds.
func (l *Limiter) clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
