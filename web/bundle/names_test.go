package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/civic-consent/consent/wasm/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The loader takes every name it shares with Go from package contract: the
// build replaces each NAMES.x, and refuses a loader that uses a name the
// contract does not give.
func TestTheLoaderTakesItsNamesFromTheContract(t *testing.T) {
	code, err := buildLoader("../src/loader/main.js")
	require.NoError(t, err)
	assert.NotContains(t, string(code), "NAMES")
	for _, name := range []string{contract.ModeBanner, contract.ActionCustomise, contract.TagWidget, contract.PendingKey} {
		assert.Contains(t, string(code), `"`+name+`"`)
	}

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bundle.js"), []byte("export const BUNDLE = __BUNDLE__;\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.js"), []byte("import { BUNDLE } from './bundle.js';\nconsole.log(BUNDLE, NAMES.modeBanner, NAMES.modeSideways);\n"), 0o644))
	_, err = buildLoader(filepath.Join(dir, "main.js"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NAMES.x that package contract does not give")
}

// A module that does not parse fails the build, naming where.
func TestABrokenModuleFailsTheBuildNamingWhere(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.js"), []byte("export function f( {\n"), 0o644))
	_, err := buildLoader(filepath.Join(dir, "main.js"))
	require.Error(t, err)
	assert.Regexp(t, `main\.js:\d+:\d+: `, err.Error())
}
