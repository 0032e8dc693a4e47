// Package contract declares every name the loader's JavaScript and the Go
// programs share: the modes the widget's frame is placed for, the actions
// of the prerendered controls, the elements, attributes, storage keys and
// files of the bundle. Go code uses these constants; the build hands them
// to the JavaScript (Names), which never spells one itself. The shape of
// the JavaScript APIs that carry them (civicConsent, civicFrame) is
// declared once, in web/src/civic-consent.d.ts.
package contract

import consent "github.com/civic-consent/consent"

// Modes of the widget's frame: what it shows, and so where the loader
// places it.
const (
	// ModePending shows nothing: the stored choice is being read.
	ModePending = "pending"
	// ModeButton shows the persistent "cookie settings" button (R14).
	ModeButton = "button"
	// ModeBanner shows the first layer.
	ModeBanner = "banner"
	// ModeModal shows the preferences, modal, over the whole viewport.
	ModeModal = "modal"
	// ModeOff hides the widget: it cannot run, and every optional service
	// stays off.
	ModeOff = "off"
)

// Actions of the widget's controls, as their data-action attributes name
// them. The loader keeps those clicked on prerendered views until a
// program can take them.
const (
	// ActionAccept and ActionRefuse are the first layer's two choices.
	ActionAccept = "accept"
	ActionRefuse = "refuse"
	// ActionCustomise opens the preferences from the first layer,
	// ActionOpen from the persistent button.
	ActionCustomise = "customise"
	ActionOpen      = "open"
	// ActionSave saves the preferences.
	ActionSave = "save"
	// ActionAllow is a placeholder's "Autoriser": it allows the category.
	ActionAllow = "allow"
)

// Actions lists every action.
var Actions = []string{ActionAccept, ActionRefuse, ActionCustomise, ActionOpen, ActionSave, ActionAllow}

// Elements the widget puts in the host page, each in a shadow root or with
// an iframe of its own so that the host's styles cannot reach inside.
const (
	// TagWidget holds the widget's frame.
	TagWidget = "civic-consent"
	// TagButton is the persistent button drawn by the loader without a
	// frame.
	TagButton = "civic-consent-button"
	// TagPlaceholder holds a placeholder's shadow root.
	TagPlaceholder = "civic-consent-placeholder"
)

// Attributes the host page and the widget's markup use.
const (
	// AttrOpen marks a control of the host page that opens the
	// preferences.
	AttrOpen = "data-consent-open"
	// AttrAction names a control's action.
	AttrAction = "data-action"
	// AttrView is the view the widget's frame document shows, on its root
	// element; AttrMode the mode, on the iframe and the root element.
	AttrView = "data-view"
	AttrMode = "data-mode"
	// AttrPosition is where the first layer shows, on the loader's script
	// tag and the frame document's root.
	AttrPosition = "data-position"
	// AttrRevision is the catalogue's revision as the build computed it,
	// on the frame document's root: the page program checks its catalogue
	// against it.
	AttrRevision = "data-revision"
	// AttrDigest is consent.CatalogueDigest of the catalogue's JSON as the
	// build wrote it, on the frame document's root.
	AttrDigest = "data-digest"
)

// Storage keys and prefixes of the widget in the host's first-party
// storage. No service of a catalogue may claim them.
const (
	// StoragePrefix begins every key the widget keeps.
	StoragePrefix = consent.StoragePrefix
	// PendingKey (sessionStorage) keeps a choice clicked before a program
	// could store it.
	PendingKey = StoragePrefix + "-pending"
	// ReceiptKey (localStorage) keeps the receipt an endpoint did not
	// acknowledge.
	ReceiptKey = StoragePrefix + "-receipt"
)

// PolicyName is the widget's one Trusted Types policy, which a site's CSP
// allows by name (trusted-types civic-consent).
const PolicyName = "civic-consent"

// ChangeEvent is the DOM event dispatched on the host document after a
// choice is stored.
const ChangeEvent = "consent:change"

// Bundle files.
const (
	// LoaderName is the loader's file name: the one file a page names,
	// served no-cache. Every other file of the bundle is named
	// name.<hash>.ext, with HashLength hexadecimal digits of its content's
	// SHA-256.
	LoaderName = "consent.js"
	HashLength = 10
)

// ThemeProperties are the custom properties a host page sets to theme the
// widget. The loader copies each into the widget's frame, the page program
// onto placeholders; web/src/consent.css declares a default for each.
var ThemeProperties = []string{
	"--cc-bg", "--cc-fg", "--cc-muted", "--cc-accent", "--cc-accent-fg", "--cc-border",
	"--cc-focus", "--cc-font", "--cc-radius", "--cc-space", "--cc-backdrop",
}

// Names returns the names the loader's JavaScript uses, as the build hands
// them to it: each key is an identifier of the JavaScript's NAMES object.
func Names() map[string]any {
	return map[string]any{
		"modePending": ModePending, "modeButton": ModeButton, "modeBanner": ModeBanner,
		"modeModal": ModeModal, "modeOff": ModeOff,
		"actionAccept": ActionAccept, "actionRefuse": ActionRefuse, "actionCustomise": ActionCustomise,
		"actionOpen": ActionOpen, "actionSave": ActionSave, "actionAllow": ActionAllow,
		"tagWidget": TagWidget, "tagButton": TagButton, "tagPlaceholder": TagPlaceholder,
		"attrOpen": AttrOpen, "attrAction": AttrAction, "attrView": AttrView, "attrMode": AttrMode,
		"attrPosition": AttrPosition, "attrRevision": AttrRevision, "attrDigest": AttrDigest, "loaderName": LoaderName,
		"pendingKey": PendingKey, "policyName": PolicyName, "changeEvent": ChangeEvent,
		"themeProperties": ThemeProperties, "recordCookie": consent.RecordCookieName,
		"positions":      consent.Positions,
		"templateBanner": TemplateView(ModeBanner), "templateButton": TemplateView(ModeButton),
	}
}

// Ids of the <template> elements of the frame's document, which the build
// prerenders with the app's components and the programs copy from.
const (
	// TemplateError holds the alert shown when a choice cannot be stored.
	TemplateError       = "cc-error"
	templateView        = "cc-view-"
	templatePlaceholder = "cc-placeholder-"
	templateNotice      = "cc-notice-"
)

// TemplateView is the id of the template of the view shown in mode.
func TemplateView(mode string) string { return templateView + mode }

// TemplatePlaceholder is the id of the template of the placeholder of
// content that depends on id, a service or a category.
func TemplatePlaceholder(id string) string { return templatePlaceholder + id }

// TemplateNotice is the id of the template of a service's notice.
func TemplateNotice(serviceID string) string { return templateNotice + serviceID }
