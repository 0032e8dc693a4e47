package consent

// Seed returns the built-in catalogue: the cookie policy ("Charte cookies")
// of the open-data portal data.saint-maur.com. Provider, service, cookie names
// and purposes are the policy's French text as written; lifetimes, which the
// policy does not give, are the platforms' documented defaults.
//
// Google reCAPTCHA is listed by the policy both as functional and as
// third-party; under French guidance it is not exempt from consent, so it has
// an opt-in category of its own.
func Seed() *Catalogue {
	const opendatasoft = "Opendatasoft"
	frontBack := func(fr, en string) Text { return Text{"fr": fr, "en": en} }
	return &Catalogue{
		Site: Site{
			Name:       Text{"fr": "Saint-Maur Open Data", "en": "Saint-Maur Open Data"},
			PolicyURL:  LangURL{All: "/charte-cookies"},
			Receipts:   "/consent/receipts",
			Contact:    Text{"fr": "Hôtel de ville, place Charles-de-Gaulle, 94100 Saint-Maur-des-Fossés", "en": "Town hall, place Charles-de-Gaulle, 94100 Saint-Maur-des-Fossés, France"},
			MaxAgeDays: DefaultMaxAgeDays,
			Intro: Text{
				"fr": "Ce site utilise des cookies nécessaires à son fonctionnement et, si vous l'acceptez, Google reCAPTCHA pour protéger le formulaire de contact contre les robots. Google reçoit alors des données sur votre navigation. Vous pouvez refuser sans que cela vous empêche d'utiliser le site.",
				"en": "This site uses cookies it needs to work and, if you accept, Google reCAPTCHA to protect the contact form from robots; Google then receives data about your visit. You can refuse and still use the whole site.",
			},
			PolicyIntro: seedPolicyIntro(),
		},
		Categories: []Category{
			{
				ID:          "necessary",
				Necessary:   true,
				Title:       Text{"fr": "Cookies nécessaires au bon fonctionnement de la plateforme / cookies fonctionnels", "en": "Cookies necessary for the platform to work / functional cookies"},
				Description: Text{"fr": "Ils permettent au site de fonctionner et ne peuvent pas être désactivés. Ils ne requièrent pas de consentement.", "en": "They make the site work and cannot be switched off. They do not require consent."},
			},
			{
				ID:          "contact",
				Title:       Text{"fr": "Formulaire de contact", "en": "Contact form"},
				Description: Text{"fr": "Google reCAPTCHA protège le formulaire de contact contre les programmes automatisés et les spams. Google reçoit votre adresse IP et des informations sur votre navigateur.", "en": "Google reCAPTCHA protects the contact form from automated programs and spam. Google receives your IP address and information about your browser."},
				Refusal:     Text{"fr": "Si vous refusez, le formulaire de contact est remplacé par une autre façon de nous joindre ; le reste du site fonctionne normalement.", "en": "If you refuse, the contact form is replaced by another way to reach us; the rest of the site works as usual."},
			},
		},
		Services: []Service{
			{
				ID: "authentication", Category: "necessary", Provider: opendatasoft,
				Name: frontBack("Authentification (front et back office)", "Authentication (front and back office)"),
				Cookies: []Cookie{{
					Name:     "sessionid",
					Purpose:  Text{"fr": "Se souvenir de l'utilisateur d'une page à une autre.", "en": "Remember the user from one page to the next."},
					Lifetime: Text{"fr": "2 semaines", "en": "2 weeks"},
				}},
			},
			{
				ID: "language", Category: "necessary", Provider: opendatasoft,
				Name: frontBack("Sélection de la langue (front et back office)", "Language selection (front and back office)"),
				Cookies: []Cookie{{
					Name:     "django_language",
					Purpose:  Text{"fr": "Se souvenir de la langue du visiteur", "en": "Remember the visitor's language"},
					Lifetime: Text{"fr": "Session", "en": "Session"},
				}},
			},
			{
				ID: "csrf", Category: "necessary", Provider: opendatasoft,
				Name: frontBack("API (CSRF) (front et back office)", "API (CSRF) (front and back office)"),
				Cookies: []Cookie{{
					Name:     "csrftoken",
					Purpose:  Text{"fr": "Récupérer des données via des appels API", "en": "Fetch data through API calls"},
					Lifetime: Text{"fr": "1 an", "en": "1 year"},
				}},
			},
			{
				ID: "preferences", Category: "necessary", Provider: opendatasoft,
				Name: frontBack("Choix concernant vos préférences sur les cookies", "Your cookie preferences"),
				Cookies: []Cookie{{
					Name:     RecordCookieName,
					Purpose:  Text{"fr": "Permet de se souvenir du choix opéré par le visiteur concernant les cookies", "en": "Remembers the choice the visitor made about cookies"},
					Lifetime: Text{"fr": "6 mois", "en": "6 months"},
				}},
			},
			{
				ID: "recaptcha", Category: "contact", Provider: "Google ReCaptcha",
				Name:       frontBack("Sécurité du formulaire de contact", "Contact form security"),
				PrivacyURL: "https://policies.google.com/privacy",
				Cookies: []Cookie{{
					Name:       "_grecaptcha",
					Purpose:    Text{"fr": "Protection du site internet contre des programmes automatisés et pour la prévention de spams.", "en": "Protects the website against automated programs and prevents spam."},
					Lifetime:   Text{"fr": "6 mois", "en": "6 months"},
					ThirdParty: true,
				}},
				Loader: &Loader{
					URL:             "https://www.google.com/recaptcha/api.js",
					Placement:       "head",
					Placeholder:     ".g-recaptcha",
					StoragePrefixes: []string{"_grecaptcha"},
					Notice: Text{
						"fr": "Ce site est protégé par reCAPTCHA ; les Règles de confidentialité et les Conditions d'utilisation de Google s'appliquent.",
						"en": "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
					},
					NoticeLinks: []Link{
						{Text: Text{"fr": "Règles de confidentialité", "en": "Privacy Policy"}, URL: "https://policies.google.com/privacy"},
						{Text: Text{"fr": "Conditions d'utilisation", "en": "Terms of Service"}, URL: "https://policies.google.com/terms"},
					},
				},
			},
		},
	}
}

// seedPolicyIntro returns the prose of the seed's cookie policy page, before
// its tables: a fresh copy each time, so that no caller of Seed can change
// another's catalogue.
func seedPolicyIntro() []Text {
	return []Text{
		{"fr": "Afin de vous proposer le meilleur service possible nous utilisons des cookies pour assurer son bon fonctionnement.",
			"en": "To offer you the best possible service, we use cookies to make the site work properly."},
		{"fr": "Qu'est ce qu'un cookie ?", "en": "What is a cookie?"},
		{"fr": "Un \"cookie\" est une suite d'informations, généralement de petite taille et identifié par un nom, qui peut être transmis à votre navigateur par un site web sur lequel vous vous connectez. Votre navigateur web le conservera pendant une certaine durée, et le renverra au serveur web chaque fois que vous vous y re-connecterez. Les cookies ont de multiples usages : ils peuvent servir à mémoriser votre identifiant client auprès d'un site marchand, le contenu courant de votre panier d'achat, un identifiant permettant de tracer votre navigation pour des finalités statistiques ou publicitaires, etc.",
			"en": "A \"cookie\" is a small piece of information, identified by a name, that a website you visit can send to your browser. Your browser keeps it for a while and sends it back to the web server each time you return. Cookies have many uses: remembering your customer id on a shop, the current contents of your basket, an identifier that tracks your browsing for statistics or advertising, etc."},
		{"fr": "Il existe plusieurs types de cookies :", "en": "There are several kinds of cookies:"},
		{"fr": "Les cookies « nécessaires », internes, permettent d'enregistrer des informations entre deux consultations d'un même site web sur un même appareil. Ils permettent d'enregistrer un panier d'achat, des identifiants de connexion ou encore des éléments de personnalisation de l'interface. Ils ne requièrent pas de consentement de la part de l'utilisateur.",
			"en": "“Necessary” first-party cookies keep information between two visits to the same website on the same device: a shopping basket, login details or interface settings. They do not require the user's consent."},
		{"fr": "Les cookies « statistiques » permettent de suivre les actions d'un internaute sur un site web. Lorsque les statistiques sont anonymes (c'est-à-dire ne permettent pas de retrouver une personne), le consentement de l'utilisateur n'est pas nécessaire.",
			"en": "“Statistics” cookies follow what a visitor does on a website. When the statistics are anonymous (they cannot identify a person), the user's consent is not needed."},
		{"fr": "Les cookies « internes » ou « first-party » sont déposés par le site consulté. Ils peuvent être déposés en plus des cookies nécessaires et peuvent être utilisés pour collecter des données personnelles, suivre le comportement de l'utilisateur et servir à des finalités publicitaires.",
			"en": "“First-party” cookies are set by the site you visit. They can be set in addition to necessary cookies and can be used to collect personal data, follow the user's behaviour and serve advertising."},
		{"fr": "Les cookies dits « tiers », « tierce partie » ou « third party » sont des cookies déposés par (ou pour) un site B (souvent une régie publicitaire) sur un site A : cela permet au site B de voir quelles pages ont été visitées sur le site A par un utilisateur et de collecter des informations sur lui.",
			"en": "“Third-party” cookies are set by (or for) a site B, often an advertising network, on a site A: they let site B see which pages of site A a user visited and collect information about them."},
		{"fr": "A quoi servent les cookies sur la plateforme <https://data.saint-maur.com>", "en": "What cookies are used for on the platform <https://data.saint-maur.com>"},
	}
}
