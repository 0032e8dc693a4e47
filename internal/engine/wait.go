package engine

import (
	"fmt"
	"time"
)

// pollInterval is how often WaitFor evaluates its condition.
const pollInterval = 50 * time.Millisecond

// WaitFor evaluates js on p until it yields true, and fails if that has
// not happened within timeout. Errors from evaluation (say, an element not
// there yet) count as "not yet"; the last one is reported on timeout.
func WaitFor(p Page, js string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last string
	for {
		var ok bool
		err := p.Eval(js, &ok)
		switch {
		case err == nil && ok:
			return nil
		case err != nil:
			last = err.Error()
		default:
			last = "false"
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("engine: wait for %q: not true after %v (last: %s)", js, timeout, last)
		}
		time.Sleep(pollInterval)
	}
}
