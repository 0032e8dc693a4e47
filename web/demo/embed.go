// Package demo holds the demo host site's page templates and static files
// (stylesheets, the hostile page's script, its service worker), embedded so
// that the preview server is a single binary.
//
// templates/layout.html is the page frame; templates/<lang>/<page>.html
// define each page's "title" and "main" templates, and optionally "styles"
// and "head". static/ is served as is.
package demo

import "embed"

// FS holds templates/ and static/.
//
//go:embed templates static
var FS embed.FS
