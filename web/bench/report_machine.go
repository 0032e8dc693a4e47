package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
)

// browserName turns Browser.getVersion's product ("Chrome/156.0…") into
// what runs here.
func browserName(product string) string {
	if product == "" {
		return "no browser run"
	}
	_, version, _ := strings.Cut(product, "/")
	return "Chromium " + version + " headless"
}

// widgetSources are the paths the bundle is built from.
var widgetSources = []string{"go.mod", "go.sum", ":(glob)*.go", "wasm", "app", "web/src", "web/bundle"}

// gitVersion names the widget's source: the commit, and whether the
// widget's sources had changes not committed.
func gitVersion() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "an unknown commit"
	}
	v := "commit " + strings.TrimSpace(string(out))
	st, err := exec.Command("git", append([]string{"status", "--porcelain", "--"}, widgetSources...)...).Output()
	if err == nil && len(st) > 0 {
		v += " with uncommitted changes"
	}
	return v
}

// loadAverage is the machine's 1-minute load average: other work on the
// machine slows every number here.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

// cpuModel is the processor's name from /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
