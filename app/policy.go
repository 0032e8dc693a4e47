package app

import (
	"net/url"
	"strings"
	"unicode/utf8"

	consent "github.com/civic-consent/consent"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// PolicyPage is the cookie policy page ("Charte cookies"): the catalogue's
// policy prose, then one table per category listing every cookie with its
// provider, purpose, lifetime and whether it needs consent (R18), then a
// "Gestion des cookies" control (R14). The preview server renders it to HTML
// with app.HTMLString; it has no event handler, so it needs no wasm.
type PolicyPage struct {
	app.Compo

	Catalogue *consent.Catalogue
	Lang      string
}

func (p *PolicyPage) label(key consent.Label, vars ...string) string {
	return p.Catalogue.Label(p.Lang, key, vars...)
}

// Render draws the page.
func (p *PolicyPage) Render() app.UI {
	if p.Catalogue == nil {
		return app.Article().Class("policy").Body(
			app.H1().Text(p.label(consent.LabelPolicy)),
			app.P().Text(p.label(consent.LabelPolicyUnavailable)),
		)
	}
	body := []app.UI{app.H1().Text(p.label(consent.LabelPolicy))}
	// Category headings sit one level below the prose's headings, whose
	// last one introduces the tables in the seed policy.
	level := 2
	for _, t := range p.Catalogue.Site.PolicyIntro {
		s := t.In(p.Lang)
		if isPolicyHeading(s) {
			body = append(body, app.H2().Body(policyInline(s)...))
			level = 3
		} else if s != "" {
			body = append(body, app.P().Body(policyInline(s)...))
		}
	}
	for _, cat := range p.Catalogue.Categories {
		body = append(body, p.category(cat, level))
	}
	body = append(body, app.Section().Class("policy-settings").Body(
		app.H2().Text(p.label(consent.LabelPolicyChangeTitle)),
		app.P().Text(p.label(consent.LabelPolicyChangeText)),
		app.P().Body(
			app.Button().Type("button").Class("button").DataSet("consent-open", true).
				Text(p.label(consent.LabelSettings)),
		),
	))
	return app.Article().Class("policy").Body(body...)
}

// category draws one category: its title, what it is for, what refusing it
// means, and the table of its cookies.
func (p *PolicyPage) category(cat consent.Category, level int) app.UI {
	title := cat.Title.In(p.Lang)
	heading := app.UI(app.H2().Text(title))
	if level == 3 {
		heading = app.H3().Text(title)
	}
	body := []app.UI{heading}
	if s := cat.Description.In(p.Lang); s != "" {
		body = append(body, app.P().Text(s))
	}
	if s := cat.Refusal.In(p.Lang); s != "" {
		body = append(body, app.P().Text(s))
	}
	col := func(l consent.Label) app.UI { return app.Th().Scope("col").Text(p.label(l)) }
	var rows []app.UI
	for _, svc := range p.Catalogue.ServicesIn(cat.ID) {
		for _, c := range svc.Cookies {
			rows = append(rows, p.row(cat, svc, c))
		}
	}
	body = append(body, app.Table().Body(
		app.Caption().Text(p.label(consent.LabelPolicyCaption, "category", title)),
		app.THead().Body(app.Tr().Body(
			col(consent.LabelPolicyProvider), col(consent.LabelService), col(consent.LabelPolicyCookie),
			col(consent.LabelPolicyPurpose), col(consent.LabelPolicyLifetime), col(consent.LabelPolicyConsent),
		)),
		app.TBody().Body(rows...),
	))
	return app.Section().Class("policy-category").Body(body...)
}

// row draws one cookie.
func (p *PolicyPage) row(cat consent.Category, svc consent.Service, c consent.Cookie) app.UI {
	provider := app.UI(app.Text(svc.Provider))
	if safePolicyURL(svc.PrivacyURL) {
		provider = app.A().Href(svc.PrivacyURL).Text(svc.Provider)
	}
	name := []app.UI{app.Code().Text(c.Name)}
	if c.ThirdParty {
		name = append(name, app.Text(" "+p.label(consent.LabelPolicyThirdParty)))
	}
	status := app.Td().Text(p.label(consent.LabelPolicyExempt))
	if !cat.Necessary {
		status = app.Td().Class("consent-required").Text(p.label(consent.LabelPolicyRequired))
	}
	return app.Tr().Body(
		app.Td().Body(provider),
		app.Td().Text(svc.Name.In(p.Lang)),
		app.Td().Body(name...),
		app.Td().Text(c.Purpose.In(p.Lang)),
		app.Td().Text(c.Lifetime.In(p.Lang)),
		status,
	)
}

// isPolicyHeading tells the policy prose's headings ("Qu'est ce qu'un cookie
// ?") from its paragraphs: a heading is short and does not end a sentence or
// announce a list.
func isPolicyHeading(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 120 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return !strings.ContainsRune(".:;,!…", last)
}

// policyInline turns prose into text, making "<https://…>" autolinks (as the
// seed policy writes its site's address) into links.
func policyInline(s string) []app.UI {
	var out []app.UI
	for {
		start := strings.Index(s, "<")
		if start < 0 {
			break
		}
		end := strings.Index(s[start:], ">")
		if end < 0 {
			break
		}
		end += start
		link := s[start+1 : end]
		if !safePolicyURL(link) {
			break
		}
		if start > 0 {
			out = append(out, app.Text(s[:start]))
		}
		out = append(out, app.A().Href(link).Text(link))
		s = s[end+1:]
	}
	if s != "" {
		out = append(out, app.Text(s))
	}
	return out
}

// safePolicyURL reports whether u is an absolute http(s) URL that can go in
// an href as is: go-app writes attribute values without HTML escaping.
func safePolicyURL(u string) bool {
	if u == "" || strings.ContainsAny(u, "\"'<>\\ \t\n\r`") {
		return false
	}
	parsed, err := url.Parse(u)
	return err == nil && (parsed.Scheme == "https" || parsed.Scheme == "http") && parsed.Host != ""
}
