package gate

import (
	"errors"
	"fmt"

	consent "github.com/civic-consent/consent"
)

// updateGoogle sends Google Consent Mode v2's "update" for d, when the
// catalogue asks for Consent Mode. The loader already sent "default",
// every type denied, before any Google tag could run; until an update
// grants a type, it stays denied.
func (p *Page) updateGoogle(d consent.Decision) error {
	if !p.cat.Site.ConsentMode {
		return nil
	}
	if p.cfg.Gtag == nil {
		return errors.New("Consent Mode: the loader left no gtag function; Google's consent types stay denied")
	}
	if err := p.cfg.Gtag("consent", "update", p.cat.GoogleConsent(d)); err != nil {
		return fmt.Errorf("Consent Mode update: %w", err)
	}
	return nil
}
