// Command consent-receipts runs the receipts service of the consent widget:
// it stores the receipts the widget sends after each choice, keeps the
// public log of the catalogue revisions they answer, and gives the site's
// DPO exports and statistics.
//
//	consent-receipts [-addr 127.0.0.1:8089] [-path /consent/receipts]
//	                 [-sqlite consent-receipts.db | -postgres DSN]
//	                 [-catalogue FILE_OR_GLOB]... [-retain 13mo]
//	                 [-rate 1 -burst 30] [-token-file FILE] [-archive-url /consent/]
//	                 [-client-ip-header X-Forwarded-For -trusted-proxy ADDR[,ADDR]...]
//
// Receipts go to the SQLite file unless a PostgreSQL DSN is given (flag or
// CONSENT_RECEIPTS_POSTGRES). Receipts are accepted for the catalogues
// given (the archived catalogue.<revision>.json files of the bundle, or
// any catalogue JSON), by default the built-in one. The export and the
// statistics need a token of at least 32 characters, from
// CONSENT_RECEIPTS_TOKEN or the file -token-file names (never a flag,
// which every user of the machine sees in the process list); without one
// they are off. Receipts of choices older than -retain are deleted at start
// and every hour; the retention must cover the catalogues' consent
// lifetime. Behind a reverse proxy, -client-ip-header and -trusted-proxy
// say which proxies name the visitor, and in which header, for the rate
// limit; by default the visitor is the address the connection comes from.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/web/receipts"
)

// retentionEvery is how often old receipts are deleted.
const retentionEvery = time.Hour

type patterns []string

func (p *patterns) String() string     { return strings.Join(*p, ",") }
func (p *patterns) Set(v string) error { *p = append(*p, v); return nil }

// splitList splits comma-separated values.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "consent-receipts:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("consent-receipts", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8089", "address to listen on")
	path := fs.String("path", "/consent/receipts", "URL path of the service: POST receipts, GET exports; the revisions log and the statistics are under it")
	sqlitePath := fs.String("sqlite", "consent-receipts.db", "SQLite database file (used unless a PostgreSQL DSN is given)")
	dsn := fs.String("postgres", "", "PostgreSQL DSN (default $CONSENT_RECEIPTS_POSTGRES; none means SQLite)")
	tokenFile := fs.String("token-file", "", "file holding the export token (default: $CONSENT_RECEIPTS_TOKEN; none turns the export and statistics off)")
	header := fs.String("client-ip-header", "", "header in which the -trusted-proxy proxies name the visitor: X-Forwarded-For, Forwarded or X-Real-IP (default: none, the visitor is the connection's address)")
	var proxies patterns
	fs.Var(&proxies, "trusted-proxy", "address or CIDR prefix of a reverse proxy trusted to set -client-ip-header, repeatable or comma-separated")
	archiveURL := fs.String("archive-url", "/consent/", "where the site serves the archived catalogue.<revision>.json files, for the notices of ISO/IEC TS 27560 exports")
	retain := fs.String("retain", "13mo", "delete receipts of choices older than this: days (400d), months (13mo) or years (2y)")
	rate := fs.Float64("rate", 1, "requests a second allowed per visitor, after a burst (the DPO's requests are not counted)")
	burst := fs.Int("burst", 30, "requests a visitor may make at once")
	var cats patterns
	fs.Var(&cats, "catalogue", "catalogue JSON file or glob accepted, repeatable (default: the built-in catalogue)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// Secrets are read after parsing, so that -help never prints them as
	// defaults.
	token, err := receipts.ReadToken(*tokenFile)
	if err != nil {
		return err
	}
	if token != "" {
		if err := receipts.CheckToken(token); err != nil {
			return err
		}
	}
	var trusted *receipts.TrustedProxies
	if *header != "" || len(proxies) > 0 {
		if *header == "" {
			return errors.New("-trusted-proxy needs -client-ip-header, the header those proxies set")
		}
		if trusted, err = receipts.NewTrustedProxies(*header, splitList(proxies)); err != nil {
			return err
		}
	}
	if *dsn == "" {
		*dsn = os.Getenv("CONSENT_RECEIPTS_POSTGRES")
	}
	if *rate <= 0 || *burst < 1 {
		return errors.New("-rate must be positive and -burst at least 1")
	}

	catalogues := receipts.NewCatalogues(consent.Seed())
	if len(cats) > 0 {
		if catalogues, err = receipts.LoadCatalogues(cats); err != nil {
			return err
		}
	}
	retention, err := receipts.ParseRetention(*retain)
	if err != nil {
		return err
	}
	if !retention.Covers(catalogues.MaxAge(), time.Now()) {
		return fmt.Errorf("-retain %s is shorter than the %d days a choice lasts: a receipt must outlive its choice", retention, catalogues.MaxAge()/(24*time.Hour))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var store receipts.Store
	if *dsn != "" {
		store, err = receipts.OpenPostgres(ctx, *dsn)
	} else {
		store, err = receipts.OpenSQLite(*sqlitePath)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	if err := deleteOld(ctx, store, retention); err != nil {
		return err
	}
	go func() {
		tick := time.NewTicker(retentionEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := deleteOld(ctx, store, retention); err != nil {
					slog.Error("retention", "err", err)
				}
			}
		}
	}()

	h, err := receipts.NewHandler(receipts.Config{
		Store:      store,
		Catalogues: catalogues,
		Path:       *path,
		ArchiveURL: *archiveURL,
		Token:      token,
		Limiter:    receipts.NewLimiter(*rate, *burst, nil),
		Proxies:    trusted,
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(*path, h)
	if *path != "/" {
		mux.Handle(*path+"/", h) // the revisions log, the statistics
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	backend := "SQLite " + *sqlitePath
	if *dsn != "" {
		backend = "PostgreSQL"
	}
	fmt.Fprintf(os.Stderr, "consent-receipts: storing in %s, keeping %s, %d catalogue revision(s)\n", backend, retention, len(catalogues))
	if !h.ExportEnabled() {
		fmt.Fprintln(os.Stderr, "consent-receipts: export and statistics off: no token (set CONSENT_RECEIPTS_TOKEN or give -token-file to turn them on)")
	}
	fmt.Fprintf(os.Stderr, "consent-receipts: listening on http://%s%s\n", ln.Addr(), *path)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Let the requests in progress finish before the store closes.
	<-stopped
	return nil
}

// deleteOld applies the retention once.
func deleteOld(ctx context.Context, store receipts.Store, r receipts.Retention) error {
	cutoff := r.Cutoff(time.Now())
	n, err := store.DeleteBefore(ctx, cutoff)
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	if n > 0 {
		fmt.Fprintf(os.Stderr, "consent-receipts: retention deleted %d receipt(s) of choices before %s\n", n, cutoff.UTC().Format(time.RFC3339))
	}
	return nil
}
