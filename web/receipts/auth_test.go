package receipts

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenGuessesAreLimitedPerClient(t *testing.T) {
	proxies, err := NewTrustedProxies(HeaderXForwardedFor, []string{"127.0.0.1"})
	require.NoError(t, err)
	s := startService(t, backends[0].open(t), func(cfg *Config) { cfg.Proxies = proxies })
	guesser := []string{"X-Forwarded-For", "198.51.100.7"}
	for i := range guessBurst {
		code, _ := s.get(t, "wrong-guess-0123456789-0123456789", "", guesser...)
		require.Equal(t, http.StatusUnauthorized, code, "guess %d", i+1)
	}
	code, msg := s.get(t, "wrong-guess-0123456789-0123456789", "", guesser...)
	assert.Equal(t, http.StatusTooManyRequests, code)
	assert.Contains(t, msg, "too many wrong export tokens")
	code, _ = s.get(t, testToken, "", guesser...)
	assert.Equal(t, http.StatusTooManyRequests, code, "even the right token waits: the limit confirms no guess")
	code, _ = s.get(t, "", "", guesser...)
	assert.Equal(t, http.StatusTooManyRequests, code)

	code, _ = s.get(t, testToken, "", "X-Forwarded-For", "203.0.113.9")
	assert.Equal(t, http.StatusOK, code, "another client is not held back")
	code, _ = s.get(t, "", "", "X-Forwarded-For", "203.0.113.9")
	assert.Equal(t, http.StatusUnauthorized, code, "no token presented is no guess")

	s.clock.t = s.clock.t.Add(guessEvery)
	code, _ = s.get(t, testToken, "", guesser...)
	assert.Equal(t, http.StatusOK, code, "a guess comes back every minute")
}

func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(file, []byte(testToken+"\n"), 0o600))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))

	t.Setenv(TokenEnv, "")
	got, err := ReadToken("")
	require.NoError(t, err)
	assert.Empty(t, got, "neither: the export is off")
	got, err = ReadToken(file)
	require.NoError(t, err)
	assert.Equal(t, testToken, got, "from the file, without its line break")
	_, err = ReadToken(empty)
	assert.ErrorContains(t, err, "is empty")
	_, err = ReadToken(filepath.Join(dir, "none"))
	assert.ErrorContains(t, err, "reading the export token")

	t.Setenv(TokenEnv, testToken)
	got, err = ReadToken("")
	require.NoError(t, err)
	assert.Equal(t, testToken, got, "from the environment")
	_, err = ReadToken(file)
	assert.ErrorContains(t, err, "given twice")
}

func TestCheckToken(t *testing.T) {
	for token, want := range map[string]string{
		"0123456789abcdef":                     "has 16 characters, fewer than 32",
		"0123456789abcdef0123456789abcde\t":    "character 32 is not printable ASCII",
		"0123456789abcdef0123456789abcdéf":     "not printable ASCII",
		string(make([]byte, maxTokenLength+1)): "more than 512",
	} {
		assert.ErrorContains(t, CheckToken(token), want, "%q", token)
	}
	assert.NoError(t, CheckToken("0123456789abcdef0123456789abcdef"))
}
