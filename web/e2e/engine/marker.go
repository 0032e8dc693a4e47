package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// markerVar names the environment variable that every process a browser
// starts carries, with a value of that browser's own (newMarker). Children
// inherit it, also those that leave the process group (a daemon calls
// setsid), so sweep can find and end whatever a browser left behind.
const markerVar = "CIVIC_CONSENT_ENGINE"

// markers counts the markers this process handed out.
var markers atomic.Int64

// newMarker returns a marker no other browser of any test process has.
func newMarker() string {
	return fmt.Sprintf("%d-%d", os.Getpid(), markers.Add(1))
}

// leftover is a running process that carries a marker.
type leftover struct {
	pid     int
	cmdline string
}

func (l leftover) String() string { return fmt.Sprintf("%d %s", l.pid, l.cmdline) }

// marked returns the processes whose environment carries marker, read from
// /proc. Processes that have exited but not been reaped (zombies) have no
// environment left, so they do not count: they no longer run.
func marked(marker string) []leftover {
	want := []byte(markerVar + "=" + marker)
	paths, _ := filepath.Glob("/proc/[0-9]*/environ")
	var out []leftover
	for _, path := range paths {
		env, err := os.ReadFile(path)
		if err != nil {
			continue // gone, or not ours to read
		}
		for v := range bytes.SplitSeq(env, []byte{0}) {
			if !bytes.Equal(v, want) {
				continue
			}
			dir := filepath.Dir(path)
			pid, _ := strconv.Atoi(filepath.Base(dir))
			cmd, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
			out = append(out, leftover{pid: pid, cmdline: strings.TrimSpace(string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '})))})
			break
		}
	}
	return out
}

// sweep kills every process that carries marker and waits until none is
// left: a process forked while the last ones died shows up on a later
// look, so it looks again until three looks in a row find nothing. It
// fails, naming them, if some are still there after a while.
func sweep(marker string) error {
	const quietLooks = 3
	deadline := time.Now().Add(10 * time.Second)
	var left []leftover
	for quiet := 0; quiet < quietLooks; {
		left = marked(marker)
		if len(left) == 0 {
			quiet++
		} else {
			quiet = 0
			for _, l := range left {
				_ = syscall.Kill(l.pid, syscall.SIGKILL)
			}
		}
		if quiet == quietLooks {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes left running: %v", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}
