// Command testsummary reads the output of the commands web/e2e/run-all.sh
// runs and sums it up:
//
//	go test -json ... | testsummary follow FILE   progress lines; the stream is saved to FILE
//	testsummary report FILE=STATUS...              failures in full, then the totals
//
// A report FILE is a saved `go test -json` stream or a check's plain output
// (go vet, gofmt), and STATUS the exit status of the command that wrote it.
// The report ends with one line per browser engine,
//
//	chromium: N scenarios passed, M failed
//
// counting the leaf tests run in that engine (a subtest named after it), and
// a last line "N passed, M failed" over everything: leaf tests, failures no
// leaf test accounts for (a build error, a panic, a timeout), and checks. It
// exits with status 1 when anything failed.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// engines are the browser engines the report has a line for.
var engines = []string{"chromium", "firefox", "webkit"}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: testsummary follow FILE | testsummary report FILE=STATUS...")
	}
	switch args[0] {
	case "follow":
		if len(args) != 2 {
			return fmt.Errorf("follow: want one file to save the stream to")
		}
		f, err := os.Create(args[1])
		if err != nil {
			return err
		}
		if err := follow(os.Stdout, os.Stdin, f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case "report":
		steps, err := readSteps(args[1:])
		if err != nil {
			return err
		}
		if report(os.Stdout, steps, engines) > 0 {
			os.Exit(1)
		}
		return nil
	}
	return fmt.Errorf("unknown command %q (want follow or report)", args[0])
}

// readSteps reads FILE=STATUS arguments.
func readSteps(args []string) ([]*step, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("report: no file given")
	}
	var steps []*step
	for _, a := range args {
		file, statusText, ok := strings.Cut(a, "=")
		status, err := strconv.Atoi(statusText)
		if !ok || err != nil {
			return nil, fmt.Errorf("report: %q is not FILE=STATUS", a)
		}
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		s, err := parseStep(name, status, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	return steps, nil
}
