//go:build js && wasm

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostGtag is the function the loader defines: Google's tags read the
// arguments object it pushes.
const hostGtag = `(function () { (window.dataLayer = window.dataLayer || []).push(arguments); })`

func TestConsentModeUpdateOnChoice(t *testing.T) {
	c := markupCatalogue(t)
	c.Site.ConsentMode = true
	c.Categories[1].ConsentMode = []string{"ad_user_data"}
	c.Categories[2].ConsentMode = []string{"ad_storage", "ad_personalization"}
	eval(t, `window.dataLayer = []`)
	t.Cleanup(func() { eval(t, `delete window.dataLayer`) })
	g := &googleConsent{catalogue: c, gtag: eval(t, hostGtag)}

	require.NoError(t, g.Update(decision(c, "vimeo")))
	require.NoError(t, g.Update(decision(c)))
	assert.Equal(t, 2, num(t, `dataLayer.length`))
	assert.Equal(t, "[object Arguments]", text(t, `Object.prototype.toString.call(dataLayer[0])`), "a gtag command, as Google's tags expect")
	assert.Equal(t, `["consent","update",{"ad_personalization":"granted","ad_storage":"granted","ad_user_data":"denied","analytics_storage":"denied"}]`,
		text(t, `JSON.stringify([dataLayer[0][0], dataLayer[0][1], Object.fromEntries(Object.entries(dataLayer[0][2]).sort())])`))
	assert.Equal(t, `{"ad_personalization":"denied","ad_storage":"denied","ad_user_data":"denied","analytics_storage":"denied"}`,
		text(t, `JSON.stringify(Object.fromEntries(Object.entries(dataLayer[1][2]).sort()))`), "a withdrawal is sent too")
}

func TestConsentModeOffSendsNothing(t *testing.T) {
	c := markupCatalogue(t)
	eval(t, `window.dataLayer = []`)
	t.Cleanup(func() { eval(t, `delete window.dataLayer`) })
	g, err := newGoogleConsent(c)
	require.NoError(t, err)
	require.NoError(t, g.Update(decision(c, "vimeo")))
	assert.Equal(t, 0, num(t, `dataLayer.length`))
}

func TestConsentModeWithoutTheLoadersGtagFailsClosed(t *testing.T) {
	c := markupCatalogue(t)
	c.Site.ConsentMode = true
	// The test page is no frame: the loader left nothing to call.
	g, err := newGoogleConsent(c)
	require.Error(t, err)
	assert.Error(t, g.Update(decision(c, "vimeo")))
}
