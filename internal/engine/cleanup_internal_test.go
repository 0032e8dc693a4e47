package engine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civic-consent/consent/internal/netrec"
)

// childEngine, set to an engine name, makes TestNoBrowserLeftRunning the
// child test process it starts: it launches that browser, opens a page,
// prints the browser's marker and waits to be killed.
const childEngine = "ENGINE_TEST_CHILD"

// framedPage has a cross-origin frame, so that every engine starts more
// than one content process for it.
const framedPage = `<!doctype html><title>framed</title><p>top</p><iframe src="http://localhost:%s/inner"></iframe>`

// framedSite serves framedPage at / and a small page at /inner.
func framedSite(t *testing.T) string {
	t.Helper()
	var port string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/inner" {
			_, _ = io.WriteString(w, "<!doctype html><title>inner</title><p>inner</p>")
			return
		}
		_, _ = fmt.Fprintf(w, framedPage, port)
	}))
	t.Cleanup(srv.Close)
	port = srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	return srv.URL
}

// markerOf returns the marker of a browser's processes.
func markerOf(t *testing.T, b Browser) string {
	t.Helper()
	switch b := b.(type) {
	case *chromiumBrowser:
		return b.marker
	case *firefoxBrowser:
		return b.marker
	case *webkitBrowser:
		return b.marker
	}
	require.FailNow(t, "unknown browser type", "%T", b)
	return ""
}

// mainPID returns the process the engine started for the page: the browser
// (Chromium, Firefox) or the page's driver (WebKit, whose driver starts the
// browser).
func mainPID(t *testing.T, b Browser, p Page) int {
	t.Helper()
	switch b := b.(type) {
	case *chromiumBrowser:
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.cmd.Process.Pid
	case *firefoxBrowser:
		return b.proc.cmd.Process.Pid
	case *webkitBrowser:
		return p.(*page).d.(*webkitPage).proc.cmd.Process.Pid
	}
	require.FailNow(t, "unknown browser type", "%T", b)
	return 0
}

// openFramed opens a page on the framed site and checks that the browser's
// processes carry its marker.
func openFramed(t *testing.T, b Browser, site string) Page {
	t.Helper()
	p, err := b.NewPage(context.Background(), PageOptions{})
	require.NoError(t, err)
	require.NoError(t, p.Navigate(site))
	require.NoError(t, WaitFor(p, `document.querySelector('iframe').contentDocument === null`, time.Minute), "the frame is cross-origin")
	return p
}

// waitGone waits until no process carries marker, and fails listing those
// still there if that does not happen. The bound only stops the wait.
func waitGone(t *testing.T, marker string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		left := marked(marker)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			require.FailNow(t, "processes left running", "%v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNoBrowserLeftRunning: every process an engine starts (the browser,
// Xvfb), with the ones they fork (content, GPU, network, web processes,
// MiniBrowser), has ended once Close returns, also when the browser crashed
// first, and when the test process itself is killed.
func TestNoBrowserLeftRunning(t *testing.T) {
	if name := os.Getenv(childEngine); name != "" {
		runChild(t, name)
		return
	}
	names, err := Names()
	require.NoError(t, err)
	site := framedSite(t)
	proxy, err := netrec.Start()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, proxy.Close()) })

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Run("close", func(t *testing.T) {
				b, err := Launch(name, proxy)
				require.NoError(t, err)
				marker := markerOf(t, b)
				t.Cleanup(func() { _ = b.Close(); _ = sweep(marker) })
				openFramed(t, b, site)
				openFramed(t, b, site)
				require.GreaterOrEqual(t, len(marked(marker)), 2, "a browser and its content processes carry the marker")

				require.NoError(t, b.Close(), "pages left open")
				assert.Empty(t, marked(marker))
			})

			t.Run("after a crash", func(t *testing.T) {
				b, err := Launch(name, proxy)
				require.NoError(t, err)
				marker := markerOf(t, b)
				t.Cleanup(func() { _ = b.Close(); _ = sweep(marker) })
				p := openFramed(t, b, site)

				// The browser (or driver) dies alone, as in a crash: its
				// children lose their parent.
				require.NoError(t, syscall.Kill(mainPID(t, b, p), syscall.SIGKILL))
				assert.Error(t, p.Navigate(site), "the page went with its browser")
				_ = b.Close() // the crash may make Close report errors
				assert.Empty(t, marked(marker))
			})

			t.Run("test process killed", func(t *testing.T) {
				cmd := exec.Command(os.Args[0], "-test.run=^TestNoBrowserLeftRunning$", "-test.count=1")
				cmd.Env = append(os.Environ(), childEngine+"="+name)
				stdin, err := cmd.StdinPipe()
				require.NoError(t, err)
				defer stdin.Close()
				stdout, err := cmd.StdoutPipe()
				require.NoError(t, err)
				cmd.Stderr = os.Stderr
				require.NoError(t, cmd.Start())
				t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

				var marker string
				lines := bufio.NewScanner(stdout)
				for marker == "" && lines.Scan() {
					marker, _ = strings.CutPrefix(lines.Text(), "marker ")
				}
				require.NotEmpty(t, marker, "the child printed no marker: %v", lines.Err())
				t.Cleanup(func() { _ = sweep(marker) })
				require.GreaterOrEqual(t, len(marked(marker)), 2, "the child's browser runs")

				// SIGKILL: no deferred call, no Close, runs in the child.
				require.NoError(t, cmd.Process.Kill())
				_ = cmd.Wait()
				waitGone(t, marker)
			})
		})
	}
}

// runChild is the child process of TestNoBrowserLeftRunning: it starts a
// browser with an open page, says so, and waits until it is killed (or its
// parent closes stdin).
func runChild(t *testing.T, name string) {
	site := framedSite(t)
	proxy, err := netrec.Start()
	require.NoError(t, err)
	b, err := Launch(name, proxy)
	require.NoError(t, err)
	defer b.Close()
	openFramed(t, b, site)
	fmt.Printf("marker %s\n", markerOf(t, b))
	_, _ = io.Copy(io.Discard, os.Stdin)
}
