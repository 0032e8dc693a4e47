// Package consent holds the pure-Go core of the cookie-consent widget: the
// catalogue of cookies a site sets, the visitor's consent record stored in the
// cookies_preferences cookie, and the decision of which services may run.
//
// Nothing in this package touches a browser; it is tested on the host and
// compiled unchanged into the WebAssembly bundle.
package consent

import (
	"encoding/json"
	"net/url"
	"slices"
	"time"
)

// Text is a piece of visitor-facing text in several languages, keyed by a
// BCP 47 primary language subtag ("fr", "en"). French is the reference
// language and must always be present.
type Text map[string]string

// In returns the text in lang, falling back to French, then to any language.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s, ok := t[DefaultLanguage]; ok && s != "" {
		return s
	}
	for _, s := range t {
		if s != "" {
			return s
		}
	}
	return ""
}

// LangURL is an address that may differ by language. In JSON it is either
// a string, the URL for every language, or an object keyed by language like
// a Text.
type LangURL struct {
	// All is the URL for every language; it is used when ByLang is empty.
	All string
	// ByLang is the URL in each language.
	ByLang map[string]string
}

// In returns the URL in lang, with the fallback of Text.In when the URL
// differs by language.
func (u LangURL) In(lang string) string {
	if len(u.ByLang) == 0 {
		return u.All
	}
	return Text(u.ByLang).In(lang)
}

// MarshalJSON writes a string when the URL is the same in every language,
// an object otherwise.
func (u LangURL) MarshalJSON() ([]byte, error) {
	if len(u.ByLang) == 0 {
		return json.Marshal(u.All)
	}
	return json.Marshal(u.ByLang)
}

// UnmarshalJSON reads a string or an object of strings.
func (u *LangURL) UnmarshalJSON(data []byte) error {
	*u = LangURL{}
	if len(data) > 0 && data[0] == '{' {
		return json.Unmarshal(data, &u.ByLang)
	}
	return json.Unmarshal(data, &u.All)
}

// DefaultLanguage is the language shown when the page asks for none the
// catalogue knows.
const DefaultLanguage = "fr"

// Catalogue describes every cookie a site sets, grouped into services and
// categories (purposes). It is the single source for the dialog, the cookie
// policy page, the consent record and the decision to load a service.
type Catalogue struct {
	Site       Site       `json:"site"`
	Categories []Category `json:"categories"`
	Services   []Service  `json:"services"`
	// Labels adds or overrides the widget's own labels, by language then
	// key (see Label): a catalogue in a language without built-in labels
	// gives them all here.
	Labels map[string]LabelSet `json:"labels,omitempty"`
	// BuildRevision, when set, is the catalogue's revision as the build computed
	// it, which Revision returns as it is: the browser's page program
	// reads the catalogue without the texts the revision covers, after
	// checking the digest of the catalogue's JSON (see CatalogueDigest).
	BuildRevision string `json:"-"`
}

// Site is what the widget says about the site itself.
type Site struct {
	// Name is the site's name as shown to visitors.
	Name Text `json:"name"`
	// PolicyURL is the path or https URL of the cookie policy page, one
	// for every language or one per language.
	PolicyURL LangURL `json:"policyUrl"`
	// Contact is the way to reach the site without any optional service
	// (rule R17), e.g. a postal or email address.
	Contact Text `json:"contact"`
	// ContactURL, when set, is a link for Contact (mailto: or https:).
	ContactURL string `json:"contactUrl,omitempty"`
	// CookieDomain, when set, is the Domain attribute of cookies_preferences,
	// so that consent is shared across subdomains.
	CookieDomain string `json:"cookieDomain,omitempty"`
	// MaxAgeDays is how long a choice is kept; 0 means DefaultMaxAgeDays.
	MaxAgeDays int `json:"maxAgeDays,omitempty"`
	// Intro is the first layer's text: what is collected, why, by whom.
	Intro Text `json:"intro"`
	// PolicyIntro is the prose that opens the cookie policy page, one
	// paragraph per entry.
	PolicyIntro []Text `json:"policyIntro,omitempty"`
	// Position is where the first layer shows: PositionBar (the default
	// when empty), PositionBox or PositionCenter. A page may override it
	// with data-position on the loader's script tag.
	Position string `json:"position,omitempty"`
	// Theme is the widget's look and markup: ThemeDefault (when empty) or
	// ThemeDSFR, the consent manager of the Système de design de l'État.
	// It changes no wording and no choice: not part of the revision.
	Theme string `json:"theme,omitempty"`
	// ConsentMode, when true, makes the widget send Google Consent Mode v2
	// commands: "default" (every type denied) as soon as the loader runs,
	// then "update" from the categories' ConsentMode on every choice.
	ConsentMode bool `json:"consentMode,omitempty"`
	// Receipts, when set, is the path of the site (a same-origin path
	// starting with a single /, no query or fragment) where the widget
	// POSTs a receipt after every choice it stores (see Receipt); a
	// web/receipts Handler answers it there. Empty sends nothing.
	Receipts string `json:"receipts,omitempty"`
}

// Positions of the first layer.
const (
	PositionBar    = "bar"
	PositionBox    = "box"
	PositionCenter = "center"
)

// Positions lists the positions, the default first.
var Positions = []string{PositionBar, PositionBox, PositionCenter}

// Themes of the widget.
const (
	// ThemeDefault is the widget's own look, which a page themes with its
	// --cc-* custom properties.
	ThemeDefault = ""
	// ThemeDSFR follows the DSFR's consent manager: its banner, its
	// management dialog (a fieldset of Accepter/Refuser radio buttons per
	// purpose), its tokens (colours, spacing, focus ring) and the Marianne
	// font where the site serves it.
	ThemeDSFR = "dsfr"
)

// ConsentTypes are the Google Consent Mode v2 types a category may grant.
var ConsentTypes = []string{"ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"}

// Category is a purpose a visitor consents to, or not, as a whole.
type Category struct {
	ID string `json:"id"`
	// Necessary categories are always on and cannot be refused.
	Necessary   bool `json:"necessary,omitempty"`
	Title       Text `json:"title"`
	Description Text `json:"description"`
	// Refusal says what refusing this category means for the visitor (R7).
	Refusal Text `json:"refusal,omitempty"`
	// ConsentMode lists the Google Consent Mode types (ConsentTypes) this
	// category grants when it is allowed; only with Site.ConsentMode.
	ConsentMode []string `json:"consentMode,omitempty"`
}

// Service is one provider's use of cookies for one feature of the site
// ("Service et emplacement" in the policy).
type Service struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Provider string `json:"provider"`
	// Name is the service and where it is used on the site.
	Name Text `json:"name"`
	// PrivacyURL is the provider's privacy policy (R7); required for a
	// service with a loader.
	PrivacyURL string   `json:"privacyUrl,omitempty"`
	Cookies    []Cookie `json:"cookies"`
	// Loader, when set, is the script the widget adds to the page once the
	// service is allowed.
	Loader *Loader `json:"loader,omitempty"`
	// Scripts, optional, lists the scripts the page's data-consent markup
	// may run for this service, besides its loader: each an https URL the
	// script's URL must equal, or, ending with "/", a folder its URL must
	// be in ("https://player.example.com/api/"); a path of the site
	// ("/js/stats.js", "/js/") names the page's own origin (see
	// ActivateScript). It names where the service's code comes from, not
	// what the visitor agrees to, so it is no part of the revision.
	Scripts []string `json:"scripts,omitempty"`
}

// Cookie is one cookie (or storage key) a service sets.
type Cookie struct {
	Name       string `json:"name"`
	Purpose    Text   `json:"purpose"`
	Lifetime   Text   `json:"lifetime"`
	ThirdParty bool   `json:"thirdParty,omitempty"`
}

// Loader is a third-party script that the widget appends to the host page
// only when its service is allowed.
type Loader struct {
	// URL is the script's https URL, without the query string.
	URL string `json:"url"`
	// Params are added to URL as its query string, in key order.
	Params map[string]string `json:"params,omitempty"`
	// Placement is "head" or "body": where the script element goes.
	Placement string `json:"placement"`
	// Placeholder is a CSS selector of the host elements the service fills
	// (e.g. ".g-recaptcha"); while it is refused, the widget shows its notice
	// there instead (R17). With a placeholder, the script loads only on pages
	// that have one, and only those pages start the wasm on a return visit;
	// without, it loads on every page.
	Placeholder string `json:"placeholder,omitempty"`
	// Notice is shown next to those elements while the service runs (R19),
	// followed by NoticeLinks.
	Notice      Text   `json:"notice,omitempty"`
	NoticeLinks []Link `json:"noticeLinks,omitempty"`
	// StoragePrefixes name the localStorage and sessionStorage keys (by
	// prefix) the service leaves in the page, cleared on withdrawal (R16).
	StoragePrefixes []string `json:"storagePrefixes,omitempty"`
}

// Link is a labelled hyperlink.
type Link struct {
	Text Text   `json:"text"`
	URL  string `json:"url"`
}

// Src returns the loader's script URL with its parameters as the query
// string, in key order.
func (l Loader) Src() string {
	if len(l.Params) == 0 {
		return l.URL
	}
	q := url.Values{}
	for k, v := range l.Params {
		q.Set(k, v)
	}
	return l.URL + "?" + q.Encode()
}

// DefaultMaxAgeDays is how long a choice lives by default (R11): six months.
const DefaultMaxAgeDays = 183

// MaxMaxAgeDays is the longest a site may keep a choice: 13 months.
const MaxMaxAgeDays = 395

// RecordCookieName is the name of the cookie that stores the visitor's
// choice. It is fixed by the seed's cookie policy.
const RecordCookieName = "cookies_preferences"

// StoragePrefix begins every key the widget keeps in the site's
// localStorage and sessionStorage; no service may claim a key with it.
const StoragePrefix = "civic-consent"

// Languages returns the languages the catalogue is written in: the keys of
// Site.Name, French first, then the others in alphabetical order. Validate
// makes every other text carry exactly these languages.
func (c *Catalogue) Languages() []string {
	var langs []string
	if _, ok := c.Site.Name[DefaultLanguage]; ok {
		langs = append(langs, DefaultLanguage)
	}
	var others []string
	for lang := range c.Site.Name {
		if lang != DefaultLanguage {
			others = append(others, lang)
		}
	}
	slices.Sort(others)
	return append(langs, others...)
}

// Category returns the category with the given id.
func (c *Catalogue) Category(id string) (Category, bool) {
	for _, cat := range c.Categories {
		if cat.ID == id {
			return cat, true
		}
	}
	return Category{}, false
}

// Service returns the service with the given id.
func (c *Catalogue) Service(id string) (Service, bool) {
	for _, s := range c.Services {
		if s.ID == id {
			return s, true
		}
	}
	return Service{}, false
}

// ServicesIn returns the services of a category, in catalogue order.
func (c *Catalogue) ServicesIn(categoryID string) []Service {
	var in []Service
	for _, s := range c.Services {
		if s.Category == categoryID {
			in = append(in, s)
		}
	}
	return in
}

// OptionalCategories returns the categories a visitor may refuse, in
// catalogue order.
func (c *Catalogue) OptionalCategories() []Category {
	var opt []Category
	for _, cat := range c.Categories {
		if !cat.Necessary {
			opt = append(opt, cat)
		}
	}
	return opt
}

// optionalServices returns the services of the optional categories, in
// catalogue order. A service whose category is unknown counts as optional,
// so that it is never allowed without consent.
func (c *Catalogue) optionalServices() []Service {
	var opt []Service
	for _, s := range c.Services {
		if cat, ok := c.Category(s.Category); !ok || !cat.Necessary {
			opt = append(opt, s)
		}
	}
	return opt
}

// MaxAge is how long a choice stays valid: Site.MaxAgeDays, or
// DefaultMaxAgeDays when that is zero, never more than MaxMaxAgeDays.
func (c *Catalogue) MaxAge() time.Duration {
	days := c.Site.MaxAgeDays
	if days <= 0 {
		days = DefaultMaxAgeDays
	}
	days = min(days, MaxMaxAgeDays)
	return time.Duration(days) * 24 * time.Hour
}
