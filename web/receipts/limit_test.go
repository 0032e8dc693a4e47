package receipts

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// clock is a settable clock for the limiter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLimiterAllowsABurstThenTheRate(t *testing.T) {
	clk := &clock{t: now}
	l := NewLimiter(2, 3, clk.now)
	for i := range 3 {
		ok, _ := l.Allow("a")
		assert.True(t, ok, "request %d of the burst", i+1)
	}
	ok, wait := l.Allow("a")
	assert.False(t, ok)
	assert.Equal(t, 500*time.Millisecond, wait, "one token comes back every 1/rate seconds")

	ok, _ = l.Allow("b")
	assert.True(t, ok, "each client has its own bucket")

	clk.t = clk.t.Add(500 * time.Millisecond)
	ok, _ = l.Allow("a")
	assert.True(t, ok)
	ok, _ = l.Allow("a")
	assert.False(t, ok)

	clk.t = clk.t.Add(time.Hour)
	for range 3 {
		ok, _ = l.Allow("a")
		assert.True(t, ok)
	}
	ok, _ = l.Allow("a")
	assert.False(t, ok, "a long pause refills the bucket to the burst, not beyond")
}

func TestLimiterForgetsIdleClients(t *testing.T) {
	clk := &clock{t: now}
	l := NewLimiter(1, 2, clk.now)
	for i := range minSweep {
		l.Allow(fmt.Sprint("idle", i))
	}
	assert.Equal(t, minSweep, l.clients())
	clk.t = clk.t.Add(2 * time.Second) // every bucket is full again
	l.Allow("active")
	l.Allow("active")
	assert.Equal(t, 1, l.clients(), "only the client with tokens taken is kept")
	ok, _ := l.Allow("active")
	assert.False(t, ok, "and its bucket is intact")
}
