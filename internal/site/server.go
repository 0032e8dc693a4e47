package site

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// BundleEntry is the bundle's loader, the one file every host page names; a
// bundle directory without it has not been built.
const BundleEntry = "consent.js"

// EnsureBundle runs the build script as "script --out dir" when dir has no
// BundleEntry, or always when force is set, and checks that the script
// produced it. The script runs in its own directory (the module root for
// build.sh); its output goes to log.
func EnsureBundle(dir, script string, force bool, log io.Writer) error {
	return EnsureBundleOf("", dir, script, force, log)
}

// EnsureBundleOf is EnsureBundle for a site's own catalogue file, built with
// "script --catalogue catalogue --out dir"; "" means the seed's.
func EnsureBundleOf(catalogue, dir, script string, force bool, log io.Writer) error {
	entry := filepath.Join(dir, BundleEntry)
	if !force {
		_, err := os.Stat(entry)
		if err == nil {
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("bundle: %w", err)
		}
	}
	abs, err := filepath.Abs(script)
	if err != nil {
		return fmt.Errorf("bundle: build script %s: %w", script, err)
	}
	out, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("bundle: directory %s: %w", dir, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("bundle: %s is missing and cannot be built: %w (run from the module root)", entry, err)
	}
	args := []string{"--out", out}
	if catalogue != "" {
		file, err := filepath.Abs(catalogue)
		if err != nil {
			return fmt.Errorf("bundle: catalogue %s: %w", catalogue, err)
		}
		args = append(args, "--catalogue", file)
	}
	fmt.Fprintf(log, "building the bundle into %s with %s\n", dir, script)
	cmd := exec.Command(abs, args...)
	cmd.Dir = filepath.Dir(abs)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bundle: %s failed: %w", script, err)
	}
	if _, err := os.Stat(entry); err != nil {
		return fmt.Errorf("bundle: %s succeeded but %s is missing: %w", script, entry, err)
	}
	return nil
}

// Listen listens on addr (host:port; port 0 picks a free one) and returns
// the URL the site is reachable at, with the port actually bound.
func Listen(addr string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		ln.Close()
		return nil, "", fmt.Errorf("listen on %s: not a TCP address: %s", addr, ln.Addr())
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		// Listening on every interface: loopback is one of them.
		host = "127.0.0.1"
	}
	return ln, "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port)) + "/", nil
}

// Server timeouts: a client that stalls (sends headers or a body slowly, or
// never reads the answer) loses its connection instead of holding it.
const (
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds the whole request, body included; the largest
	// body the site accepts is the contact form's 64 KB.
	readTimeout = 30 * time.Second
	// writeTimeout bounds an answer; the largest is the wasm (about 7 MB
	// uncompressed).
	writeTimeout = 2 * time.Minute
	idleTimeout  = 2 * time.Minute
)

// Server returns the preview server for handler, with the timeouts above.
func Server(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
	}
}
