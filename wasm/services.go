//go:build js && wasm

package main

import (
	"errors"
	"fmt"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// Attributes that mark what the widget added to the host page, so it can
// find (and remove) exactly its own elements.
const (
	attrService     = "data-consent-service"
	attrPart        = "data-consent-part"
	partLoader      = "loader"
	partPlaceholder = "placeholder"
	partNotice      = "notice"
)

// services applies a decision to the host page: it appends the loaders of
// allowed services, once, and puts a placeholder where a refused service
// would have been (R17). A service withdrawn on this page is taken out as
// far as the page can: its script and frames removed, its storage cleared
// (R16); Google's code already running is gone on the next page load.
type services struct {
	page      *page
	catalogue *consent.Catalogue
	lang      string
	styleURL  string
	// adoptStyles styles a placeholder's shadow root without a request,
	// where the browser can (see frame.AdoptStyles).
	adoptStyles func(shadowRoot safejs.Value) bool
	// trust makes the script URLs the widget gives the page (bindTrust).
	trust trust
	// allow is called by a placeholder's "Autoriser" button.
	allow func(categoryID string)
}

// Apply brings the page in line with which services are allowed.
func (s *services) Apply(allowed func(serviceID string) bool) error {
	var errs []error
	for _, svc := range s.catalogue.Services {
		if svc.Loader == nil {
			continue
		}
		var err error
		if allowed(svc.ID) {
			err = s.start(svc)
		} else {
			err = s.stop(svc)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("service %s: %w", svc.ID, err))
		}
	}
	return errors.Join(errs...)
}

// own returns the elements the widget added for a service's loader; the
// placeholders of data-consent embeds (with attrRef) are markup's.
func (s *services) own(svc consent.Service, part string) ([]safejs.Value, error) {
	return s.page.QueryAll(fmt.Sprintf(`[%s=%q][%s=%q]:not([%s])`, attrService, svc.ID, attrPart, part, attrRef))
}

func (s *services) start(svc consent.Service) error {
	placeholders, err := s.own(svc, partPlaceholder)
	if err != nil {
		return err
	}
	if err := Remove(placeholders...); err != nil {
		return err
	}
	if err := s.notices(svc); err != nil {
		return err
	}
	loaded, err := s.own(svc, partLoader)
	if err != nil || len(loaded) > 0 {
		return err
	}
	if svc.Loader.Placeholder != "" {
		// A service that fills placeholders loads only on pages that have
		// one: the loader (consent.js) counts on it to leave the other
		// pages without the wasm.
		targets, err := s.page.QueryAll(svc.Loader.Placeholder)
		if err != nil || len(targets) == 0 {
			return err
		}
	}
	script, err := s.page.Element("script", map[string]string{
		attrService: svc.ID,
		attrPart:    partLoader,
	}, "")
	if err != nil {
		return err
	}
	src, err := s.trust.ScriptURL(svc.Loader.Src())
	if err != nil {
		return err
	}
	if _, err := script.Call("setAttribute", "src", src); err != nil {
		return fmt.Errorf("setting src on <script>: %w", err)
	}
	if err := setProp(script, "async", true); err != nil {
		return err
	}
	parent, err := get(s.page.document, svc.Loader.Placement)
	if err != nil {
		return err
	}
	return Append(parent, script)
}

func (s *services) stop(svc consent.Service) error {
	var doomed []safejs.Value
	for _, part := range []string{partLoader, partNotice} {
		els, err := s.own(svc, part)
		if err != nil {
			return err
		}
		doomed = append(doomed, els...)
	}
	wasLoaded := len(doomed) > 0
	if svc.Loader.Placeholder != "" && wasLoaded {
		// What the service rendered inside the host's elements goes too,
		// never the elements themselves: the placeholder may be a
		// selector list (".a, .b"), so the children are taken from each
		// element it matches rather than with a " > *" appended to it.
		hosts, err := s.page.QueryAll(svc.Loader.Placeholder)
		if err != nil {
			return err
		}
		for _, el := range hosts {
			children, err := Children(el)
			if err != nil {
				return err
			}
			doomed = append(doomed, children...)
		}
	}
	if err := Remove(doomed...); err != nil {
		return err
	}
	if wasLoaded {
		if err := s.clearTraces(svc); err != nil {
			return err
		}
	}
	return s.placeholders(svc)
}

// clearTraces removes the first-party storage and cookies a withdrawn
// service left in the page (R16): every copy of each cookie the page can
// clear, host-only or with a Domain, __Secure- and __Host- ones included.
func (s *services) clearTraces(svc consent.Service) error {
	errs := []error{s.page.ClearStorage(svc.Loader.StoragePrefixes)}
	for _, c := range svc.Cookies {
		errs = append(errs, s.page.ExpireCookie(c.Name))
	}
	return errors.Join(errs...)
}
