package consent

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecordFromCookieHeader(t *testing.T) {
	for _, tc := range []struct {
		name, header, value string
		found               bool
	}{
		{"no cookies", "", "", false},
		{"other cookies", "sessionid=abc; csrftoken=def", "", false},
		{"alone", "cookies_preferences=1.abc", "1.abc", true},
		{"among others", "sessionid=abc; cookies_preferences=1.abc; csrftoken=def", "1.abc", true},
		{"without spaces", "sessionid=abc;cookies_preferences=1.abc", "1.abc", true},
		{"empty value", "cookies_preferences=", "", true},
		{"similar names", "xcookies_preferences=1; cookies_preferences_old=2; cookies_preferences", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value, found, err := RecordFromCookieHeader(tc.header)
			require.NoError(t, err)
			assert.Equal(t, tc.found, found)
			assert.Equal(t, tc.value, value)
		})
	}

	t.Run("several are ambiguous", func(t *testing.T) {
		value, found, err := RecordFromCookieHeader("cookies_preferences=1.a; x=y; cookies_preferences=1.b")
		var re *RecordError
		require.True(t, errors.As(err, &re))
		assert.Equal(t, ReasonAmbiguous, re.Reason)
		assert.True(t, found)
		assert.Empty(t, value)
	})
}

func TestCookieStringR11(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		o    CookieOptions
		want string
	}{
		{"default six months", CookieOptions{}, "cookies_preferences=V; Path=/; Max-Age=15811200; SameSite=Lax"},
		{"site's own max age", CookieOptions{MaxAge: 30 * day}, "cookies_preferences=V; Path=/; Max-Age=2592000; SameSite=Lax"},
		{"at most 13 months", CookieOptions{MaxAge: 1000 * day}, "cookies_preferences=V; Path=/; Max-Age=34128000; SameSite=Lax"},
		{"negative means default", CookieOptions{MaxAge: -time.Hour}, "cookies_preferences=V; Path=/; Max-Age=15811200; SameSite=Lax"},
		{"domain and secure", CookieOptions{Secure: true, Domain: "saint-maur.com", MaxAge: Seed().MaxAge()},
			"cookies_preferences=V; Path=/; Max-Age=15811200; SameSite=Lax; Domain=saint-maur.com; Secure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, CookieString("V", tc.o))
		})
	}
}

func TestExpireCookieStringR16(t *testing.T) {
	assert.Equal(t, "_grecaptcha=; Path=/; Max-Age=0; SameSite=Lax", ExpireCookieString("_grecaptcha", CookieOptions{MaxAge: time.Hour}))
	assert.Equal(t, "cookies_preferences=; Path=/; Max-Age=0; SameSite=Lax; Domain=.saint-maur.com; Secure",
		ExpireCookieString(RecordCookieName, CookieOptions{Secure: true, Domain: ".saint-maur.com"}))
}
