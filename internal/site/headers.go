package site

import "net/http"

// CSP is the Content-Security-Policy of the demo pages: the widget's bundle
// is same-origin, its wasm needs 'wasm-unsafe-eval', and Google's reCAPTCHA
// is allowed for when the visitor consents to it. No inline script or style.
const CSP = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval' https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/; " +
	"frame-src 'self' https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/; " +
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// HostileCSP is the hostile page's stricter policy: it has no form, so it
// allows no third party at all.
const HostileCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-src 'self'; " +
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// secure sets the security headers on every response; a handler may
// replace the CSP before it writes.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Content-Security-Policy", CSP)
		next.ServeHTTP(w, r)
	})
}
