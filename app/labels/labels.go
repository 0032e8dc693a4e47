// Package labels holds the widget's built-in label sets, one JSON file a
// language (fr.json, en.json, …). The catalogue package reads them: its
// Catalogue.Label is the one lookup, and its validation holds every set,
// built in or a catalogue's, to the same keys.
package labels

import "embed"

// Files holds the built-in label sets as <lang>.json at its root.
//
//go:embed *.json
var Files embed.FS
