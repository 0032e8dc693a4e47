//go:build js && wasm

package main

// warm is the page program's run in the loader's warm-up worker, where
// there is no document: the engine compiles what Go's start-up calls, and
// shares that code with the page's own run.
func warm() {}
