// Package e2e holds the widget's browser tests: each scenario is written once
// and run by every engine (Chromium, Firefox, WebKit) against the real
// preview server (serve.go) serving the real built bundle (web/dist), with
// every request that leaves the machine caught and recorded by a proxy.
package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civic-consent/consent/web/e2e/engine"
	"github.com/civic-consent/consent/web/e2e/netrec"
)

// recaptchaURL is Google's loader; the proxy answers it with stubRecaptcha,
// since there is no internet here.
const recaptchaURL = "https://www.google.com/recaptcha/api.js"

// stubRecaptcha does what matters of Google's loader: it counts its runs,
// renders a frame into each .g-recaptcha element and leaves a first-party
// storage key, as the real one does.
const stubRecaptcha = `window.recaptchaRuns = (window.recaptchaRuns || 0) + 1;
document.querySelectorAll('.g-recaptcha').forEach(function (el) {
  var f = document.createElement('iframe'); f.title = 'reCAPTCHA'; f.className = 'stub-recaptcha'; el.appendChild(f);
});
localStorage.setItem('_grecaptcha', 'stub-token');`

var (
	// siteURL is the preview server's base URL, without the final slash.
	siteURL  string
	proxy    *netrec.Proxy
	browsers *engine.Browsers
	// outDir receives screenshots.
	outDir string
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	root, err := filepath.Abs("../..")
	if err != nil {
		return 0, err
	}
	outDir = filepath.Join(root, "web", "e2e", "out")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return 0, err
	}
	stop, err := startServer(root)
	if err != nil {
		return 0, err
	}
	defer stop()
	proxy, err = netrec.Start()
	if err != nil {
		return 0, err
	}
	defer proxy.Close()
	if err := proxy.Stub(recaptchaURL, "text/javascript", stubRecaptcha); err != nil {
		return 0, err
	}
	browsers = engine.NewBrowsers(proxy)
	defer browsers.Close()
	return m.Run(), nil
}

// startServer builds serve.go and runs it on a free port, serving the bundle
// in web/dist (built by build.sh before the tests; serve.go builds it if it
// is missing).
func startServer(root string) (stop func(), err error) {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("consent-serve-%d", os.Getpid()))
	build := exec.Command("go", "build", "-o", bin, "serve.go")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building serve.go: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", filepath.Join(root, "web", "dist"))
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = os.Remove(bin)
	}
	lines := bufio.NewReader(stdout)
	first := make(chan string, 1)
	go func() {
		line, _ := lines.ReadString('\n')
		first <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, lines)
	}()
	select {
	case line := <-first:
		u, err := url.Parse(line)
		if err != nil || u.Host == "" {
			stop()
			return nil, fmt.Errorf("serve.go printed %q, not its URL", line)
		}
		siteURL = strings.TrimSuffix(line, "/")
	case <-time.After(5 * time.Minute):
		stop()
		return nil, fmt.Errorf("serve.go did not print its URL")
	}
	return stop, nil
}
