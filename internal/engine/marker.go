package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// vmoduleMarker returns the marker as the value of Chromium's --vmodule
// switch, for processes whose environment cannot carry it: Chromium's
// children (zygotes, renderers, GPU, utilities) write their process title
// over their environment. Chromium hands its logging switches to every
// child, so the marker is a logging pattern naming a source file that does
// not exist, which logs nothing. Under run-all.sh the run's own marker
// (runMarkerVar) rides along, for its check that nothing is left.
func vmoduleMarker(marker string) string {
	v := enginePattern(marker)
	if run := os.Getenv(runMarkerVar); run != "" {
		v += ",civic_consent_run_" + run + "=0"
	}
	return v
}

// enginePattern is the --vmodule pattern that carries an engine's marker.
func enginePattern(marker string) string { return "civic_consent_engine_" + marker + "=0" }

// runMarkerVar is the environment variable by which run-all.sh marks every
// process of its run.
const runMarkerVar = "CIVIC_CONSENT_TEST_RUN"

// marked returns the running processes that carry marker, in their
// environment or in their command line (vmoduleMarker), read from /proc.
// Processes that have exited but not been reaped (zombies) have neither
// left, so they do not count: they no longer run.
func marked(marker string) []leftover {
	wantEnv := []byte(markerVar + "=" + marker)
	wantArg := []byte(enginePattern(marker))
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []leftover
	for _, dir := range dirs {
		env, _ := os.ReadFile(filepath.Join(dir, "environ"))
		cmd, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
		if !slices.ContainsFunc(bytes.Split(env, []byte{0}), func(v []byte) bool { return bytes.Equal(v, wantEnv) }) &&
			!hasSwitchPattern(cmd, wantArg) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(dir))
		out = append(out, leftover{pid: pid, cmdline: strings.TrimSpace(string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '})))})
	}
	return out
}

// hasSwitchPattern reports whether a command line (NUL-separated, or
// spaces once a process has set its title) has a --vmodule switch listing
// pattern.
func hasSwitchPattern(cmdline, pattern []byte) bool {
	for arg := range bytes.FieldsFuncSeq(cmdline, func(r rune) bool { return r == 0 || r == ' ' }) {
		if v, ok := bytes.CutPrefix(arg, []byte("--vmodule=")); ok && slices.ContainsFunc(bytes.Split(v, []byte(",")), func(p []byte) bool { return bytes.Equal(p, pattern) }) {
			return true
		}
	}
	return false
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
