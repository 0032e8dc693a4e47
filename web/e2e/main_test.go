// Package e2e holds the widget's browser tests: each scenario is written once
// and run by every engine (Chromium, Firefox, WebKit) against the real
// preview server (serve.go) serving the real built bundle (web/dist), with
// every request that leaves the machine caught and recorded by a proxy.
package e2e

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/internal/netrec"
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
	// rootDir is the module root, distDir the seed bundle (web/dist) and
	// serveBin serve.go, built.
	rootDir, distDir, serveBin string
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
	rootDir = root
	distDir = filepath.Join(root, "web", "dist")
	serveBin, err = buildServer(root)
	if err != nil {
		return 0, err
	}
	defer os.Remove(serveBin)
	u, stop, err := startServer(distDir)
	if err != nil {
		return 0, err
	}
	defer stop()
	defer stopSecondSites()
	siteURL = u
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

// buildServer builds serve.go once, for every server the tests start.
func buildServer(root string) (string, error) {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("consent-serve-%d", os.Getpid()))
	build := exec.Command("go", "build", "-o", bin, "serve.go")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building serve.go: %v\n%s", err, out)
	}
	return bin, nil
}

// startServer runs serve.go on a free port, serving the bundle in dir (for
// web/dist, built by build.sh before the tests; serve.go builds it if it is
// missing) with serve.go's extra flags, and returns its base URL, without
// the final slash. stop ends it, and whatever it started, with SIGTERM (so
// that it removes its temporary folder), then SIGKILL if it lingers.
func startServer(dir string, flags ...string) (siteURL string, stop func(), err error) {
	cmd := exec.Command(serveBin, append([]string{"-addr", "127.0.0.1:0", "-dir", dir}, flags...)...)
	cmd.Dir = rootDir // where build.sh is
	first := make(chan string, 1)
	srv, err := engine.StartCommand("serve.go", cmd, func(line string) {
		// The first line on stdout is the URL; the rest (build output on
		// stderr) is shown.
		if strings.HasPrefix(line, "http://") {
			select {
			case first <- strings.TrimSpace(line):
				return
			default:
			}
		}
		fmt.Fprintln(os.Stderr, line)
	})
	if err != nil {
		return "", nil, err
	}
	stop = func() {
		if err := srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
		}
	}
	exited := time.NewTicker(100 * time.Millisecond)
	defer exited.Stop()
	hung := time.After(5 * time.Minute)
	for {
		select {
		case line := <-first:
			u, err := url.Parse(line)
			if err != nil || u.Host == "" {
				stop()
				return "", nil, fmt.Errorf("serve.go printed %q, not its URL", line)
			}
			return strings.TrimSuffix(line, "/"), stop, nil
		case <-exited.C:
			if err := srv.Exited(); err != nil {
				return "", nil, fmt.Errorf("serve.go did not print its URL: %w", err)
			}
		case <-hung:
			stop()
			return "", nil, fmt.Errorf("serve.go did not print its URL")
		}
	}
}
