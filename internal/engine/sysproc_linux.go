package engine

import "syscall"

// groupAttr puts a process in a process group of its own, and has the
// kernel kill it when the thread that started it ends: a killed test
// process then takes its browsers along.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
