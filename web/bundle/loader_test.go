package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The loader decides alone only that a return visit needs no wasm, from the
// start of the stored record: it must be how every record of the revision
// begins, and nothing of another revision.
func TestRecordPrefixIsHowARecordBegins(t *testing.T) {
	c := consent.Seed()
	prefix := recordPrefix(c)
	for _, rec := range []consent.Record{
		consent.AcceptAll(c, time.Now(), "AAAAAAAAAAAAAAAA"),
		consent.RefuseAll(c, time.Now(), "BBBBBBBBBBBBBBBB"),
	} {
		assert.True(t, strings.HasPrefix(rec.Encode(), prefix), "%q begins with %q", rec.Encode(), prefix)
	}
	other := *c
	extra := c.Categories[len(c.Categories)-1]
	extra.ID = "extra"
	other.Categories = append(append([]consent.Category(nil), c.Categories...), extra)
	require.NotEqual(t, c.Revision(), other.Revision())
	assert.False(t, strings.HasPrefix(consent.RefuseAll(&other, time.Now(), "AAAAAAAAAAAAAAAA").Encode(), prefix))
}

// The pages where the wasm must start are those with content that depends
// on the choice.
func TestGatedContentNamesMarkupAndPlaceholders(t *testing.T) {
	c := consent.Seed()
	sel, always := gatedContent(c)
	assert.Equal(t, "[data-consent], .g-recaptcha", sel)
	assert.False(t, always)

	withMode := *c
	withMode.Site.ConsentMode = true
	_, always = gatedContent(&withMode)
	assert.True(t, always, "Consent Mode is sent on every page")

	everywhere := *c
	everywhere.Services = append([]consent.Service(nil), c.Services...)
	for i, svc := range everywhere.Services {
		if svc.Loader != nil {
			l := *svc.Loader
			l.Placeholder = ""
			everywhere.Services[i].Loader = &l
		}
	}
	_, always = gatedContent(&everywhere)
	assert.True(t, always, "a loader without a placeholder loads on every page")
}

// The loader's Consent Mode default comes from Go, which knows the types:
// consent.js names none of them itself.
func TestLoaderSendsGosConsentModeDefault(t *testing.T) {
	c := consent.Seed()
	loader, err := loaderScript("../src", c, map[string]string{})
	require.NoError(t, err)
	assert.Nil(t, bundleOf(t, loader).ConsentDefault, "no Consent Mode, no default")

	withMode := *c
	withMode.Site.ConsentMode = true
	loader, err = loaderScript("../src", &withMode, map[string]string{})
	require.NoError(t, err)
	assert.Equal(t, consent.GoogleConsentDefault(), bundleOf(t, loader).ConsentDefault)

	modules, err := filepath.Glob("../src/loader/*.js")
	require.NoError(t, err)
	for _, m := range modules {
		src, err := os.ReadFile(m)
		require.NoError(t, err)
		for _, ty := range consent.ConsentTypes {
			assert.False(t, strings.Contains(string(src), ty), "%s names %s: it takes the types from the bundle", m, ty)
		}
	}
}
