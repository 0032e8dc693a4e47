package engine

import (
	"errors"
	"sync"
	"testing"

	"github.com/civic-consent/consent/internal/netrec"
)

// Browsers holds one running browser per engine selected by E2E_ENGINES,
// each started on first use and shared by the tests of a package, since a
// start costs seconds. A typical TestMain:
//
//	var browsers *engine.Browsers
//
//	func TestMain(m *testing.M) {
//		proxy, err := netrec.Start()
//		if err != nil {
//			log.Fatal(err)
//		}
//		browsers = engine.NewBrowsers(proxy)
//		code := m.Run()
//		browsers.Close()
//		proxy.Close()
//		os.Exit(code)
//	}
//
// Pages stay isolated from each other, but the proxy's record is shared:
// a test that asserts on it calls Reset first and does not run in parallel
// with other tests of the same proxy.
type Browsers struct {
	proxy *netrec.Proxy

	mu       sync.Mutex
	running  map[string]Browser
	failures map[string]error
}

// NewBrowsers returns an empty set whose browsers will use proxy.
func NewBrowsers(proxy *netrec.Proxy) *Browsers {
	return &Browsers{proxy: proxy, running: map[string]Browser{}, failures: map[string]error{}}
}

// Run runs fn as one subtest per selected engine, named after it, with
// that engine's browser. A browser that cannot start fails its subtest (and
// is not retried); a bad E2E_ENGINES fails t.
func (s *Browsers) Run(t *testing.T, fn func(t *testing.T, b Browser)) {
	t.Helper()
	names, err := Names()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := s.get(name)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, b)
		})
	}
}

// get returns the running browser of an engine, launching it if needed.
func (s *Browsers) get(name string) (Browser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.running[name]; ok {
		return b, nil
	}
	if err, ok := s.failures[name]; ok {
		return nil, err
	}
	b, err := Launch(name, s.proxy)
	if err != nil {
		s.failures[name] = err
		return nil, err
	}
	s.running[name] = b
	return b, nil
}

// Close closes every browser the set started.
func (s *Browsers) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name, b := range s.running {
		errs = append(errs, b.Close())
		delete(s.running, name)
	}
	return errors.Join(errs...)
}
