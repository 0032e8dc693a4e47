package receipts

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// built is the consent-receipts binary, built once for the tests of this
// package and removed by TestMain.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func commandBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "consent-receipts-bin-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "consent-receipts")
		out, err := exec.Command("go", "build", "-o", built.bin, "./cmd/consent-receipts").CombinedOutput()
		if err != nil {
			built.err = &buildError{err: err, out: string(out)}
		}
	})
	require.NoError(t, built.err, "building the command")
	return built.bin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string {
	return "go build ./cmd/consent-receipts: " + e.err.Error() + "\n" + e.out
}

// running is the command started by startCommand.
type running struct {
	cmd  *exec.Cmd
	url  string
	log  *lockedBuffer
	done chan struct{}
}

// startCommand runs consent-receipts on a free port of 127.0.0.1 and waits
// until it listens. It is killed at the end of the test if still running,
// and with SIGKILL if the test process dies.
func startCommand(t testing.TB, args ...string) *running {
	t.Helper()
	r := &running{log: &lockedBuffer{}, done: make(chan struct{})}
	r.cmd = exec.Command(commandBinary(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := r.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, r.cmd.Start())
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		<-r.done
		r.cmd.Wait()
	})
	listening := make(chan string, 1)
	go func() {
		defer close(r.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.log.WriteLine(sc.Text())
			if url, ok := strings.CutPrefix(sc.Text(), "consent-receipts: listening on "); ok {
				listening <- url
			}
		}
		close(listening)
	}()
	url, ok := <-listening
	require.True(t, ok, "consent-receipts stopped before listening:\n%s", r.log)
	r.url = url
	return r
}

// export fetches every receipt through the command's export.
func (r *running) export(t testing.TB) []Receipt {
	req, err := http.NewRequest(http.MethodGet, r.url+"?format=json", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	code, out := do(t, req)
	require.Equal(t, http.StatusOK, code, out)
	var got []Receipt
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	return got
}

// ackedBeforeKill is how many receipts the burst has acknowledged when the
// service is killed.
const ackedBeforeKill = 300

func TestAcknowledgedReceiptsSurviveSIGKILL(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Setenv(TokenEnv, testToken)
			args := append(b.args(t), "-rate", "1e6", "-burst", "1000000")
			svc := startCommand(t, args...)

			var (
				mu         sync.Mutex
				sent       = make(map[Key]bool)
				acked      []Key
				inFlight   atomic.Int64
				killOnce   sync.Once
				killed     = make(chan struct{})
				wg         sync.WaitGroup
				c          = consent.Seed()
				client     = &http.Client{Timeout: time.Minute}
				unexpected []string
			)
			for range 8 {
				wg.Go(func() {
					for {
						select {
						case <-killed:
							return
						default:
						}
						rec := consent.AcceptAll(c, time.Now(), newID(t))
						mu.Lock()
						sent[Key{rec.ID, ActionAcceptAll, rec.Time}] = true
						mu.Unlock()
						inFlight.Add(1)
						resp, err := client.Post(svc.url, "application/json", bytes.NewReader(body(t, rec, ActionAcceptAll)))
						inFlight.Add(-1)
						if err != nil {
							return // the service is gone
						}
						resp.Body.Close()
						mu.Lock()
						if resp.StatusCode == http.StatusCreated {
							acked = append(acked, Key{rec.ID, ActionAcceptAll, rec.Time})
						} else {
							unexpected = append(unexpected, resp.Status)
						}
						n := len(acked)
						mu.Unlock()
						if n >= ackedBeforeKill {
							killOnce.Do(func() {
								require.NoError(t, svc.cmd.Process.Signal(syscall.SIGKILL))
								close(killed)
							})
						}
					}
				})
			}
			wg.Wait()
			<-svc.done
			err := svc.cmd.Wait()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit)
			assert.Equal(t, syscall.SIGKILL, exit.Sys().(syscall.WaitStatus).Signal(), "killed, not stopped")
			assert.Empty(t, unexpected, "every receipt of the burst is valid")
			require.GreaterOrEqual(t, len(acked), ackedBeforeKill)

			restarted := startCommand(t, args...)
			stored := make(map[Key]bool)
			for _, r := range restarted.export(t) {
				stored[r.Key()] = true
				assert.True(t, sent[r.Key()], "stored receipt %v was sent", r.Key())
			}
			for _, k := range acked {
				assert.True(t, stored[k], "acknowledged receipt %v survived the SIGKILL", k)
			}
			t.Logf("%s: %d acknowledged, %d stored, %d sent in all", b.name, len(acked), len(stored), len(sent))
		})
	}
}

func TestCommandRetentionDeletesOldReceiptsAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "receipts.db")
	s, err := OpenSQLite(path)
	require.NoError(t, err)
	today := time.Now().UTC().Truncate(time.Second)
	old := seedReceipt("oooooooooooooooo", ActionAcceptAll, today.AddDate(0, -13, -1))
	kept := seedReceipt("kkkkkkkkkkkkkkkk", ActionAcceptAll, today.AddDate(0, -12, 0))
	for _, r := range []Receipt{old, kept} {
		_, err := s.Add(t.Context(), r)
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())

	t.Setenv(TokenEnv, testToken) // the token from the environment
	svc := startCommand(t, "-sqlite", path, "-retain", "13mo")
	assert.Equal(t, []Receipt{kept}, svc.export(t))
	assert.Contains(t, svc.log.String(), "retention deleted 1 receipt(s)")
}

func TestCommandWithoutTokenHasNoExport(t *testing.T) {
	t.Setenv(TokenEnv, "")
	svc := startCommand(t, "-sqlite", filepath.Join(t.TempDir(), "receipts.db"))
	assert.Contains(t, svc.log.String(), "export and statistics off: no token")
	req, err := http.NewRequest(http.MethodGet, svc.url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer ")
	code, msg := do(t, req)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, msg, "export is off")

	require.NoError(t, svc.cmd.Process.Signal(syscall.SIGTERM))
	<-svc.done
	assert.NoError(t, svc.cmd.Wait(), "SIGTERM stops the service cleanly")
}

func TestCommandRefusesBadSettings(t *testing.T) {
	bin := commandBinary(t)
	dir := t.TempDir()
	shortToken := filepath.Join(dir, "short-token")
	require.NoError(t, os.WriteFile(shortToken, []byte("0123456789abcdef\n"), 0o600))
	t.Setenv(TokenEnv, "")
	for args, want := range map[string]string{
		"-sqlite " + dir:                                "create the tables in SQLite " + dir,
		"-sqlite file:x.db":                             "want a plain file name",
		"-retain 3mo":                                   "-retain 3mo is shorter than the 183 days a choice lasts",
		"-retain forever":                               "retention \"forever\" is not",
		"-catalogue nowhere/*":                          "matches no file",
		"-rate 0":                                       "-rate must be positive",
		"-token " + testToken:                           "flag provided but not defined: -token",
		"-token-file " + shortToken:                     "the export token has 16 characters, fewer than 32",
		"-token-file " + dir + "/none":                  "reading the export token",
		"-trusted-proxy 10.0.0.1":                       "-trusted-proxy needs -client-ip-header",
		"-client-ip-header X-Forwarded-For":             "needs the addresses of the proxies",
		"-client-ip-header Via -trusted-proxy 10.0.0.1": "want X-Forwarded-For, Forwarded or X-Real-IP",
		"-client-ip-header Forwarded -trusted-proxy proxy.lan": "neither an IP address nor a CIDR prefix",
	} {
		// A command that wrongly starts serving is killed after a minute,
		// so that the test fails instead of hanging.
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		cmd := exec.CommandContext(ctx, bin, append(strings.Fields(args), "-addr", "127.0.0.1:0")...)
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		out, err := cmd.CombinedOutput()
		cancel()
		assert.Error(t, err, args)
		assert.Contains(t, string(out), want, args)
	}
}

// TestCommandBehindAProxy: with -client-ip-header and -trusted-proxy, the
// command counts each visitor its proxy names, whatever the visitor wrote
// in the header itself.
func TestCommandBehindAProxy(t *testing.T) {
	t.Setenv(TokenEnv, testToken)
	svc := startCommand(t, "-sqlite", filepath.Join(t.TempDir(), "receipts.db"), "-rate", "0.001", "-burst", "1",
		"-client-ip-header", "X-Forwarded-For", "-trusted-proxy", "10.9.9.9,127.0.0.1")
	post := func(forwarded string) int {
		req, err := http.NewRequest(http.MethodPost, svc.url, bytes.NewReader(body(t, consent.AcceptAll(consent.Seed(), time.Now(), newID(t)), ActionAcceptAll)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forwarded)
		code, _ := do(t, req)
		return code
	}
	assert.Equal(t, http.StatusCreated, post("198.51.100.1"))
	assert.Equal(t, http.StatusCreated, post("198.51.100.2"), "another visitor, another bucket")
	assert.Equal(t, http.StatusTooManyRequests, post("203.0.113.5, 198.51.100.1"), "the same visitor, whatever it wrote before")
}
