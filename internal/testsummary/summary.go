package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action     string
	Package    string
	Test       string
	Elapsed    float64
	Output     string
	ImportPath string // build-output and build-fail
	// FailedBuild names, on a package's fail, the build (an ImportPath of
	// build-output events) that failed.
	FailedBuild string
}

// result is what one test, or one package (Test == ""), came to.
type result struct {
	pkg, test string
	action    string // "pass", "fail", "skip", or "" if it never finished
	output    strings.Builder
}

// step is the outcome of one command run-all.sh ran: a `go test -json`
// stream, or a check (go vet, gofmt) whose output is plain text.
type step struct {
	name    string
	status  int // the command's exit status
	results map[string]*result
	order   []string // result keys in order of appearance
	other   strings.Builder
	builds  map[string]*strings.Builder // build output by ImportPath
}

func key(pkg, test string) string { return pkg + "\x00" + test }

// parseStep reads a step's output: JSON events where there are, anything
// else (the go command's own errors, a check's report) kept as is.
func parseStep(name string, status int, r io.Reader) (*step, error) {
	s := &step{name: name, status: status, results: map[string]*result{}, builds: map[string]*strings.Builder{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		var e event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &e) != nil || e.Action == "" {
			s.other.WriteString(line + "\n")
			continue
		}
		s.add(e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return s, nil
}

func (s *step) get(pkg, test string) *result {
	k := key(pkg, test)
	r, ok := s.results[k]
	if !ok {
		r = &result{pkg: pkg, test: test}
		s.results[k] = r
		s.order = append(s.order, k)
	}
	return r
}

func (s *step) add(e event) {
	switch e.Action {
	case "build-output":
		b, ok := s.builds[e.ImportPath]
		if !ok {
			b = &strings.Builder{}
			s.builds[e.ImportPath] = b
		}
		b.WriteString(e.Output)
	case "output":
		s.get(e.Package, e.Test).output.WriteString(e.Output)
	case "run":
		s.get(e.Package, e.Test)
	case "pass", "fail", "skip":
		r := s.get(e.Package, e.Test)
		r.action = e.Action
		if b := s.builds[e.FailedBuild]; b != nil && e.FailedBuild != "" {
			r.output.WriteString(b.String())
		}
	}
}

// outcome is a test or check counted in the totals.
type outcome struct {
	name   string // "pkg TestX/sub", or a check's name
	failed bool
	// output is printed in full for a failure.
	output string
}

// outcomes counts each step: a stream's leaf tests (a test that never
// finished counts as failed), plus a failed parent test or package that no
// failed leaf accounts for (a failure after its subtests, a build error, a
// panic, a timeout); a check counts once. A step that failed with nothing
// to show for it counts as one failure.
func (s *step) outcomes() (out []outcome, skipped []string) {
	if len(s.results) == 0 {
		return []outcome{{name: s.name, failed: s.status != 0, output: s.other.String()}}, nil
	}
	failures := 0
	for _, k := range s.order {
		r := s.results[k]
		if r.test == "" {
			continue
		}
		name := r.pkg + " " + r.test
		switch {
		case !s.isLeaf(r):
			if r.action == "fail" && !s.failedBelow(r) {
				out = append(out, outcome{name: name, failed: true, output: r.output.String()})
				failures++
			}
		case r.action == "skip":
			skipped = append(skipped, name)
		default:
			failed := r.action != "pass"
			out = append(out, outcome{name: name, failed: failed, output: r.output.String()})
			if failed {
				failures++
			}
		}
	}
	for _, k := range s.order {
		r := s.results[k]
		if r.test == "" && r.action == "fail" && !s.failedIn(r.pkg) {
			out = append(out, outcome{name: r.pkg, failed: true, output: r.output.String()})
			failures++
		}
	}
	if s.status != 0 && failures == 0 {
		out = append(out, outcome{name: fmt.Sprintf("%s (exit status %d)", s.name, s.status), failed: true, output: s.other.String()})
	}
	return out, skipped
}

// isLeaf reports whether a test has no subtests.
func (s *step) isLeaf(r *result) bool {
	prefix := r.test + "/"
	for _, o := range s.results {
		if o.pkg == r.pkg && strings.HasPrefix(o.test, prefix) {
			return false
		}
	}
	return true
}

// failedBelow reports whether a subtest of r failed or never finished.
func (s *step) failedBelow(r *result) bool {
	prefix := r.test + "/"
	for _, o := range s.results {
		if o.pkg == r.pkg && strings.HasPrefix(o.test, prefix) && o.action != "pass" && o.action != "skip" {
			return true
		}
	}
	return false
}

// failedIn reports whether a test of a package failed or never finished.
func (s *step) failedIn(pkg string) bool {
	for _, o := range s.results {
		if o.pkg == pkg && o.test != "" && o.action != "pass" && o.action != "skip" {
			return true
		}
	}
	return false
}

// tally counts passed and failed outcomes.
type tally struct{ passed, failed int }

func (t *tally) add(o outcome) {
	if o.failed {
		t.failed++
	} else {
		t.passed++
	}
}

// engineOf returns the engine a test ran in: the element of its name that
// is an engine's name ("TestX/chromium", "TestEngines/firefox/page").
func engineOf(name string, engines []string) (string, bool) {
	_, test, _ := strings.Cut(name, " ")
	for _, part := range strings.Split(test, "/") {
		if slices.Contains(engines, part) {
			return part, true
		}
	}
	return "", false
}

// report writes every failure in full, the skipped tests, one line per
// engine and the totals, and returns how many failed.
func report(w io.Writer, steps []*step, engines []string) (failed int) {
	var all tally
	perEngine := map[string]*tally{}
	for _, e := range engines {
		perEngine[e] = &tally{}
	}
	var skipped []string
	for _, s := range steps {
		outs, skips := s.outcomes()
		skipped = append(skipped, skips...)
		for _, o := range outs {
			all.add(o)
			if e, ok := engineOf(o.name, engines); ok {
				perEngine[e].add(o)
			}
			if o.failed {
				fmt.Fprintf(w, "\n=== FAILED: %s\n%s", o.name, o.output)
			}
		}
	}
	fmt.Fprintln(w)
	if len(skipped) > 0 {
		sort.Strings(skipped)
		fmt.Fprintf(w, "skipped (%d): %s\n", len(skipped), strings.Join(skipped, ", "))
	}
	for _, e := range engines {
		fmt.Fprintf(w, "%s: %d scenarios passed, %d failed\n", e, perEngine[e].passed, perEngine[e].failed)
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", all.passed, all.failed)
	return all.failed
}

// follow copies a `go test -json` stream from r to log unchanged and
// writes to w a line per finished test and package, and any line that is
// not JSON, so that a long run shows its progress.
func follow(w io.Writer, r io.Reader, log io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if _, err := fmt.Fprintln(log, line); err != nil {
			return err
		}
		var e event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &e) != nil || e.Action == "" {
			fmt.Fprintln(w, line)
			continue
		}
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			fmt.Fprintf(w, "%-4s %s (%.1fs)\n", strings.ToUpper(e.Action), e.Package, e.Elapsed)
		case e.Action == "pass" || e.Action == "fail" || e.Action == "skip":
			fmt.Fprintf(w, "  %-4s %s (%.1fs)\n", strings.ToUpper(e.Action), e.Test, e.Elapsed)
		}
	}
	return sc.Err()
}
