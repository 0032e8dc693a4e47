package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/civic-consent/consent/internal/netrec"
)

// chromiumBrowser is one Chromium process driven by chromedp; each page is
// a tab in its own browser context (an isolated, in-memory profile).
type chromiumBrowser struct {
	marker      string // carried by every process of this browser
	dataDir     string
	allocCancel context.CancelFunc
	ctx         context.Context // the browser's chromedp context
	cancel      context.CancelFunc

	mu  sync.Mutex
	cmd *exec.Cmd // the browser's command, once the allocator made it

	closeOnce sync.Once
	closeErr  error
}

func launchChromium(proxy *netrec.Proxy) (Browser, error) {
	dir, err := os.MkdirTemp("", "e2e-chromium-")
	if err != nil {
		return nil, fmt.Errorf("engine chromium: launch: %w", err)
	}
	out := &outputLog{}
	b := &chromiumBrowser{marker: newMarker(), dataDir: dir}
	opts := []chromedp.ExecAllocatorOption{
		// In a group of its own, tied to this process, and marked; this
		// replaces chromedp's own setting (Pdeathsig only).
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			cmd.SysProcAttr = groupAttr()
			b.mu.Lock()
			b.cmd = cmd
			b.mu.Unlock()
		}),
		chromedp.Env(markerVar + "=" + b.marker),
		chromedp.Flag("vmodule", vmoduleMarker(b.marker)),
		chromedp.ExecPath(ChromiumPath),
		// V8's baseline wasm compiler only. By default V8 also recompiles
		// the functions Go's start-up makes hot with its optimising
		// compiler: here 1.2 CPU-s of background threads for each page that
		// starts the wasm, optimised code a test page never runs long
		// enough to use. What the page does is the same either way; the
		// benchmark (web/bench) keeps V8's defaults, as visitors have them.
		chromedp.Flag("js-flags", "--liftoff-only"),
		chromedp.UserDataDir(dir),
		// Everything but loopback (which Chromium never proxies unless told
		// to) goes to the recording proxy, whose certificates are minted on
		// the fly.
		chromedp.ProxyServer("http://" + proxy.Addr()),
		chromedp.IgnoreCertErrors,
		chromedp.CombinedOutput(out),
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), append(ChromiumQuietFlags(), opts...)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b.allocCancel, b.ctx, b.cancel = allocCancel, ctx, cancel

	// The first run starts the browser and binds it to ctx, so it cannot
	// carry a timeout of its own.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(launchTimeout):
		err = fmt.Errorf("no answer after %v", launchTimeout)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("engine chromium: launch %s: %w; output:\n%s", ChromiumPath, err, out.tail())
	}
	return b, nil
}

func (b *chromiumBrowser) Name() string { return Chromium }

func (b *chromiumBrowser) NewPage(ctx context.Context, opts PageOptions) (Page, error) {
	if b.ctx.Err() != nil {
		return nil, fmt.Errorf("engine chromium: new page: %w", errClosed)
	}
	w, h := viewport(opts)
	d := &chromiumPage{}
	// The listener is in place before the tab reads its first message, so
	// it sees every message of every document the tab loads.
	tab, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(d.log.listen))
	d.tab, d.cancel = tab, cancel
	p := newPage(ctx, Chromium, d)
	setup := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := chromedp.EmulateViewport(int64(w), int64(h))(ctx, t); err != nil {
			return chromedp.Void{}, err
		}
		if opts.GPC {
			_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: gpcJS})
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, nil
	}
	// The first run on the tab's context creates the tab; like the
	// browser's, it must run on that context itself.
	done := make(chan error, 1)
	go func() {
		_, err := chromedp.Run(tab, setup)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(opTimeout):
		err = fmt.Errorf("no answer after %v", opTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("engine chromium: new page: %w", err)
	}
	return p, nil
}

// Close ends the browser: chromedp kills its main process and waits for
// it, then the rest of its group and any marked process that left the group
// are killed.
func (b *chromiumBrowser) Close() error {
	b.closeOnce.Do(func() {
		b.cancel()
		b.allocCancel()
		b.mu.Lock()
		cmd := b.cmd
		b.mu.Unlock()
		if cmd != nil && cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		if err := errors.Join(sweep(b.marker), os.RemoveAll(b.dataDir)); err != nil {
			b.closeErr = fmt.Errorf("engine chromium: close: %w", err)
		}
	})
	return b.closeErr
}

// chromiumPage drives one tab.
type chromiumPage struct {
	tab    context.Context
	cancel context.CancelFunc
	log    chromiumConsole
}

// run runs a on the tab, for as long as ctx (an operation's context) allows.
func run[T any](ctx context.Context, tab context.Context, a chromedp.Action[T]) (T, error) {
	c, cancel := context.WithCancel(tab)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	v, err := chromedp.Run(c, a)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w (%w)", err, ctx.Err())
	}
	return v, err
}

func (d *chromiumPage) navigate(ctx context.Context, url string) error {
	_, err := run(ctx, d.tab, chromedp.Navigate(url))
	return err
}

func (d *chromiumPage) evaluate(ctx context.Context, expr string) (string, error) {
	return run(ctx, d.tab, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
}

func (d *chromiumPage) click(ctx context.Context, x, y float64) error {
	_, err := run(ctx, d.tab, chromedp.Steps(
		chromedp.MouseEvent(chromedp.MouseMoved, x, y),
		chromedp.MouseClickXY(x, y),
	))
	return err
}

func (d *chromiumPage) press(ctx context.Context, k key) error {
	var opts []chromedp.KeyOption
	if k.shift {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	_, err := run(ctx, d.tab, chromedp.KeyEvent(k.cdp, opts...))
	return err
}

func (d *chromiumPage) cookies(ctx context.Context) ([]Cookie, error) {
	res, err := run(ctx, d.tab, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{})
	})
	if err != nil {
		return nil, err
	}
	out := make([]Cookie, 0, len(res.Cookies))
	for _, c := range res.Cookies {
		exp := time.Time{}
		if !c.Session {
			exp = unixTime(c.Expires)
		}
		out = append(out, Cookie{
			Name:     c.Name,
			Value:    c.Value,
			Domain:   trimDot(c.Domain),
			Path:     c.Path,
			Expires:  exp,
			Secure:   c.Secure,
			HTTPOnly: c.HTTPOnly,
			SameSite: normSameSite(string(c.SameSite)),
		})
	}
	return out, nil
}

func (d *chromiumPage) screenshot(ctx context.Context) ([]byte, error) {
	return run(ctx, d.tab, chromedp.CaptureScreenshot())
}

func (d *chromiumPage) console() ([]ConsoleMessage, error) { return d.log.all(), nil }

func (d *chromiumPage) close() error {
	d.cancel()
	return nil
}
