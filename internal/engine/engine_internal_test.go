package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNames(t *testing.T) {
	t.Setenv(EnvEngines, "")
	names, err := Names()
	require.NoError(t, err)
	assert.Equal(t, []string{Chromium, Firefox, WebKit}, names)

	t.Setenv(EnvEngines, " WebKit , chromium")
	names, err = Names()
	require.NoError(t, err)
	assert.Equal(t, []string{WebKit, Chromium}, names)

	for _, bad := range []string{"safari", "chromium,chromium", "firefox,"} {
		t.Setenv(EnvEngines, bad)
		_, err := Names()
		assert.Error(t, err, "%q", bad)
	}
}

func TestLaunchNeedsAProxy(t *testing.T) {
	_, err := Launch(Chromium, nil)
	assert.ErrorContains(t, err, "proxy is required")
}

func TestCookiesFor(t *testing.T) {
	all := []Cookie{
		{Name: "root", Domain: "example.org", Path: "/"},
		{Name: "sub", Domain: "example.org", Path: "/a"},
		{Name: "slash", Domain: "example.org", Path: "/a/"},
		{Name: "prefix", Domain: "example.org", Path: "/ab"},
		{Name: "other", Domain: "other.org", Path: "/"},
		{Name: "parent", Domain: "org", Path: "/"},
		{Name: "child", Domain: "www.example.org", Path: "/"},
	}
	got, err := cookiesFor(all, "https://example.org/a/b?q")
	require.NoError(t, err)
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"root", "sub", "slash", "parent"}, names)

	got, err = cookiesFor(all, "about:blank")
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestParseKey(t *testing.T) {
	k, err := parseKey("Shift+Tab")
	require.NoError(t, err)
	assert.True(t, k.shift)
	assert.Equal(t, "\uE004", k.w3c)
	k, err = parseKey("Space")
	require.NoError(t, err)
	assert.False(t, k.shift)
	assert.Equal(t, " ", k.w3c)
	for _, bad := range []string{"", "tab", "Ctrl+Tab", "Shift+"} {
		_, err := parseKey(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestSplitSelector(t *testing.T) {
	parts, err := splitSelector(" iframe#consent >>> div > button.accept ")
	require.NoError(t, err)
	assert.Equal(t, []string{"iframe#consent", "div > button.accept"}, parts)
	for _, bad := range []string{"", ">>> b", "a >>>", "a >>> >>> b"} {
		_, err := splitSelector(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestNormSameSiteAndTime(t *testing.T) {
	assert.Equal(t, "Lax", normSameSite("lax"))
	assert.Equal(t, "Strict", normSameSite("Strict"))
	assert.Equal(t, "None", normSameSite("NONE"))
	assert.Equal(t, "", normSameSite("default"))
	assert.True(t, unixTime(-1).IsZero())
	assert.Equal(t, time.Unix(1700000000, 0), unixTime(1700000000.7))
}
