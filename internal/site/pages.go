package site

import (
	"bytes"
	"html/template"
	"log"
	"maps"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	consent "github.com/civic-consent/consent"
)

// pageNames are the demo's page templates, one file per language in
// web/demo/templates/<lang>/.
var pageNames = []string{"home", "contact", "received", "policy", "hostile", "notfound"}

// pages renders the demo host site's pages.
type pages struct {
	templates map[string]*template.Template // by "lang/name"
	siteName  consent.Text
	address   consent.Text
	// policyHTML is the cookie policy's body per language, rendered once by
	// app.PolicyPage: the catalogue does not change while serving.
	policyHTML map[string]template.HTML
}

func newPages(c *consent.Catalogue) (*pages, error) {
	templates, err := pageTemplates("templates", chromes, pageNames)
	if err != nil {
		return nil, err
	}
	return &pages{
		templates:  templates,
		siteName:   c.Site.Name,
		address:    c.Site.Contact,
		policyHTML: policyBodies(c, chromes),
	}, nil
}

// pageData is what the templates see.
type pageData struct {
	Lang     string
	T        chrome
	Path     string
	SiteName string
	Contact  string
	Others   []otherLang
	Policy   template.HTML
	Form     contactForm
	// GPC loads the Global Privacy Control emulation before the widget: the
	// page was asked for with ?gpc=1.
	GPC bool
	// Loaders is how many times the page includes the widget's loader:
	// 1, or 0 or 2 for a test variant (see loaderTags).
	Loaders int
	// Position is the first layer's place the page asks for with
	// ?position=, for trying each; empty leaves the catalogue's.
	Position string
}

// otherLang is a link to the same page in another language.
type otherLang struct {
	Lang, Name, URL string
}

// Link is path in the page's language.
func (d pageData) Link(path string) string { return langURL(path, d.Lang) }

// contactForm is the contact form's content and what is wrong with it.
type contactForm struct {
	Name, Email, Message string
	Errors               []string
}

// check lists what is missing or malformed in the form, in the page's
// language.
func (f contactForm) check(t chrome) []string {
	var errs []string
	if f.Name == "" {
		errs = append(errs, t.ErrName)
	}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
		errs = append(errs, t.ErrEmail)
	}
	if f.Message == "" {
		errs = append(errs, t.ErrMessage)
	}
	return errs
}

func (p *pages) home(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, "home", "/", http.StatusOK, contactForm{})
}

func (p *pages) contact(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, "contact", "/contact", http.StatusOK, contactForm{})
}

// contactPost answers the contact form. Nothing is sent anywhere: this is a
// demo of the consent widget, not of a mail service.
func (p *pages) contactPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "contact form: "+err.Error(), http.StatusBadRequest)
		return
	}
	form := contactForm{
		Name:    strings.TrimSpace(r.PostFormValue("name")),
		Email:   strings.TrimSpace(r.PostFormValue("email")),
		Message: strings.TrimSpace(r.PostFormValue("message")),
	}
	if form.Errors = form.check(chromes[requestLang(r)]); form.Errors != nil {
		p.render(w, r, "contact", "/contact", http.StatusBadRequest, form)
		return
	}
	p.render(w, r, "received", "/contact", http.StatusOK, form)
}

func (p *pages) policy(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, "policy", "/charte-cookies", http.StatusOK, contactForm{})
}

// hostile is the page that does everything a host can do to the widget. It
// has no form, so its policy allows no third party at all.
func (p *pages) hostile(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", HostileCSP)
	p.render(w, r, "hostile", "/demo/hostile", http.StatusOK, contactForm{})
}

func (p *pages) notFound(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, "notfound", r.URL.Path, http.StatusNotFound, contactForm{})
}

// render writes a page in the request's language. A successful GET may be
// revalidated with its ETag; anything else is not stored.
func (p *pages) render(w http.ResponseWriter, r *http.Request, name, path string, status int, form contactForm) {
	w.Header().Set("Content-Security-Policy", withTrustedTypes(w.Header().Get("Content-Security-Policy"), r))
	lang := requestLang(r)
	data := pageData{
		Lang:     lang,
		T:        chromes[lang],
		Path:     path,
		SiteName: p.siteName.In(lang),
		Contact:  p.address.In(lang),
		Policy:   p.policyHTML[lang],
		Form:     form,
		GPC:      r.URL.Query().Get("gpc") == "1",
		Loaders:  loaderTags(r),
		Position: positionParam(r),
	}
	for _, other := range slices.Sorted(maps.Keys(chromes)) {
		if other != lang {
			data.Others = append(data.Others, otherLang{Lang: other, Name: chromes[other].LangName, URL: langURL(path, other)})
		}
	}
	var buf bytes.Buffer
	if err := p.templates[lang+"/"+name].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		log.Printf("site: render page %s/%s: %v", lang, name, err)
		http.Error(w, "cannot render this page", http.StatusInternalServerError)
		return
	}
	const html = "text/html; charset=utf-8"
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		serveRevalidated(w, r, html, etagOf(buf.Bytes()), buf.Bytes())
		return
	}
	h := w.Header()
	h.Set("Content-Type", html)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}
