package site

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/web/receipts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeBuild writes a build script into a temporary module root that
// records each run and, when it works, writes consent.js into the folder
// given by --out, as build.sh does.
func fakeBuild(t *testing.T, works bool) (root, script string) {
	t.Helper()
	root = t.TempDir()
	body := "#!/bin/sh\necho run >> runs\n[ \"$1\" = --out ] || exit 2\nmkdir -p \"$2\"\necho built > \"$2/consent.js\"\n"
	if !works {
		body = "#!/bin/sh\necho run >> runs\necho 'build broke' >&2\nexit 3\n"
	}
	script = filepath.Join(root, "build.sh")
	require.NoError(t, os.WriteFile(script, []byte(body), 0o755))
	return root, script
}

func runs(t *testing.T, root string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "runs"))
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return strings.Count(string(b), "run")
}

func TestEnsureBundleBuildsOnlyWhenNeeded(t *testing.T) {
	root, script := fakeBuild(t, true)
	dist := filepath.Join(t.TempDir(), "elsewhere", "dist")
	var log bytes.Buffer

	require.NoError(t, EnsureBundle(dist, script, false, &log))
	assert.Equal(t, 1, runs(t, root), "missing bundle: built")
	assert.FileExists(t, filepath.Join(dist, BundleEntry))

	require.NoError(t, EnsureBundle(dist, script, false, &log))
	assert.Equal(t, 1, runs(t, root), "bundle present: not rebuilt")

	require.NoError(t, EnsureBundle(dist, script, true, &log))
	assert.Equal(t, 2, runs(t, root), "forced: rebuilt")
	assert.Contains(t, log.String(), "building the bundle")
}

func TestEnsureBundleReportsFailures(t *testing.T) {
	root, script := fakeBuild(t, false)
	var log bytes.Buffer
	err := EnsureBundle(filepath.Join(root, "dist"), script, false, &log)
	require.ErrorContains(t, err, "build.sh failed")
	assert.Contains(t, log.String(), "build broke", "the script's output is passed on")

	// A script that succeeds without writing the loader.
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\nexit 0\n"), 0o755))
	err = EnsureBundle(filepath.Join(root, "dist"), script, false, &log)
	require.ErrorContains(t, err, "consent.js is missing")

	err = EnsureBundle(filepath.Join(root, "dist"), filepath.Join(root, "nope.sh"), false, &log)
	require.ErrorContains(t, err, "nope.sh")
}

func TestListenReportsTheBoundPort(t *testing.T) {
	ln, url, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	require.NotZero(t, port)
	assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%d/", port), url)

	_, _, err = Listen(ln.Addr().String())
	require.Error(t, err, "port busy")
	assert.Contains(t, err.Error(), ln.Addr().String())
}

// TestServeCommand runs serve.go as a user does: its first line is the
// URL, which serves the bundle and the pages; a busy port or a missing
// build script stops it with a clear message.
func TestServeCommand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "serve")
	build := exec.Command("go", "build", "-o", bin, "../../serve.go")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build serve.go: %s", out)

	dist := fakeBundle(t)
	// serve reads the bundle's archived catalogues (the receipts accept
	// their revisions): the fake bundle's stand-in is not one.
	stale, err := filepath.Glob(filepath.Join(dist, consent.ArchiveName("*")+"*"))
	require.NoError(t, err)
	for _, f := range stale {
		require.NoError(t, os.Remove(f))
	}
	name, archive, err := consent.Seed().Archive()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dist, name), archive, 0o644))
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", dist)
	started := time.Now()
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait() // stderr is complete only once the command is waited for
		require.NoError(t, err, "stderr: %s", stderr.String())
	}
	url := strings.TrimSpace(line)
	require.Regexp(t, regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*/$`), url)

	req, err := http.NewRequest(http.MethodGet, url+"consent/consent.js", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "br") // set by hand: no transparent gunzip
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "br", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, "br:consent.js", string(body))

	resp, err = http.Get(url + "charte-cookies")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// The revisions log dates the revision it serves.
	resp, err = http.Get(strings.TrimSuffix(url, "/") + consent.Seed().Site.Receipts + "/revisions")
	require.NoError(t, err)
	var log receipts.RevisionsLog
	err = json.NewDecoder(resp.Body).Decode(&log)
	resp.Body.Close()
	require.NoError(t, err)
	require.Len(t, log.Revisions, 1)
	assert.Equal(t, consent.Seed().Revision(), log.Revisions[0].Revision)
	assert.Equal(t, receipts.SeenServed, log.Revisions[0].SeenBy)
	sum := sha256.Sum256(archive)
	assert.Equal(t, hex.EncodeToString(sum[:]), log.Revisions[0].SHA256, "the digest of the archive served")
	assert.False(t, log.Revisions[0].FirstSeen.Before(started.Truncate(time.Second)), "first served once started")
	assert.False(t, log.Revisions[0].FirstSeen.After(time.Now()))

	// The same port again: busy.
	busy := exec.Command(bin, "-addr", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"), "-dir", dist)
	out, err = busy.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "address already in use")

	// No bundle and no build script where it runs.
	lost := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", filepath.Join(t.TempDir(), "dist"))
	lost.Dir = t.TempDir()
	out, err = lost.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "build.sh")
	assert.Contains(t, string(out), "module root")
}

// TestServerCutsOffAStalledBody: a client that sends the headers of a POST
// and then stalls in its body loses the connection.
func TestServerCutsOffAStalledBody(t *testing.T) {
	h, err := New(Config{BundleDir: fakeBundle(t)})
	require.NoError(t, err)
	srv := Server(h)
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		assert.Positive(t, d, name)
	}
	// The same server with a shorter read timeout, so that the test does
	// not wait for the real one.
	srv.ReadTimeout = time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /contact HTTP/1.1\r\nHost: 127.0.0.1\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=Jeanne")
	require.NoError(t, err)
	// The deadline only stops a test whose server never closes.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(time.Minute)))
	answer, err := io.ReadAll(conn)
	require.NoError(t, err, "the server must close the connection; it answered %q", answer)
}

// TestServeCommandTemporaryBundle runs serve.go with -catalogue and no
// -dir: it builds into a new folder of its own in the temporary directory
// (not a name known in advance), and removes it when stopped.
func TestServeCommandTemporaryBundle(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "serve")
	build := exec.Command("go", "build", "-o", bin, "../../serve.go")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build serve.go: %s", out)
	catalogue, err := filepath.Abs("../../web/catalogues/library.json")
	require.NoError(t, err)

	root, _ := fakeBuild(t, true)
	tmp := t.TempDir()
	// Where a predictable name would go: made first by someone else.
	require.NoError(t, os.Mkdir(filepath.Join(tmp, "civic-consent-library"), 0o777))
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-catalogue", catalogue)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "no URL")
	require.True(t, strings.HasPrefix(line, "http://"), "%q", line)

	made, err := filepath.Glob(filepath.Join(tmp, "civic-consent-library-*"))
	require.NoError(t, err)
	require.Len(t, made, 1, "one new folder")
	assert.FileExists(t, filepath.Join(made[0], BundleEntry), "built there")
	assert.Empty(t, entriesOf(t, filepath.Join(tmp, "civic-consent-library")), "the folder made first is left alone")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "stderr: %s", stderr.String())
	assert.NoDirExists(t, made[0], "removed at exit")
}

// entriesOf lists a folder's entries.
func entriesOf(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
