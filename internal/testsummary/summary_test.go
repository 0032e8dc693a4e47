package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stream writes events as `go test -json` does.
func stream(t *testing.T, events ...event) string {
	t.Helper()
	var b strings.Builder
	for _, e := range events {
		j, err := json.Marshal(e)
		require.NoError(t, err)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func parse(t *testing.T, name string, status int, text string) *step {
	t.Helper()
	s, err := parseStep(name, status, strings.NewReader(text))
	require.NoError(t, err)
	return s
}

const e2e = "example/web/e2e"

// scenario is a browser test run in each engine, failing in one.
func scenario(failIn string) []event {
	evs := []event{{Action: "run", Package: e2e, Test: "TestFlow"}}
	for _, engine := range engines {
		action := "pass"
		if engine == failIn {
			action = "fail"
		}
		evs = append(evs,
			event{Action: "run", Package: e2e, Test: "TestFlow/" + engine},
			event{Action: "output", Package: e2e, Test: "TestFlow/" + engine, Output: "    flows_test.go:12: " + engine + " detail\n"},
			event{Action: action, Package: e2e, Test: "TestFlow/" + engine})
	}
	return append(evs, event{Action: "fail", Package: e2e, Test: "TestFlow"})
}

func TestReportCountsLeavesPerEngineAndInTotal(t *testing.T) {
	e2eStream := stream(t, append(scenario("firefox"),
		// The engine smoke test nests one level deeper.
		event{Action: "run", Package: "example/engine", Test: "TestEngines"},
		event{Action: "run", Package: "example/engine", Test: "TestEngines/webkit"},
		event{Action: "run", Package: "example/engine", Test: "TestEngines/webkit/page"},
		event{Action: "pass", Package: "example/engine", Test: "TestEngines/webkit/page"},
		event{Action: "run", Package: "example/engine", Test: "TestEngines/webkit/console"},
		event{Action: "pass", Package: "example/engine", Test: "TestEngines/webkit/console"},
		event{Action: "pass", Package: "example/engine", Test: "TestEngines/webkit"},
		event{Action: "pass", Package: "example/engine", Test: "TestEngines"},
		event{Action: "run", Package: "example/engine", Test: "TestNames"},
		event{Action: "pass", Package: "example/engine", Test: "TestNames"},
		event{Action: "pass", Package: "example/engine"},
		event{Action: "fail", Package: e2e},
	)...)
	unit := stream(t,
		event{Action: "run", Package: "example", Test: "TestA"},
		event{Action: "pass", Package: "example", Test: "TestA"},
		event{Action: "run", Package: "example", Test: "TestSkipped"},
		event{Action: "skip", Package: "example", Test: "TestSkipped"},
		event{Action: "pass", Package: "example"},
	)
	steps := []*step{
		parse(t, "vet", 0, ""),
		parse(t, "gofmt", 0, ""),
		parse(t, "unit", 0, unit),
		parse(t, "e2e", 1, e2eStream),
	}
	var out bytes.Buffer
	failed := report(&out, steps, engines)
	assert.Equal(t, 1, failed)
	text := out.String()
	assert.Contains(t, text, "=== FAILED: example/web/e2e TestFlow/firefox\n    flows_test.go:12: firefox detail\n")
	assert.NotContains(t, text, "chromium detail", "passed tests are not printed")
	assert.NotContains(t, text, "FAILED: example/web/e2e TestFlow\n", "a parent whose failure a leaf explains is not counted again")
	assert.Contains(t, text, "skipped (1): example TestSkipped\n")
	assert.True(t, strings.HasSuffix(text, "\n"+strings.Join([]string{
		"chromium: 1 scenarios passed, 0 failed",
		"firefox: 0 scenarios passed, 1 failed",
		"webkit: 3 scenarios passed, 0 failed",
		// vet, gofmt, TestA, TestNames, 3 TestFlow, 2 TestEngines leaves.
		"8 passed, 1 failed",
	}, "\n")+"\n"), text)
}

func TestReportCountsFailuresNoLeafExplains(t *testing.T) {
	s := parse(t, "e2e", 1, stream(t,
		// A build error.
		event{Action: "build-output", ImportPath: "example/broken [example/broken.test]", Output: "broken.go:3:1: syntax error\n"},
		event{Action: "build-fail", ImportPath: "example/broken [example/broken.test]"},
		event{Action: "output", Package: "example/broken", Output: "FAIL\texample/broken [build failed]\n"},
		event{Action: "fail", Package: "example/broken", FailedBuild: "example/broken [example/broken.test]"},
		// A parent failing after its subtests passed.
		event{Action: "run", Package: "example/p", Test: "TestParent"},
		event{Action: "run", Package: "example/p", Test: "TestParent/chromium"},
		event{Action: "pass", Package: "example/p", Test: "TestParent/chromium"},
		event{Action: "output", Package: "example/p", Test: "TestParent", Output: "    closing failed\n"},
		event{Action: "fail", Package: "example/p", Test: "TestParent"},
		// A test the binary never finished (a timeout).
		event{Action: "run", Package: "example/p", Test: "TestHangs"},
		event{Action: "output", Package: "example/p", Output: "panic: test timed out after 10m0s\n"},
		event{Action: "fail", Package: "example/p"},
	))
	var out bytes.Buffer
	assert.Equal(t, 3, report(&out, []*step{s}, engines))
	text := out.String()
	assert.Contains(t, text, "=== FAILED: example/broken\nFAIL\texample/broken [build failed]\nbroken.go:3:1: syntax error\n")
	assert.Contains(t, text, "=== FAILED: example/p TestParent\n    closing failed\n")
	assert.Contains(t, text, "=== FAILED: example/p TestHangs\n")
	assert.NotContains(t, text, "=== FAILED: example/p\n", "the package's failure is its test's")
	assert.Contains(t, text, "chromium: 1 scenarios passed, 0 failed\n")
	assert.True(t, strings.HasSuffix(text, "\n1 passed, 3 failed\n"), text)
}

func TestReportCountsChecksAndStepsThatFailedSilently(t *testing.T) {
	steps := []*step{
		parse(t, "gofmt", 1, "web/x.go\n"),
		// go test could not even start: no event at all.
		parse(t, "wasm", 1, "go: cannot find main module\n"),
		// Events, all passing, but the command failed.
		parse(t, "unit", 2, stream(t,
			event{Action: "run", Package: "example", Test: "TestA"},
			event{Action: "pass", Package: "example", Test: "TestA"},
		)+"go: something went wrong\n"),
	}
	var out bytes.Buffer
	assert.Equal(t, 3, report(&out, steps, engines))
	text := out.String()
	assert.Contains(t, text, "=== FAILED: gofmt\nweb/x.go\n")
	assert.Contains(t, text, "=== FAILED: wasm\ngo: cannot find main module\n")
	assert.Contains(t, text, "=== FAILED: unit (exit status 2)\ngo: something went wrong\n")
	assert.True(t, strings.HasSuffix(text, "\n1 passed, 3 failed\n"), text)
}

func TestFollowSavesTheStreamAndShowsProgress(t *testing.T) {
	in := "go: downloading example.com/x v1.0.0\n" + stream(t,
		event{Action: "run", Package: "example", Test: "TestA"},
		event{Action: "output", Package: "example", Test: "TestA", Output: "=== RUN   TestA\n"},
		event{Action: "pass", Package: "example", Test: "TestA", Elapsed: 1.25},
		event{Action: "fail", Package: "example", Elapsed: 2},
	)
	var shown, saved bytes.Buffer
	require.NoError(t, follow(&shown, strings.NewReader(in), &saved))
	assert.Equal(t, in, saved.String())
	assert.Equal(t, "go: downloading example.com/x v1.0.0\n  PASS TestA (1.2s)\nFAIL example (2.0s)\n", shown.String())
}

func TestReadStepsWantsFileAndStatus(t *testing.T) {
	_, err := readSteps(nil)
	assert.Error(t, err)
	_, err = readSteps([]string{"file.json"})
	assert.ErrorContains(t, err, "not FILE=STATUS")
	_, err = readSteps([]string{"/no/such/file.json=0"})
	assert.Error(t, err)
}
