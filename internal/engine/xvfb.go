package engine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// xvfbPath is Debian's virtual X server.
const xvfbPath = "/usr/bin/Xvfb"

// startXvfb starts a virtual X server on a display number it picks itself
// (-displayfd) and returns the process and the DISPLAY value. The screen is
// large enough for any window a test asks for. The process carries marker.
func startXvfb(ctx context.Context, marker string) (*process, string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, "", fmt.Errorf("xvfb: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(xvfbPath, "-displayfd", "3", "-screen", "0", "3840x2160x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	p, err := startProcess("Xvfb", cmd, marker, nil)
	w.Close()
	if err != nil {
		return nil, "", err
	}
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
	}()
	select {
	case n := <-num:
		if n == "" {
			p.stop()
			return nil, "", fmt.Errorf("xvfb: no display number; %v", p.exited())
		}
		return p, ":" + n, nil
	case <-ctx.Done():
		p.stop()
		return nil, "", fmt.Errorf("xvfb: no display number: %w; output:\n%s", ctx.Err(), p.out.tail())
	}
}
