package main

import (
	"fmt"
	"path/filepath"

	"github.com/evanw/esbuild/pkg/api"
)

// minify returns the JavaScript or CSS source of the file name without its
// comments and spaces, its local names shortened: every byte of consent.js
// comes before the first layer on a slow link. A syntax error fails the
// build, naming the file, line and column.
func minify(name string, src []byte) ([]byte, error) {
	loader := api.LoaderJS
	if filepath.Ext(name) == ".css" {
		loader = api.LoaderCSS
	}
	res := api.Transform(string(src), api.TransformOptions{
		Sourcefile:        name,
		Loader:            loader,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		LogLevel:          api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("minify: %s", messages(res.Errors))
	}
	return res.Code, nil
}
