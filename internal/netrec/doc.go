// Package netrec is a recording forward proxy for browser tests. Every engine
// under test sends each non-loopback request through it, so a test can prove
// which third parties a page contacted and answer the few it expects (such as
// Google's reCAPTCHA loader) with canned responses. The proxy never dials out:
// a request without a stub gets 502 Bad Gateway, and is recorded all the same.
//
// HTTPS goes through CONNECT tunnels. The proxy terminates TLS inside each
// tunnel with a certificate minted for the requested host by a throwaway CA,
// so it sees and answers the real request; the browsers are told to accept
// those certificates.
package netrec
