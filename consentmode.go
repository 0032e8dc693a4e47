package consent

// Google Consent Mode values.
const (
	ConsentGranted = "granted"
	ConsentDenied  = "denied"
)

// GoogleConsentDefault is the Google Consent Mode v2 state before any
// choice: each of ConsentTypes denied. The loader sends it as
// gtag('consent', 'default', …) before any Google tag can run (the build
// writes it into consent.js, see web/bundle).
func GoogleConsentDefault() map[string]string {
	state := make(map[string]string, len(ConsentTypes))
	for _, t := range ConsentTypes {
		state[t] = ConsentDenied
	}
	return state
}

// GoogleConsent returns the Google Consent Mode v2 state of a decision:
// each of ConsentTypes is granted when at least one category lists it in
// its ConsentMode and every category that lists it is allowed; otherwise
// it is denied (fail closed). Every type is present in the result.
func (c *Catalogue) GoogleConsent(d Decision) map[string]string {
	state := GoogleConsentDefault()
	denied := make(map[string]bool)
	for _, cat := range c.Categories {
		for _, t := range cat.ConsentMode {
			if _, known := state[t]; !known {
				continue
			}
			if d.Categories[cat.ID] && !denied[t] {
				state[t] = ConsentGranted
			} else {
				denied[t] = true
				state[t] = ConsentDenied
			}
		}
	}
	return state
}
