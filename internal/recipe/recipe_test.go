package recipe

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompressDirWritesEverySibling(t *testing.T) {
	dir := t.TempDir()
	content := bytes.Repeat([]byte("consent "), 1000)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.js"), content, 0o644))
	require.NoError(t, CompressDir(dir, ""))

	gz, err := os.Open(filepath.Join(dir, "a.js.gz"))
	require.NoError(t, err)
	defer gz.Close()
	r, err := gzip.NewReader(gz)
	require.NoError(t, err)
	assert.Empty(t, r.Header.Name, "no file name in the header")
	assert.True(t, r.Header.ModTime.IsZero(), "no time in the header: the build is reproducible")
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, content, got)

	br, err := exec.Command("brotli", "-d", "-c", filepath.Join(dir, "a.js.br")).Output()
	require.NoError(t, err)
	assert.Equal(t, content, br)
}

// A file identical to one of the reused bundle gets that bundle's
// siblings; any other is compressed.
func TestCompressDirReusesIdenticalFiles(t *testing.T) {
	dir, reuse := t.TempDir(), t.TempDir()
	write := func(path, s string) {
		require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
	}
	write(filepath.Join(reuse, "same.wasm"), "same")
	write(filepath.Join(reuse, "same.wasm.br"), "kept br")
	write(filepath.Join(reuse, "same.wasm.gz"), "kept gz")
	write(filepath.Join(reuse, "changed.js"), "old")
	write(filepath.Join(reuse, "changed.js.br"), "stale br")
	write(filepath.Join(reuse, "changed.js.gz"), "stale gz")
	write(filepath.Join(dir, "same.wasm"), "same")
	write(filepath.Join(dir, "changed.js"), "new")
	require.NoError(t, CompressDir(dir, reuse))

	for suffix, want := range map[string]string{".br": "kept br", ".gz": "kept gz"} {
		got, err := os.ReadFile(filepath.Join(dir, "same.wasm"+suffix))
		require.NoError(t, err)
		assert.Equal(t, want, string(got))
		got, err = os.ReadFile(filepath.Join(dir, "changed.js"+suffix))
		require.NoError(t, err)
		assert.NotContains(t, string(got), "stale")
	}
}

func TestCompressDirSaysWhatFailed(t *testing.T) {
	err := CompressDir(filepath.Join(t.TempDir(), "missing"), "")
	assert.ErrorContains(t, err, "missing")
}
