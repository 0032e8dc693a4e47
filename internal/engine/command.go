package engine

import (
	"errors"
	"fmt"
	"os/exec"
)

// Command is a program a test starts besides the browsers (a server, say),
// run the way the engines run theirs: in a process group of its own, its
// processes marked, and on Linux killed along with the test process.
type Command struct {
	p      *process
	marker string
}

// StartCommand starts cmd. Each line it writes (stdout and stderr) goes to
// watch, if not nil; cmd's own Stdout and Stderr are replaced.
func StartCommand(name string, cmd *exec.Cmd, watch func(line string)) (*Command, error) {
	marker := newMarker()
	p, err := startProcess(name, cmd, marker, watch)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return &Command{p: p, marker: marker}, nil
}

// Exited returns an error with the end of its output if the program has
// exited, nil while it runs.
func (c *Command) Exited() error { return c.p.exited() }

// Stop sends SIGTERM to the program's group, then SIGKILL if it lingers,
// waits for it, and kills whatever it started that left the group.
func (c *Command) Stop() error {
	if err := errors.Join(c.p.stop(), sweep(c.marker)); err != nil {
		return fmt.Errorf("engine: stop %s: %w", c.p.name, err)
	}
	return nil
}
