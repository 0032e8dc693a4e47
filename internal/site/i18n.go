package site

import (
	"net/http"

	consent "github.com/civic-consent/consent"
)

// chrome is the demo site's own text around the pages' content.
type chrome struct {
	SkipLink       string
	NavLabel       string
	Home           string
	Contact        string
	Policy         string
	Hostile        string
	CookieSettings string
	DemoNote       string
	// LangName is the language's name in itself, for the language switch.
	LangName string

	ErrName    string
	ErrEmail   string
	ErrMessage string
}

// chromes holds the demo site's text per language; a page exists in each.
var chromes = map[string]chrome{
	"fr": {
		SkipLink:       "Aller au contenu",
		NavLabel:       "Menu principal",
		Home:           "Accueil",
		Contact:        "Contact",
		Policy:         "Charte cookies",
		Hostile:        "Page hostile",
		CookieSettings: "Gestion des cookies",
		DemoNote:       "Site de démonstration du gestionnaire de consentement aux cookies. Aucun message n'est réellement envoyé.",
		LangName:       "Français",
		ErrName:        "Indiquez votre nom.",
		ErrEmail:       "Indiquez une adresse électronique valide, par exemple nom@exemple.fr.",
		ErrMessage:     "Écrivez votre message.",
	},
	"en": {
		SkipLink:       "Skip to content",
		NavLabel:       "Main menu",
		Home:           "Home",
		Contact:        "Contact",
		Policy:         "Cookie policy",
		Hostile:        "Hostile page",
		CookieSettings: "Cookie settings",
		DemoNote:       "Demo site of the cookie consent manager. No message is really sent.",
		LangName:       "English",
		ErrName:        "Enter your name.",
		ErrEmail:       "Enter a valid email address, such as name@example.com.",
		ErrMessage:     "Write your message.",
	},
}

// requestLang is the page language a request asks for with ?lang= (or the
// contact form's lang field), French when it names none the site has.
func requestLang(r *http.Request) string {
	if lang := r.FormValue("lang"); lang != "" {
		if _, ok := chromes[lang]; ok {
			return lang
		}
	}
	return consent.DefaultLanguage
}

// langURL is path in lang: French pages have no query string.
func langURL(path, lang string) string {
	if lang == consent.DefaultLanguage {
		return path
	}
	return path + "?lang=" + lang
}
