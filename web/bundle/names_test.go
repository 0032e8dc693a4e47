package main

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/civic-consent/consent/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// namesIn returns, sorted and without repeats, the first group of each
// match of the patterns in the file at path.
func namesIn(t *testing.T, path string, patterns ...string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var names []string
	for _, p := range patterns {
		for _, m := range regexp.MustCompile(p).FindAllStringSubmatch(string(data), -1) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// The frame's modes and the controls' actions are named in Go (app) and
// in the loader's JavaScript: every name the JavaScript uses is Go's, and
// frame.js places the frame for every mode Go sets.
func TestFrameModesAndActionsAreGos(t *testing.T) {
	modes := slices.Sorted(slices.Values(app.FrameModes()))
	actions := slices.Sorted(slices.Values(app.Actions))

	frameModes := namesIn(t, "../src/frame.js",
		`\bmode\s*(?:[!=]==|=)\s*'([a-z]+)'`, `setMode\('([a-z]+)'\)`)
	assert.Equal(t, modes, frameModes, "frame.js handles each of app.FrameModes, and no other mode")

	loaderModes := namesIn(t, "../src/consent.js",
		`\bview\s*(?::|[!=]==)\s*'([a-z]+)'`, `'data-mode',\s*'([a-z]+)'`)
	require.NotEmpty(t, loaderModes)
	assert.Subset(t, modes, loaderModes, "consent.js's views are frame modes")

	for _, path := range []string{"../src/frame.js", "../src/consent.js"} {
		used := namesIn(t, path, `\baction\s*[!=]==\s*'([a-z]+)'`, `queue\.push\('([a-z]+)'\)`)
		require.NotEmpty(t, used, path)
		assert.Subset(t, actions, used, "%s's actions are app.Actions", path)
	}
}
