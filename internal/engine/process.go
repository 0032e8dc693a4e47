package engine

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a helper program (Firefox, WebKitWebDriver, Xvfb) in its own
// process group, so that stopping it also stops the children it spawned.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *outputLog
	done chan struct{} // closed when the process has exited
	err  error         // exit error, set before done closes
}

// startProcess starts cmd in its own process group, marked with marker (see
// markerVar), keeping the tail of its output for error messages; each line
// of output is also passed to watch, if not nil.
//
// On Linux the process also gets SIGKILL when the thread that started it
// ends (Pdeathsig), so a killed test takes it along. That thread is the one
// of the goroutine that starts and waits for the process, locked to it until
// the process has exited: a Go thread can otherwise end, or start other
// goroutines, while the process runs (go.dev/issue/27505).
func startProcess(name string, cmd *exec.Cmd, marker string, watch func(line string)) (*process, error) {
	p := &process{name: name, cmd: cmd, out: &outputLog{watch: watch}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, markerVar+"="+marker)
	cmd.SysProcAttr = groupAttr()
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, nil
}

// exited returns an error saying that the process ended (with its output)
// if it has, nil otherwise.
func (p *process) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited (%v); output:\n%s", p.name, p.err, p.out.tail())
	default:
		return nil
	}
}

// stop ends the process group: SIGTERM, then SIGKILL if it lingers. It
// returns once the process has exited and been waited for.
func (p *process) stop() error {
	pgid := -p.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-p.done
	}
	// The group may hold children that outlived their parent.
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	return nil
}

// outputLog keeps the last part of a process's output and feeds complete
// lines to a watcher.
type outputLog struct {
	mu      sync.Mutex
	buf     []byte
	partial []byte
	watch   func(string)
}

const outputKeep = 16 << 10

func (o *outputLog) Write(b []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, b...)
	if len(o.buf) > outputKeep {
		o.buf = o.buf[len(o.buf)-outputKeep:]
	}
	if o.watch != nil {
		o.partial = append(o.partial, b...)
		for {
			i := bytes.IndexByte(o.partial, '\n')
			if i < 0 {
				break
			}
			o.watch(strings.TrimRight(string(o.partial[:i]), "\r"))
			o.partial = o.partial[i+1:]
		}
	}
	return len(b), nil
}

func (o *outputLog) tail() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago, for
// programs that cannot pick their own.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitPort waits until addr accepts TCP connections or the process exits.
func waitPort(ctx context.Context, p *process, addr string) error {
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if err := p.exited(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: no listener on %s: %w; output:\n%s", p.name, addr, ctx.Err(), p.out.tail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
