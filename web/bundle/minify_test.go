package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMinifyKeepsWhatTheCodeDoes(t *testing.T) {
	js, err := minify("a.js", []byte("/* why */\n(function () {\n  var longName = 'é';\n  window.exported = longName;\n})();\n"))
	require.NoError(t, err)
	assert.NotContains(t, string(js), "why", "comments go")
	assert.NotContains(t, string(js), "longName", "local names are shortened")
	assert.Contains(t, string(js), "window.exported=", "properties keep their names")
	assert.Contains(t, string(js), "é", "text stays UTF-8, not escaped")

	css, err := minify("a.css", []byte(":root {\n  --cc-bg: #ffffff; /* theme */\n}\n.cc-btn { color: var(--cc-bg); }\n"))
	require.NoError(t, err)
	assert.Equal(t, ":root{--cc-bg: #ffffff}.cc-btn{color:var(--cc-bg)}\n", string(css))
}

func TestMinifyNamesWhereTheSourceIsBroken(t *testing.T) {
	_, err := minify("consent.js", []byte("(function () {\n  var x = ;\n})();\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "consent.js:2:11: ")
}
