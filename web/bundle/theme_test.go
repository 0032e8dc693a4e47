package main

import (
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/civic-consent/consent/wasm/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The widget's themes are sets of --cc-* custom properties: consent.css's
// light and dark defaults, and each theme a shipped host page sets over
// them (the library demo's, light and dark). R22 holds in every one.

var customProperty = regexp.MustCompile(`(--cc-[a-z-]+)\s*:\s*([^;]+);`)

// themeBlocks returns the custom properties that a stylesheet's rules for
// selector (as written, e.g. ":root, :host") set at its top level (light)
// and inside its prefers-color-scheme: dark block.
func themeBlocks(t *testing.T, path, selector string) (light, dark map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	css := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(data), "")
	light, dark = map[string]string{}, map[string]string{}
	sawDark := false
	// walk reads the rules of css, a stylesheet or a media block's inside.
	var walk func(css string, into map[string]string)
	walk = func(css string, into map[string]string) {
		for {
			open := strings.IndexByte(css, '{')
			if open < 0 {
				return
			}
			prelude := strings.Join(strings.Fields(css[:open]), " ")
			// The block ends where its braces balance.
			depth, end := 1, open+1
			for ; depth > 0; end++ {
				require.Less(t, end, len(css), "%s: unbalanced braces after %q", path, prelude)
				switch css[end] {
				case '{':
					depth++
				case '}':
					depth--
				}
			}
			inside := css[open+1 : end-1]
			switch {
			case strings.HasPrefix(prelude, "@media (prefers-color-scheme: dark)"):
				sawDark = true
				walk(inside, dark)
			case strings.HasPrefix(prelude, "@"):
				walk(inside, map[string]string{})
			case prelude == selector:
				for _, p := range customProperty.FindAllStringSubmatch(inside, -1) {
					into[p[1]] = strings.TrimSpace(p[2])
				}
			}
			css = css[end:]
		}
	}
	walk(css, light)
	require.True(t, sawDark, "%s has no dark scheme", path)
	require.NotEmpty(t, light, "%s sets no property for %s", path, selector)
	return light, dark
}

// overlay is base with the host's values on top.
func overlay(base, host map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range host {
		out[k] = v
	}
	return out
}

type rgb struct{ r, g, b float64 }

func parseColour(s string) (rgb, error) {
	s = strings.TrimSpace(s)
	if h, ok := strings.CutPrefix(s, "#"); ok {
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		if len(h) != 6 {
			return rgb{}, fmt.Errorf("colour %q", s)
		}
		n, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return rgb{}, fmt.Errorf("colour %q: %w", s, err)
		}
		return rgb{float64(n >> 16 & 0xff), float64(n >> 8 & 0xff), float64(n & 0xff)}, nil
	}
	return rgb{}, fmt.Errorf("colour %q is not #rgb or #rrggbb", s)
}

// luminance is WCAG 2's relative luminance.
func (c rgb) luminance() float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// colourPair is a colour the widget's stylesheet puts on another, with the
// ratio it needs: 4.5 for text (R22), 3 for the edges of controls and the
// focus ring (WCAG 1.4.11).
type colourPair struct {
	fg, bg string
	min    float64
	what   string
}

// pairs are the colour pairs of every theme.
var pairs = []colourPair{
	{"--cc-fg", "--cc-bg", 4.5, "text"},
	{"--cc-muted", "--cc-bg", 4.5, "secondary text (refusal, always on)"},
	{"--cc-accent-fg", "--cc-accent", 4.5, "button text"},
	{"--cc-border", "--cc-bg", 3, "borders of toggles and the close button"},
	{"--cc-accent", "--cc-bg", 3, "a switched-on toggle, a button's edge"},
	{"--cc-focus", "--cc-bg", 3, "focus ring"},
	{"--cc-muted", "--cc-bg", 3, "a switched-off toggle's knob"},
	{"--cc-accent-fg", "--cc-accent", 3, "a switched-on toggle's knob"},
}

// dsfrPairs are the colours the DSFR theme adds: the banner's grey, its
// titles, the primary buttons' hover, and the placeholder's grey.
var dsfrPairs = []colourPair{
	{"--cc-fg", "--cc-dsfr-contrast", 4.5, "the banner's text"},
	{"--cc-muted", "--cc-dsfr-contrast", 4.5, "secondary text on the banner"},
	{"--cc-dsfr-title", "--cc-dsfr-contrast", 4.5, "the banner's title"},
	{"--cc-dsfr-title", "--cc-bg", 4.5, "the manager's titles"},
	{"--cc-accent", "--cc-dsfr-contrast", 4.5, "the secondary button's text on the banner"},
	{"--cc-accent", "--cc-bg", 4.5, "the secondary button's text, the close control"},
	{"--cc-accent-fg", "--cc-dsfr-hover", 4.5, "a primary button's text, hovered"},
	{"--cc-focus", "--cc-dsfr-contrast", 3, "focus ring on the banner"},
	{"--cc-fg", "--cc-dsfr-alt", 4.5, "the placeholder's text"},
	{"--cc-dsfr-title", "--cc-dsfr-alt", 4.5, "the placeholder's title"},
	{"--cc-accent", "--cc-dsfr-alt", 3, "the placeholder's button, on its grey"},
	{"--cc-focus", "--cc-dsfr-alt", 3, "focus ring on the placeholder"},
}

func TestR22ContrastInEveryShippedTheme(t *testing.T) {
	light, dark := themeBlocks(t, "../src/consent.css", ":root, :host")
	libLight, libDark := themeBlocks(t, "../demo/static/library.css", ":root")
	dsfrLight, dsfrDark := themeBlocks(t, "../src/dsfr.css", ".cc-theme-dsfr")
	themes := map[string]map[string]string{
		"default light": light,
		"default dark":  overlay(light, dark),
		"library light": overlay(light, libLight),
		"library dark":  overlay(overlay(light, dark), overlay(libLight, libDark)),
		"dsfr light":    overlay(light, dsfrLight),
		"dsfr dark":     overlay(overlay(light, dark), overlay(dsfrLight, dsfrDark)),
	}
	for name, theme := range themes {
		all := pairs
		if strings.HasPrefix(name, "dsfr") {
			all = append(slices.Clone(pairs), dsfrPairs...)
		}
		for _, p := range all {
			fg, err := parseColour(theme[p.fg])
			require.NoError(t, err, "%s %s", name, p.fg)
			bg, err := parseColour(theme[p.bg])
			require.NoError(t, err, "%s %s", name, p.bg)
			ratio := contrast(fg, bg)
			assert.GreaterOrEqual(t, ratio, p.min, "R22 %s: %s %s on %s %s is %.2f:1 (%s)", name, p.fg, theme[p.fg], p.bg, theme[p.bg], ratio, p.what)
		}
	}
}

func TestContrastFormula(t *testing.T) {
	black, white := rgb{0, 0, 0}, rgb{255, 255, 255}
	assert.InDelta(t, 21, contrast(black, white), 1e-9)
	assert.InDelta(t, 1, contrast(white, white), 1e-9)
	grey, err := parseColour("#767676")
	require.NoError(t, err)
	assert.InDelta(t, 4.54, contrast(grey, white), 0.01, "the well-known limit grey")
	_, err = parseColour("rgb(0, 0, 0)")
	assert.Error(t, err)
}

// TestThemePropertiesAreOneList holds consent.css to
// contract.ThemeProperties, the theme's one list: it declares a default for
// each property and no other, the dark scheme sets only listed ones, the
// integration guide documents each, and the loader's modules name none
// themselves but take the list from the contract.
func TestThemePropertiesAreOneList(t *testing.T) {
	light, dark := themeBlocks(t, "../src/consent.css", ":root, :host")
	want := slices.Sorted(slices.Values(contract.ThemeProperties))
	assert.Equal(t, want, slices.Sorted(maps.Keys(light)), "consent.css declares a default for each listed property, and no other")
	for k := range dark {
		assert.Contains(t, want, k, "the dark scheme sets only listed properties")
	}
	modules, err := filepath.Glob("../src/loader/*.js")
	require.NoError(t, err)
	require.NotEmpty(t, modules)
	for _, m := range modules {
		src, err := os.ReadFile(m)
		require.NoError(t, err)
		assert.Empty(t, regexp.MustCompile(`['"]--cc-[a-z-]*`).FindAllString(string(src), -1), "%s takes the list from the contract", m)
	}

	guide, err := os.ReadFile("../../docs/integration.md")
	require.NoError(t, err)
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(--cc-[a-z-]+)`").FindAllStringSubmatch(string(guide), -1) {
		documented = append(documented, m[1])
	}
	assert.Equal(t, contract.ThemeProperties, documented, "the integration guide's theme table lists each property, in order")
}
