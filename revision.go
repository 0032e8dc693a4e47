package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
)

// Revision identifies what a visitor consents to and the wording they were
// shown: 12 lowercase hex digits of the SHA-256 of a canonical encoding of
// the category ids, necessary flags and Google consent types, the service
// ids, categories and providers, their cookie names and third-party flags,
// their loaders' URL, parameters and placement, and every visitor-facing
// text and link of the catalogue (site name, intro, contact, policy page,
// category titles, descriptions and refusals, service names and privacy
// policies, cookie purposes and lifetimes, loader notices and their links).
// A stored choice is valid only for the revision it answered (R13), and the
// revision names the archive of that wording (Archive), so any change of
// wording is a new revision: a record always leads to what the visitor read.
//
// Order is left out: categories and services are taken by id, cookies by
// name, since display order changes nothing a visitor agreed to and the
// consent record lists entries by id.
func (c *Catalogue) Revision() string {
	if c.BuildRevision != "" {
		return c.BuildRevision
	}
	h := sha256.New()
	// Each string is length-prefixed, so no two catalogues share an encoding.
	put := func(fields ...string) {
		for _, f := range fields {
			fmt.Fprintf(h, "%d:%s", len(f), f)
		}
	}
	put("consent-revision", "2")
	// text puts a visitor-facing text, its languages in order.
	text := func(name string, t Text) {
		put("text", name, strconv.Itoa(len(t)))
		for _, lang := range slices.Sorted(maps.Keys(t)) {
			put(lang, t[lang])
		}
	}
	text("site.name", c.Site.Name)
	text("site.intro", c.Site.Intro)
	text("site.contact", c.Site.Contact)
	put("site.contactUrl", c.Site.ContactURL)
	// The policy's address, one for every language or one per language.
	put("site.policyUrl", c.Site.PolicyURL.All, strconv.Itoa(len(c.Site.PolicyURL.ByLang)))
	for _, lang := range slices.Sorted(maps.Keys(c.Site.PolicyURL.ByLang)) {
		put(lang, c.Site.PolicyURL.ByLang[lang])
	}
	// The catalogue's own labels are wording too (the built-in ones are
	// the widget's: a new version of them is a new bundle, not a new
	// revision of the site's catalogue).
	put("labels", strconv.Itoa(len(c.Labels)))
	for _, lang := range slices.Sorted(maps.Keys(c.Labels)) {
		set := c.Labels[lang]
		put(lang, strconv.Itoa(len(set)))
		for _, key := range slices.Sorted(maps.Keys(set)) {
			put(string(key), set[key])
		}
	}
	put("site.policyIntro", strconv.Itoa(len(c.Site.PolicyIntro)))
	for _, p := range c.Site.PolicyIntro {
		// The policy's prose is read in order: its order is wording.
		text("site.policyIntro", p)
	}
	// sort.Slice rather than slices.SortFunc: one sort for every element
	// type, where each generic instantiation would add its own code to the
	// browser's page program.
	cats := slices.Clone(c.Categories)
	sort.Slice(cats, func(i, j int) bool { return cats[i].ID < cats[j].ID })
	for _, cat := range cats {
		put("category", cat.ID, strconv.FormatBool(cat.Necessary))
		text("title", cat.Title)
		text("description", cat.Description)
		text("refusal", cat.Refusal)
		// What allowing a category grants Google is part of the consent.
		for _, t := range slices.Sorted(slices.Values(cat.ConsentMode)) {
			put("consent-type", t)
		}
	}
	services := slices.Clone(c.Services)
	sort.Slice(services, func(i, j int) bool { return services[i].ID < services[j].ID })
	for _, s := range services {
		put("service", s.ID, s.Category, s.Provider, s.PrivacyURL)
		text("name", s.Name)
		cookies := slices.Clone(s.Cookies)
		sort.Slice(cookies, func(i, j int) bool {
			a, b := cookies[i], cookies[j]
			return a.Name < b.Name || a.Name == b.Name && !a.ThirdParty && b.ThirdParty
		})
		for _, ck := range cookies {
			put("cookie", ck.Name, strconv.FormatBool(ck.ThirdParty))
			text("purpose", ck.Purpose)
			text("lifetime", ck.Lifetime)
		}
		if l := s.Loader; l != nil {
			put("loader", l.URL, l.Placement)
			text("notice", l.Notice)
			put("links", strconv.Itoa(len(l.NoticeLinks)))
			for _, link := range l.NoticeLinks {
				text("link", link.Text)
				put(link.URL)
			}
			for _, k := range slices.Sorted(maps.Keys(l.Params)) {
				put("param", k, l.Params[k])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// CatalogueDigest is the digest of a catalogue's JSON text as the bundle
// carries it: 16 lowercase hex digits of its SHA-256. The build writes it
// next to the catalogue; the page program checks the text against it
// before it trusts the revision the build wrote.
func CatalogueDigest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8])
}
