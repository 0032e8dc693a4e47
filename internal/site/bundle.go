package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// bundle serves the files of the build output directory at /consent/, in the
// precompressed coding the client prefers, with an ETag per coding.
type bundle struct {
	dir   string
	etags etagCache
}

// hashedName matches the content-hashed names of the build output
// (consent.0123456789.wasm) and the archived catalogues, named by their
// revision (catalogue.0123456789ab.json, see consent.ArchiveName): their
// content never changes, so browsers may keep them forever.
var hashedName = regexp.MustCompile(`\.([0-9a-f]{10}|[0-9a-f]{12})\.[a-z0-9]+$`)

func (b *bundle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/consent/")
	if !servableName(name) {
		http.NotFound(w, r)
		return
	}
	f, info, err := b.open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	var available []string
	for _, coding := range []string{encBrotli, encGzip} {
		if b.isFile(name + encodingSuffix[coding]) {
			available = append(available, coding)
		}
	}
	coding := negotiateEncoding(r.Header.Get("Accept-Encoding"), available)
	file := name
	if coding != encIdentity {
		encoded, encodedInfo, err := b.open(name + encodingSuffix[coding])
		if err == nil {
			f.Close()
			f, info, file = encoded, encodedInfo, name+encodingSuffix[coding]
		} else {
			coding = encIdentity
		}
	}
	defer f.Close()
	etag, err := b.etags.get(file, info, f)
	if err != nil {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}

	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Vary", "Accept-Encoding")
	h.Set("ETag", etag)
	if hashedName.MatchString(path.Base(name)) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if coding != encIdentity {
		h.Set("Content-Encoding", coding)
		// ServeContent leaves Content-Length out of encoded responses
		// (it cannot tell precompressed files from on-the-fly gzip); it
		// still replaces it for ranges and drops it for 304s and errors.
		h.Set("Content-Length", strconv.FormatInt(info.Size(), 10))
	}
	// No Last-Modified: the ETag alone decides, so a rebuild with new
	// content is never taken for the old one.
	http.ServeContent(w, r, "", time.Time{}, f)
}

// servableName reports whether a path under /consent/ names a file that may
// be served: a clean relative path, no hidden part, no directory, and not a
// precompressed sibling, which is only ever served as an encoding of its
// original.
func servableName(name string) bool {
	if !fs.ValidPath(name) || name == "." || strings.ContainsAny(name, `\:`) {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	for _, suffix := range encodingSuffix {
		if strings.HasSuffix(name, suffix) {
			return false
		}
	}
	return true
}

// open opens a regular file of the bundle. os.OpenInRoot refuses any name,
// symbolic links included, that resolves outside the directory.
func (b *bundle) open(name string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenInRoot(b.dir, name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s in %s is not a regular file", name, b.dir)
	}
	return f, info, nil
}

func (b *bundle) isFile(name string) bool {
	f, _, err := b.open(name)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// contentTypes are the types of the bundle's and demo site's files, by
// extension; the bundle's precompressed siblings carry their original's.
var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
	".html": "text/html; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

// contentType is the type of a file by its name, application/octet-stream
// when unknown: with nosniff, a browser then refuses to run it.
func contentType(name string) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// etagCache remembers the content hash of each served file, keyed by its
// size and modification time, so that a large wasm is hashed once per build
// rather than once per request.
type etagCache struct {
	mu      sync.Mutex
	entries map[string]etagEntry
}

type etagEntry struct {
	size    int64
	modTime time.Time
	etag    string
}

// get returns the strong ETag of f, hashing it if it changed since last
// time, and leaves f at its start.
func (c *etagCache) get(name string, info fs.FileInfo, f io.ReadSeeker) (string, error) {
	c.mu.Lock()
	e, ok := c.entries[name]
	c.mu.Unlock()
	if ok && e.size == info.Size() && e.modTime.Equal(info.ModTime()) {
		return e.etag, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", name, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("rewind %s: %w", name, err)
	}
	etag := etagFromSum(h.Sum(nil))
	c.mu.Lock()
	if c.entries == nil {
		c.entries = make(map[string]etagEntry)
	}
	c.entries[name] = etagEntry{size: info.Size(), modTime: info.ModTime(), etag: etag}
	c.mu.Unlock()
	return etag, nil
}

// etagOf is the strong ETag of an in-memory response body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return etagFromSum(sum[:])
}

// etagFromSum quotes the first 128 bits of a SHA-256 sum as an ETag.
func etagFromSum(sum []byte) string {
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}
