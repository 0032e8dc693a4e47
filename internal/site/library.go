package site

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html/template"
	"log"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/web/demo"
)

// DemoLibrary names the second demo host site: the municipal library of
// web/catalogues/library.json. Its audience measurement and its event video
// are blocked by markup (data-consent), its inline script carries a CSP
// nonce, and it sets the widget's theme through custom properties.
const DemoLibrary = "library"

// Third parties of the library demo, all made-up hosts.
const (
	// LibraryVideoPlayer serves the event video's frame and its player API.
	LibraryVideoPlayer = "https://player.vimeo.example.com"
	// LibraryStats is the library's own Matomo.
	LibraryStats = "https://stats.mediatheque.example.org"
	// GoogleTag is Google's tag, which the library demo loads only with a
	// catalogue asking for Consent Mode.
	GoogleTag = "https://www.googletagmanager.com/gtag/js"
)

// libraryPages are the library demo's page templates, one per language in
// web/demo/templates/library/<lang>/.
var libraryPages = []string{"home", "agenda", "policy", "notfound"}

// libraryChrome is the library demo's own text around the pages' content.
type libraryChrome struct {
	SkipLink, NavLabel, Home, Agenda, Policy, CookieSettings, DemoNote, LangName string
}

var libraryChromes = map[string]libraryChrome{
	"fr": {
		SkipLink: "Aller au contenu", NavLabel: "Menu principal", Home: "Accueil", Agenda: "Agenda",
		Policy: "Cookies", CookieSettings: "Gestion des cookies", LangName: "Français",
		DemoNote: "Site de démonstration d'une médiathèque imaginaire : le même gestionnaire de consentement, avec un autre catalogue de cookies.",
	},
	"en": {
		SkipLink: "Skip to content", NavLabel: "Main menu", Home: "Home", Agenda: "Events",
		Policy: "Cookies", CookieSettings: "Cookie settings", LangName: "English",
		DemoNote: "Demo site of an imaginary library: the same consent manager, with another cookie catalogue.",
	},
}

// library renders the library demo's pages.
type library struct {
	catalogue  *consent.Catalogue
	templates  map[string]*template.Template // by "lang/name"
	policyHTML map[string]template.HTML
	// policyPaths are the paths the browser asks for to see the cookie
	// policy, by language (the catalogue's policyUrl without query or
	// fragment); a language whose policy is on another site has none.
	policyPaths map[string]string
}

func newLibrary(c *consent.Catalogue) (*library, error) {
	templates, err := pageTemplates("templates/library", libraryChromes, libraryPages)
	if err != nil {
		return nil, err
	}
	l := &library{catalogue: c, templates: templates, policyHTML: policyBodies(c, libraryChromes), policyPaths: map[string]string{}}
	for _, lang := range c.Languages() {
		policy := c.Site.PolicyURL.In(lang)
		if !strings.HasPrefix(policy, "/") {
			continue
		}
		u, err := url.Parse(policy)
		if err != nil {
			return nil, fmt.Errorf("site: the catalogue's site.policyUrl %q: %w", policy, err)
		}
		// As a browser resolves a link: without dot segments.
		l.policyPaths[lang] = (&url.URL{Scheme: "https", Host: "library.invalid", Path: "/"}).ResolveReference(u).Path
	}
	return l, nil
}

// routes adds the library's pages and stylesheet to mux.
func (l *library) routes(mux *http.ServeMux) error {
	css, err := demo.FS.ReadFile("static/library.css")
	if err != nil {
		return fmt.Errorf("site: library stylesheet: %w", err)
	}
	mux.Handle("GET /assets/library.css", &asset{body: css, contentType: contentType("library.css"), etag: etagOf(css)})
	mux.HandleFunc("GET /{$}", l.page("home", http.StatusOK))
	mux.HandleFunc("GET /agenda", l.page("agenda", http.StatusOK))
	// The policy's path is the catalogue's: any path, so it is matched in
	// the fallback handler rather than made a pattern, which may hold
	// wildcards or clash with another route and make ServeMux panic.
	for _, lang := range slices.Sorted(maps.Keys(l.policyPaths)) {
		if _, route := mux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: l.policyPaths[lang]}}); route != "" {
			return fmt.Errorf("site: the catalogue's site.policyUrl %q is the library demo's route %q: give the policy page a path of its own", l.catalogue.Site.PolicyURL.In(lang), route)
		}
	}
	policy, notFound := l.page("policy", http.StatusOK), l.page("notfound", http.StatusNotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(slices.Collect(maps.Values(l.policyPaths)), r.URL.Path) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			policy(w, r)
			return
		}
		notFound(w, r)
	})
	return nil
}

// libraryData is what the library's templates see.
type libraryData struct {
	Lang     string
	T        libraryChrome
	Path     string
	SiteName string
	Contact  string
	Others   []otherLang
	Policy   template.HTML
	// PolicyPath is the cookie policy page's address: its path on this
	// site, or the catalogue's https URL.
	PolicyPath string
	// Nonce is this response's CSP nonce for the page's inline script.
	Nonce string
	// Position is the first layer's place the page asks for with
	// ?position=, for trying each; empty leaves the catalogue's.
	Position string
	// ConsentMode loads Google's tag, as a site using Google Consent Mode
	// would, with the loader before it.
	ConsentMode bool
	// Video and its link are the event video's addresses.
	Video, VideoLink, Player string
}

// Link is the address in the page's language: with lang=<lang> added to its
// query, unless lang is the default.
func (d libraryData) Link(address string) string {
	u, err := url.Parse(address)
	if err != nil || d.Lang == consent.DefaultLanguage {
		return address
	}
	q := u.Query()
	q.Set("lang", d.Lang)
	u.RawQuery = q.Encode()
	return u.String()
}

func (l *library) page(name string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := requestLang(r)
		if _, ok := libraryChromes[lang]; !ok {
			lang = consent.DefaultLanguage
		}
		nonce, err := newNonce()
		if err != nil {
			http.Error(w, "cannot make a nonce", http.StatusInternalServerError)
			return
		}
		data := libraryData{
			Lang:        lang,
			T:           libraryChromes[lang],
			Path:        r.URL.Path,
			SiteName:    l.catalogue.Site.Name.In(lang),
			Contact:     l.catalogue.Site.Contact.In(lang),
			Policy:      l.policyHTML[lang],
			PolicyPath:  cmp.Or(l.policyPaths[lang], l.catalogue.Site.PolicyURL.In(lang)),
			Nonce:       nonce,
			ConsentMode: l.catalogue.Site.ConsentMode,
			Video:       LibraryVideoPlayer + "/video/824804225?dnt=1",
			VideoLink:   "https://vimeo.example.com/824804225",
			Player:      LibraryVideoPlayer + "/api/player.js",
		}
		data.Position = positionParam(r)
		for _, other := range slices.Sorted(maps.Keys(libraryChromes)) {
			if other != lang {
				data.Others = append(data.Others, otherLang{Lang: other, Name: libraryChromes[other].LangName, URL: langURL(r.URL.Path, other)})
			}
		}
		var buf bytes.Buffer
		if err := l.templates[lang+"/"+name].ExecuteTemplate(&buf, "layout.html", data); err != nil {
			log.Printf("site: render library page %s/%s: %v", lang, name, err)
			http.Error(w, "cannot render this page", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", withTrustedTypes(LibraryCSP(nonce, l.catalogue.Site.ConsentMode), r))
		h.Set("Content-Type", "text/html; charset=utf-8")
		// Each response has its own nonce: nothing may be reused.
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(buf.Bytes())
		}
	}
}

// LibraryCSP is the library demo's policy: the widget as on the seed's
// pages, the page's inline script by its nonce, the library's Matomo and the
// video player, and Google's tag when the catalogue asks for Consent Mode.
func LibraryCSP(nonce string, consentMode bool) string {
	scripts := "'self' 'wasm-unsafe-eval' 'nonce-" + nonce + "' " + LibraryStats + " " + LibraryVideoPlayer
	if consentMode {
		scripts += " https://www.googletagmanager.com"
	}
	return "default-src 'self'; script-src " + scripts + "; " +
		"frame-src 'self' " + LibraryVideoPlayer + "; " +
		"style-src 'self'; img-src 'self' data: " + LibraryStats + "; connect-src 'self' " + LibraryStats + "; " +
		"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
}

// newNonce returns 128 random bits in unpadded base64url, which needs no
// escaping in an attribute.
func newNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
