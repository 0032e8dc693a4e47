package site

import (
	"fmt"
	"html/template"

	consent "github.com/civic-consent/consent"
	consentapp "github.com/civic-consent/consent/app"
	"github.com/civic-consent/consent/web/demo"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// pageTemplates parses each page of a demo site in each of its languages:
// dir/layout.html with dir/<lang>/<name>.html, keyed "lang/name".
func pageTemplates[Chrome any](dir string, langs map[string]Chrome, names []string) (map[string]*template.Template, error) {
	templates := map[string]*template.Template{}
	for lang := range langs {
		for _, name := range names {
			page := dir + "/" + lang + "/" + name + ".html"
			t, err := template.ParseFS(demo.FS, dir+"/layout.html", page)
			if err != nil {
				return nil, fmt.Errorf("site: page template %s: %w", page, err)
			}
			templates[lang+"/"+name] = t
		}
	}
	return templates, nil
}

// policyBodies renders the cookie policy's body in each language once, with
// app.PolicyPage, which escapes the catalogue's text itself: the catalogue
// does not change while serving.
func policyBodies[Chrome any](c *consent.Catalogue, langs map[string]Chrome) map[string]template.HTML {
	bodies := map[string]template.HTML{}
	for lang := range langs {
		bodies[lang] = template.HTML(app.HTMLString(&consentapp.PolicyPage{Catalogue: c, Lang: lang}))
	}
	return bodies
}
