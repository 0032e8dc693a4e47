package receipts

import (
	"maps"
	"os"
	"path/filepath"

	consent "github.com/civic-consent/consent"
)

// Preview is a receipts service for a built bundle, as the preview server
// and the benchmark run it: a SQLite store at the catalogue's receipts
// path, no rate limit on visitors (theirs, browsers under test included,
// all come from 127.0.0.1); wrong export tokens are limited as anywhere.
type Preview struct {
	*Handler
	// Dir is the folder of the SQLite file.
	Dir   string
	store *SQLiteStore
	tmp   bool
}

// OpenPreview opens a receipts service in dir, or in a temporary folder
// when dir is empty, accepting the revision of c and of every catalogue
// archived in bundleDir (catalogue.<revision>.json). token guards the
// export and the statistics (see CheckToken); empty, they are off.
func OpenPreview(c *consent.Catalogue, bundleDir, dir, token string) (*Preview, error) {
	p := &Preview{Dir: dir}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "civic-consent-receipts-")
		if err != nil {
			return nil, err
		}
		p.Dir, p.tmp = tmp, true
	}
	catalogues := NewCatalogues(c)
	if files, _ := filepath.Glob(filepath.Join(bundleDir, consent.ArchiveName("*"))); len(files) > 0 {
		archived, err := LoadCatalogues(files)
		if err != nil {
			p.Close()
			return nil, err
		}
		maps.Copy(catalogues, archived)
	}
	store, err := OpenSQLite(filepath.Join(p.Dir, "receipts.db"))
	if err != nil {
		p.Close()
		return nil, err
	}
	p.store = store
	if p.Handler, err = NewHandler(Config{Store: store, Catalogues: catalogues, Path: c.Site.Receipts, Token: token}); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close closes the store and removes the folder OpenPreview made.
func (p *Preview) Close() {
	if p.store != nil {
		p.store.Close()
	}
	if p.tmp {
		os.RemoveAll(p.Dir)
	}
}
