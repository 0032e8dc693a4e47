//go:build unix && !linux

package engine

import "syscall"

// groupAttr puts a process in a process group of its own. Only Linux can
// also tie its life to the test process's (Pdeathsig).
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
