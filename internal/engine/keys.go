package engine

import (
	"fmt"
	"strings"

	"github.com/chromedp/chromedp/kb"
)

// key is a key to press, by its W3C WebDriver key value and its chromedp
// (kb) encoding.
type key struct {
	w3c   string // WebDriver key value, e.g. "\uE004" for Tab
	cdp   string // kb encoding, e.g. kb.Tab
	shift bool
}

// w3cShift is the WebDriver key value of the left Shift key.
const w3cShift = "\uE008"

// keys are the keys Press knows, by name.
var keys = map[string]key{
	"Tab":        {w3c: "\uE004", cdp: kb.Tab},
	"Enter":      {w3c: "\uE007", cdp: kb.Enter},
	"Escape":     {w3c: "\uE00C", cdp: kb.Escape},
	"Space":      {w3c: " ", cdp: " "},
	"ArrowLeft":  {w3c: "\uE012", cdp: kb.ArrowLeft},
	"ArrowUp":    {w3c: "\uE013", cdp: kb.ArrowUp},
	"ArrowRight": {w3c: "\uE014", cdp: kb.ArrowRight},
	"ArrowDown":  {w3c: "\uE015", cdp: kb.ArrowDown},
	"Home":       {w3c: "\uE011", cdp: kb.Home},
	"End":        {w3c: "\uE010", cdp: kb.End},
	"PageUp":     {w3c: "\uE00E", cdp: kb.PageUp},
	"PageDown":   {w3c: "\uE00F", cdp: kb.PageDown},
	"Backspace":  {w3c: "\uE003", cdp: kb.Backspace},
	"Delete":     {w3c: "\uE017", cdp: kb.Delete},
}

// parseKey reads a key name such as "Tab" or "Shift+Tab".
func parseKey(s string) (key, error) {
	name, shift := strings.CutPrefix(s, "Shift+")
	k, ok := keys[name]
	if !ok {
		return key{}, fmt.Errorf("unknown key %q", s)
	}
	k.shift = shift
	return k, nil
}
