package site

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/civic-consent/consent/web/demo"
)

// assetFiles maps the demo site's static URLs to their embedded files. The
// service worker lives under /demo/ so that its scope covers the hostile
// page.
var assetFiles = map[string]string{
	"/assets/site.css":    "static/site.css",
	"/assets/hostile.css": "static/hostile.css",
	"/assets/hostile.js":  "static/hostile.js",
	"/assets/gpc.js":      "static/gpc.js",
	"/demo/sw.js":         "static/sw.js",
}

// asset is one embedded static file of the demo site.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// newAssets reads the demo's static files, keyed by URL path.
func newAssets() (map[string]*asset, error) {
	assets := make(map[string]*asset, len(assetFiles))
	for route, file := range assetFiles {
		body, err := demo.FS.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("site: demo asset %s: %w", file, err)
		}
		assets[route] = &asset{body: body, contentType: contentType(file), etag: etagOf(body)}
	}
	return assets, nil
}

func (a *asset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveRevalidated(w, r, a.contentType, a.etag, a.body)
}

// serveRevalidated answers with body, which the browser may keep but must
// revalidate: a matching If-None-Match gets a 304 and no body.
func serveRevalidated(w http.ResponseWriter, r *http.Request, contentType, etag string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}
