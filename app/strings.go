package app

// label is a piece of the widget's own interface text. The site's texts
// (intro, categories, services) come from the catalogue instead.
type label int

const (
	labelTitle label = iota
	labelAcceptAll
	labelRefuseAll
	labelCustomise
	labelSave
	labelClose
	labelCloseRefuse
	labelPreferencesTitle
	labelPreferencesIntro
	labelPolicyLink
	labelSettings
	labelAlwaysOn
	labelProvider
	labelService
	labelCookie
	labelPurpose
	labelLifetime
	labelPrivacyPolicy
	labelChangeLater
	labelReceiver
	labelSaveFailed
	labelReceiptID
)

var labels = map[string]map[label]string{
	"fr": {
		labelTitle:            "Vos choix sur les cookies",
		labelAcceptAll:        "Tout accepter",
		labelRefuseAll:        "Tout refuser",
		labelCustomise:        "Personnaliser",
		labelSave:             "Enregistrer mes choix",
		labelClose:            "Fermer",
		labelCloseRefuse:      "Fermer (tout refuser)",
		labelPreferencesTitle: "Gestion des cookies",
		labelPreferencesIntro: "Choisissez finalité par finalité. Tout est désactivé tant que vous ne l'activez pas.",
		labelPolicyLink:       "Charte cookies",
		labelSettings:         "Gestion des cookies",
		labelAlwaysOn:         "Toujours actifs",
		labelProvider:         "Prestataire",
		labelService:          "Service et emplacement",
		labelCookie:           "Cookie",
		labelPurpose:          "Finalité",
		labelLifetime:         "Durée",
		labelPrivacyPolicy:    "Politique de confidentialité de %s",
		labelChangeLater:      "Vous pourrez changer d'avis à tout moment avec le bouton « Gestion des cookies ».",
		labelReceiver:         "Destinataire des données : %s.",
		labelSaveFailed:       "Votre choix n'a pas pu être enregistré : les services optionnels restent désactivés.",
		labelReceiptID:        "Référence de votre choix, à citer au délégué à la protection des données : %s",
	},
	"en": {
		labelTitle:            "Your cookie choices",
		labelAcceptAll:        "Accept all",
		labelRefuseAll:        "Reject all",
		labelCustomise:        "Customise",
		labelSave:             "Save my choices",
		labelClose:            "Close",
		labelCloseRefuse:      "Close (reject all)",
		labelPreferencesTitle: "Cookie settings",
		labelPreferencesIntro: "Choose purpose by purpose. Everything stays off until you switch it on.",
		labelPolicyLink:       "Cookie policy",
		labelSettings:         "Cookie settings",
		labelAlwaysOn:         "Always on",
		labelProvider:         "Provider",
		labelService:          "Service and location",
		labelCookie:           "Cookie",
		labelPurpose:          "Purpose",
		labelLifetime:         "Lifetime",
		labelPrivacyPolicy:    "%s privacy policy",
		labelChangeLater:      "You can change your mind at any time with the “Cookie settings” button.",
		labelReceiver:         "Data recipient: %s.",
		labelSaveFailed:       "Your choice could not be saved: optional services stay off.",
		labelReceiptID:        "Reference of your choice, to quote to the data protection officer: %s",
	},
}

// text returns the interface text in lang, French when lang is unknown.
func text(lang string, l label) string {
	if m, ok := labels[lang]; ok {
		return m[l]
	}
	return labels["fr"][l]
}

// FrameTitle is the accessible name of the widget's frame in the host page.
func FrameTitle(lang string) string { return text(lang, labelSettings) }
