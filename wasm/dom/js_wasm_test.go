//go:build js && wasm

package dom

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run in headless Chromium (go test -exec wasmbrowsertest): the
// test page is the document the binding works on.

func eval(t *testing.T, js string) safejs.Value {
	t.Helper()
	v, err := safejs.Global().Call("eval", js)
	require.NoError(t, err, js)
	return v
}

// testDocument binds the test page, with a policy that records what it is
// asked and approved, in window.trustLog.
func testDocument(t *testing.T) Document {
	t.Helper()
	eval(t, `window.trustLog = []; true`)
	trust := Trust{
		ScriptURL: eval(t, `(function (u) { trustLog.push('url ' + u); return u; })`),
		Script:    eval(t, `(function (c) { trustLog.push('code ' + c); return c; })`),
		Approve:   func(kind uint32, value string) { eval(t, `trustLog.push('approve'); true`) },
	}
	d, err := NewDocument(safejs.Global(), trust)
	require.NoError(t, err)
	t.Cleanup(func() { eval(t, `document.querySelectorAll('[data-test]').forEach(e => e.remove()); true`) })
	return d
}

func TestCookieRoundTrip(t *testing.T) {
	d := testDocument(t)
	require.NoError(t, d.SetCookie("dom-test=1; Path=/"))
	header, err := d.Cookie()
	require.NoError(t, err)
	assert.Contains(t, header, "dom-test=1")
	require.NoError(t, d.SetCookie("dom-test=; Path=/; Max-Age=0"))
	header, _ = d.Cookie()
	assert.NotContains(t, header, "dom-test")
}

func TestAThrowingCookieIsAnError(t *testing.T) {
	// A page (or a sandboxed frame) where document.cookie throws.
	fake := eval(t, `({document: {get cookie() { throw new Error("SecurityError: denied") }, set cookie(v) { throw new Error("denied") }}})`)
	d, err := NewDocument(fake, Trust{})
	require.NoError(t, err)
	_, err = d.Cookie()
	assert.ErrorContains(t, err, "denied")
	assert.Error(t, d.SetCookie("a=b"))
}

func TestR20GPCOnlyWhenExactlyTrue(t *testing.T) {
	for js, want := range map[string]bool{`true`: true, `false`: false, `'true'`: false, `1`: false, `undefined`: false} {
		fake := eval(t, `({document: {}, navigator: {globalPrivacyControl: `+js+`}})`)
		d, err := NewDocument(fake, Trust{})
		require.NoError(t, err)
		assert.Equal(t, want, d.GPC(), js)
	}
}

func TestElementsAndStorage(t *testing.T) {
	d := testDocument(t)
	eval(t, `document.body.insertAdjacentHTML('beforeend', '<div data-test id="box" style="display: inline-block"><p class="a">x</p><p class="a">y</p></div>'); true`)
	els, err := d.QueryAll(`#box .a`)
	require.NoError(t, err)
	require.Len(t, els, 2)
	assert.Equal(t, "p", els[0].Tag())
	assert.Equal(t, "x", els[0].Text())
	box := els[0].Parent()
	require.NotNil(t, box)
	v, p := box.Style("display")
	assert.Equal(t, "inline-block", v)
	assert.Empty(t, p)
	require.NoError(t, box.SetStyle("display", "none", "important"))
	v, p = box.Style("display")
	assert.Equal(t, []string{"none", "important"}, []string{v, p})
	assert.True(t, els[1].InDocument(d))
	_, err = d.QueryAll(`.g-recaptcha[`)
	assert.ErrorContains(t, err, `querySelectorAll(".g-recaptcha[")`, "a selector the browser refuses is an error")

	store, err := d.Storage(false)
	require.NoError(t, err)
	require.NoError(t, store.Set("dom-test", "1"))
	value, found, err := store.Get("dom-test")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "1", value)
	keys, err := store.Keys()
	require.NoError(t, err)
	assert.Contains(t, keys, "dom-test")
	require.NoError(t, store.Remove("dom-test"))
	_, found, _ = store.Get("dom-test")
	assert.False(t, found)
}

// A script's URL and code reach the page only through the policy, each
// approved first.
func TestScriptsGoThroughThePolicyApprovedFirst(t *testing.T) {
	d := testDocument(t)
	el, err := d.CreateElement("script")
	require.NoError(t, err)
	require.NoError(t, el.Script().SetSrc("https://example.org/x.js"))
	inline, err := d.CreateElement("script")
	require.NoError(t, err)
	require.NoError(t, inline.Script().SetCode("1 + 1", el))
	log, err := eval(t, `trustLog.join(', ')`).String()
	require.NoError(t, err)
	assert.Equal(t, "approve, url https://example.org/x.js, approve, code 1 + 1", log)
	src, _ := el.Attr("src")
	assert.Equal(t, "https://example.org/x.js", src)
	assert.Equal(t, "1 + 1", inline.Script().Code())
}
