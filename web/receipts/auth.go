package receipts

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// MinTokenLength is the shortest export token accepted, in characters: 32
// is `openssl rand -hex 16`, 128 random bits, which no one guesses at the
// rate guesses are allowed (see guessBurst), nor offline.
const MinTokenLength = 32

// maxTokenLength bounds a token to what fits any header comfortably.
const maxTokenLength = 512

// TokenEnv is the environment variable that holds the export token.
const TokenEnv = "CONSENT_RECEIPTS_TOKEN"

// CheckToken refuses a token shorter than MinTokenLength, longer than 512
// characters, or with a character other than printable ASCII without space
// (it travels in an Authorization header).
func CheckToken(token string) error {
	if len(token) < MinTokenLength {
		return fmt.Errorf("receipts: the export token has %d characters, fewer than %d: make one with `openssl rand -hex 16`", len(token), MinTokenLength)
	}
	if len(token) > maxTokenLength {
		return fmt.Errorf("receipts: the export token has %d characters, more than %d", len(token), maxTokenLength)
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c <= ' ' || c > '~' {
			return fmt.Errorf("receipts: the export token's character %d is not printable ASCII (spaces and control characters are not allowed)", i+1)
		}
	}
	return nil
}

// ReadToken returns the export token from the environment (TokenEnv) or,
// when file is not empty, from that file, without its final line break.
// Both at once is an error, so that which one is in force is never a
// guess; neither is "" (the export off). It does not check the token:
// NewHandler does. A flag would show the token to every user of the machine
// in the process list; the environment and a file of restricted mode do
// not.
func ReadToken(file string) (string, error) {
	env := os.Getenv(TokenEnv)
	if file == "" {
		return env, nil
	}
	if env != "" {
		return "", fmt.Errorf("the export token is given twice, in %s and in the file %s: give one", TokenEnv, file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading the export token: %w", err)
	}
	token := strings.TrimRight(string(data), "\r\n")
	if token == "" {
		return "", fmt.Errorf("the export token file %s is empty", file)
	}
	return token, nil
}

// Guesses of the token: each client may present guessBurst wrong tokens,
// then one every guessEvery. Once it has none left, even the right token
// waits, so that the limit cannot be used to confirm a guess.
const (
	guessBurst = 10
	guessEvery = time.Minute
)

// auth guards the DPO's resources with the export token.
type auth struct {
	on      bool
	hash    [sha256.Size]byte
	guesses *Limiter
}

func newAuth(token string, now func() time.Time) (*auth, error) {
	a := &auth{guesses: NewLimiter(1/guessEvery.Seconds(), guessBurst, now)}
	if token == "" {
		return a, nil
	}
	if err := CheckToken(token); err != nil {
		return nil, err
	}
	a.on, a.hash = true, sha256.Sum256([]byte(token))
	return a, nil
}

// errWrongToken is a token presented that is not the export token.
var errWrongToken = errors.New("wrong export token")

// check compares a token presented by client with the export token,
// counting a wrong one against the client's guesses.
func (a *auth) check(token, client string) error {
	if sum := sha256.Sum256([]byte(token)); subtle.ConstantTimeCompare(sum[:], a.hash[:]) != 1 {
		a.guesses.Allow(client)
		return errWrongToken
	}
	return nil
}

// blocked answers 429 when the client has no guess left.
func (a *auth) blocked(w http.ResponseWriter, client string) bool {
	if wait := a.guesses.Wait(client); wait > 0 {
		tooMany(w, wait, "too many wrong export tokens from this client: try again later")
		return true
	}
	return false
}

// bearer lets a request through when it carries the export token as
// "Authorization: Bearer <token>"; otherwise it answers and returns false.
func (a *auth) bearer(w http.ResponseWriter, r *http.Request, client string) bool {
	if !a.on {
		http.Error(w, "the export is off: the service was started without a token", http.StatusNotFound)
		return false
	}
	if a.blocked(w, client) {
		return false
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="consent receipts"`)
		http.Error(w, "the export needs an Authorization: Bearer <token> header", http.StatusUnauthorized)
		return false
	}
	if err := a.check(token, client); err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="consent receipts", error="invalid_token"`)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return false
	}
	return true
}

// The statistics page, opened in a browser, cannot send an Authorization
// header: the DPO signs in with the token once, and gets a session cookie
// for the page's path, valid for sessionLifetime. The cookie is the
// session's end and an HMAC of it keyed by the token's digest: any instance
// with the same token checks it, and a new token ends every session.
const (
	sessionCookie   = "civic_consent_statistics"
	sessionLifetime = time.Hour
)

// sessionMAC is the HMAC of a session ending at end, for path.
func (a *auth) sessionMAC(end int64, path string) []byte {
	m := hmac.New(sha256.New, a.hash[:])
	m.Write([]byte("civic-consent statistics session\x00" + path + "\x00" + strconv.FormatInt(end, 10)))
	return m.Sum(nil)
}

// newSession is the cookie of a session starting at now, for path.
func (a *auth) newSession(now time.Time, path string, secure bool) *http.Cookie {
	end := now.Add(sessionLifetime).Unix()
	value := strconv.FormatInt(end, 10) + "." + base64.RawURLEncoding.EncodeToString(a.sessionMAC(end, path))
	return &http.Cookie{Name: sessionCookie, Value: value, Path: path, MaxAge: int(sessionLifetime / time.Second),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
}

// endSession is the cookie that deletes a session.
func endSession(path string, secure bool) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Path: path, MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
}

// session reports whether the request carries a current session for path.
func (a *auth) session(r *http.Request, now time.Time, path string) bool {
	if !a.on {
		return false
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	endText, macText, ok := strings.Cut(c.Value, ".")
	end, err := strconv.ParseInt(endText, 10, 64)
	if !ok || err != nil || now.Unix() >= end {
		return false
	}
	mac, err := base64.RawURLEncoding.DecodeString(macText)
	return err == nil && hmac.Equal(mac, a.sessionMAC(end, path))
}

// secureCookie says whether a cookie set in answer to r gets Secure: always
// but on plain HTTP to a loopback address (the preview, a test), where
// browsers would not send it back. Behind a proxy that ends TLS, the Host
// is the site's and the cookie is Secure.
func secureCookie(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return false
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err != nil || !a.IsLoopback()
}
