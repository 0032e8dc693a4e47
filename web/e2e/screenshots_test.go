package e2e

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenshotDir receives the README's screenshots, relative to this
// package: docs/screenshots at the repository's root. They are committed.
const screenshotDir = "../../docs/screenshots"

// placeholderInViewJS puts the placeholder in the middle of the view,
// without the focus ring the refusal left on the floating button.
const placeholderInViewJS = `(() => {
document.querySelector('civic-consent-placeholder').scrollIntoView({block: 'center'});
document.querySelector('civic-consent iframe').contentDocument.activeElement.blur();
return true;
})()`

func TestScreenshots(t *testing.T) {
	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, st := range []widgetState{stateFirstLayer, statePreferences, statePlaceholder} {
			t.Run(st.name, func(t *testing.T) {
				tb := st.show(t, b, engine.PageOptions{Width: 1280, Height: 800})
				if st.name == statePlaceholder.name {
					tb.eval(placeholderInViewJS, nil)
				}
				// The fonts are in before the shot.
				tb.waitFor(`document.fonts.status === 'loaded' && document.querySelector('civic-consent iframe').contentDocument.fonts.status === 'loaded'`)

				path := filepath.Join(screenshotDir, b.Name()+"-"+st.name+".png")
				if err := os.Remove(path); !errors.Is(err, fs.ErrNotExist) {
					require.NoError(t, err, "removing the last run's %s", path)
				}
				require.NoError(t, tb.Screenshot(path))
				assertScreenshot(t, path)
			})
		}
	})
}

// TestScreenshotsPhone shows the first layer on a phone (see windowWidth
// for WebKit).
func TestScreenshotsPhone(t *testing.T) {
	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := stateFirstLayer.show(t, b, engine.PageOptions{Width: windowWidth(b, phoneW), Height: phoneH})
		tb.waitFor(`document.fonts.status === 'loaded' && document.querySelector('civic-consent iframe').contentDocument.fonts.status === 'loaded'`)
		path := filepath.Join(screenshotDir, b.Name()+"-first-layer-phone.png")
		if err := os.Remove(path); !errors.Is(err, fs.ErrNotExist) {
			require.NoError(t, err, "removing the last run's %s", path)
		}
		require.NoError(t, tb.Screenshot(path))
		assertScreenshotOf(t, path, phoneW, phoneH)
	})
}

// TestScreenshotsDSFR shows the DSFR theme: its banner on a desktop and on
// a phone, its manager with a purpose's details open, and the contact
// page's placeholder after a refusal.
func TestScreenshotsDSFR(t *testing.T) {
	needDSFR(t)
	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		phone := windowWidth(b, phoneW)
		for _, shot := range []struct {
			name, path string
			w, h       int
			st         int // of dsfrStates; -1 for the placeholder
		}{
			{"dsfr-first-layer", "/", 1280, 800, 0},
			{"dsfr-first-layer-phone", "/", phone, phoneH, 0},
			{"dsfr-manager", "/", 1280, 800, 1},
			{"dsfr-placeholder", "/contact", 1280, 800, -1},
		} {
			t.Run(shot.name, func(t *testing.T) {
				tb := openAt(t, b, dsfrURL+shot.path, engine.PageOptions{Width: shot.w, Height: shot.h})
				if shot.st < 0 {
					tb.click(frame(`#cc-banner [data-action=refuse]`))
					tb.waitMode("button")
					tb.waitFor(`!!document.querySelector('civic-consent-placeholder')`)
					tb.eval(placeholderInViewJS, nil)
				} else {
					st := dsfrStates[shot.st]
					if st.reach != nil {
						st.reach(tb)
					}
					tb.waitMode(st.mode)
				}
				tb.waitFor(`document.fonts.status === 'loaded' && document.querySelector('civic-consent iframe').contentDocument.fonts.status === 'loaded'`)
				path := filepath.Join(screenshotDir, b.Name()+"-"+shot.name+".png")
				if err := os.Remove(path); !errors.Is(err, fs.ErrNotExist) {
					require.NoError(t, err, "removing the last run's %s", path)
				}
				require.NoError(t, tb.Screenshot(path))
				assertScreenshotOf(t, path, min(shot.w, phoneW), min(shot.h, 400))
			})
		}
	})
}

// TestScreenshotsTwoSites shows the two sites side by side, each at its
// first visit: the same widget with two catalogues, two themes, two
// positions.
func TestScreenshotsTwoSites(t *testing.T) {
	needLibrary(t)
	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		opts := engine.PageOptions{Width: 800, Height: 720}
		var shots []image.Image
		for _, u := range []string{siteURL + "/", libraryOrigin + "/"} {
			tb := openAt(t, b, u, opts)
			tb.waitMode("banner")
			tb.waitFor(`document.fonts.status === 'loaded' && document.querySelector('civic-consent iframe').contentDocument.fonts.status === 'loaded'`)
			path := filepath.Join(t.TempDir(), "shot.png")
			require.NoError(t, tb.Screenshot(path))
			f, err := os.Open(path)
			require.NoError(t, err)
			img, err := png.Decode(f)
			f.Close()
			require.NoError(t, err)
			shots = append(shots, img)
		}
		const gap = 24
		a, c := shots[0].Bounds(), shots[1].Bounds()
		out := image.NewRGBA(image.Rect(0, 0, a.Dx()+gap+c.Dx(), max(a.Dy(), c.Dy())))
		draw.Draw(out, out.Bounds(), image.NewUniform(color.RGBA{0x44, 0x44, 0x44, 0xff}), image.Point{}, draw.Src)
		draw.Draw(out, a.Sub(a.Min), shots[0], a.Min, draw.Src)
		draw.Draw(out, c.Sub(c.Min).Add(image.Pt(a.Dx()+gap, 0)), shots[1], c.Min, draw.Src)
		names := []string{b.Name() + "-two-sites.png"}
		if b.Name() == engine.Chromium {
			names = append(names, "two-sites.png")
		}
		for _, name := range names {
			path := filepath.Join(screenshotDir, name)
			f, err := os.Create(path)
			require.NoError(t, err)
			require.NoError(t, png.Encode(f, out))
			require.NoError(t, f.Close())
			assertScreenshot(t, path)
		}
	})
}

// assertScreenshot checks that path is a whole PNG of a real page: at least
// 640×400, not one flat colour, and not so small a file that it could not
// hold the widget.
func assertScreenshot(t *testing.T, path string) {
	t.Helper()
	assertScreenshotOf(t, path, 640, 400)
}

// assertScreenshotOf is assertScreenshot for a page at least w×h.
func assertScreenshotOf(t *testing.T, path string, w, h int) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Greater(t, len(data), 10_000, "%s is too small to show a page", path)
	img, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err, "%s is not a valid PNG", path)
	size := img.Bounds().Size()
	assert.GreaterOrEqual(t, size.X, w, "%s width", path)
	assert.GreaterOrEqual(t, size.Y, h, "%s height", path)
	assert.Greater(t, colours(img, 3), 16, "%s is nearly one flat colour", path)
}

// colours counts the distinct colours of img, sampled every step pixels.
func colours(img image.Image, step int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
