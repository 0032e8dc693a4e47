package receipts

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// pgServer is a throw-away PostgreSQL server that the tests of this
// package share: started on first use from Debian's postgresql package,
// in a temp folder, on 127.0.0.1 only, and stopped by TestMain.
type pgServer struct {
	cmd  *exec.Cmd
	dir  string
	port int
	log  *lockedBuffer
	dbs  atomic.Int64
	done chan struct{}
}

var shared struct {
	once sync.Once
	pg   *pgServer
	err  error
}

// postgresDSN returns the DSN of a new, empty database on the shared
// server, failing the test when no server can be started.
func postgresDSN(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.pg, shared.err = startPostgres() })
	require.NoError(t, shared.err, "PostgreSQL is needed by this test")
	pg := shared.pg
	name := fmt.Sprintf("receipts_%d", pg.dbs.Add(1))
	conn, err := pgx.Connect(context.Background(), pg.dsn("postgres"))
	require.NoError(t, err, "connect to the test PostgreSQL")
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), "CREATE DATABASE "+name)
	require.NoError(t, err)
	return pg.dsn(name)
}

func (pg *pgServer) dsn(db string) string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=%s sslmode=disable", pg.port, db)
}

// postgresBin finds the newest server binaries Debian installs.
func postgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries (initdb, postgres) under /usr/lib/postgresql/*/bin: install Debian's postgresql package (./build.sh setup, or apt-get install postgresql)")
}

// startPostgres runs initdb in a new temp folder and starts the server on
// a free port of 127.0.0.1 (and a socket in the folder). As root, both run
// as the postgres user, since initdb refuses root. The server gets SIGQUIT
// if the test process dies before stopping it.
func startPostgres() (*pgServer, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "receipts-pg-")
	if err != nil {
		return nil, err
	}
	pg := &pgServer{dir: dir, log: &lockedBuffer{}, done: make(chan struct{})}
	fail := func(err error) (*pgServer, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	var cred *syscall.Credential
	initdb := []string{filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"}
	if os.Getuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fail(fmt.Errorf("running as root, the tests need the postgres user to run PostgreSQL: %w", err))
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return fail(err)
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		initdb = append([]string{"runuser", "-u", "postgres", "--"}, initdb...)
	}
	if out, err := exec.Command(initdb[0], initdb[1:]...).CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %v\n%s", err, out))
	}
	if pg.port, err = freePort(); err != nil {
		return fail(err)
	}
	pg.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"),
		"-h", "127.0.0.1", "-p", strconv.Itoa(pg.port), "-k", dir, "-c", "max_connections=60")
	pg.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	stderr, err := pg.cmd.StderrPipe()
	if err != nil {
		return fail(err)
	}
	if err := pg.cmd.Start(); err != nil {
		return fail(fmt.Errorf("start postgres: %w", err))
	}
	ready := make(chan bool, 1)
	go func() {
		defer close(pg.done)
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			pg.log.WriteLine(sc.Text())
			if !signalled && strings.Contains(sc.Text(), "ready to accept connections") {
				ready <- true
				signalled = true
			}
		}
		if !signalled {
			ready <- false
		}
	}()
	if !<-ready {
		pg.cmd.Wait()
		return fail(fmt.Errorf("postgres stopped before it was ready:\n%s", pg.log))
	}
	return pg, nil
}

// stop shuts the server down (fast mode) and removes its folder.
func (pg *pgServer) stop() error {
	pg.cmd.Process.Signal(syscall.SIGINT)
	<-pg.done
	err := pg.cmd.Wait()
	os.RemoveAll(pg.dir)
	if err != nil {
		return fmt.Errorf("postgres: %v\n%s", err, pg.log)
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer collects a process's log lines.
type lockedBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *lockedBuffer) WriteLine(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, s)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.pg != nil {
		if err := shared.pg.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test PostgreSQL:", err)
		}
	}
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
