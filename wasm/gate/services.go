package gate

import (
	"errors"
	"fmt"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/dom"
)

// Attributes that mark what the widget added to the host page, so that it
// finds (and removes) exactly its own elements.
const (
	attrService     = "data-consent-service"
	attrPart        = "data-consent-part"
	partLoader      = "loader"
	partPlaceholder = "placeholder"
	partNotice      = "notice"
	// placeholderTag is the element that holds a placeholder's shadow root.
	placeholderTag = "civic-consent-placeholder"
)

// services brings the catalogue's services with a loader in line with a
// decision: the loaders of allowed services appended, once; a placeholder
// where a refused service would have been (R17); a service refused on
// this page taken out as far as the page can: its script and what it
// rendered removed (R16; Google's code already running is gone on the
// next page load).
type services struct {
	page *Page
}

func (s *services) apply(d consent.Decision) error {
	var errs []error
	for _, svc := range s.page.cat.Services {
		if svc.Loader == nil {
			continue
		}
		var err error
		if d.Allowed(svc.ID) {
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
func (s *services) own(svc consent.Service, part string) ([]dom.Element, error) {
	return s.page.doc.QueryAll(attrIs(attrService, svc.ID) + attrIs(attrPart, part) + ":not([" + attrRef + "])")
}

// attrIs is the selector [name="value"] of a value the widget wrote: an
// id of the catalogue or its own, which needs no escaping.
func attrIs(name, value string) string {
	return "[" + name + `="` + value + `"]`
}

func (s *services) start(svc consent.Service) error {
	placeholders, err := s.own(svc, partPlaceholder)
	if err != nil {
		return err
	}
	if err := removeAll(placeholders); err != nil {
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
		// pages without the page program.
		targets, err := s.page.doc.QueryAll(svc.Loader.Placeholder)
		if err != nil || len(targets) == 0 {
			return err
		}
	}
	el, err := s.page.doc.CreateElement("script")
	if err != nil {
		return err
	}
	for _, a := range []dom.Attribute{{Name: attrService, Value: svc.ID}, {Name: attrPart, Value: partLoader}} {
		if err := el.SetAttr(a.Name, a.Value); err != nil {
			return err
		}
	}
	script := el.Script()
	if err := script.SetSrc(svc.Loader.Src()); err != nil {
		return fmt.Errorf("script URL %s: %w", svc.Loader.Src(), err)
	}
	if err := script.SetAsync(true); err != nil {
		return err
	}
	parents, err := s.page.doc.QueryAll(svc.Loader.Placement)
	if err != nil {
		return err
	}
	if len(parents) == 0 {
		return fmt.Errorf("the page has no <%s>", svc.Loader.Placement)
	}
	return parents[0].Append(el)
}

func (s *services) stop(svc consent.Service) error {
	var doomed []dom.Element
	for _, part := range []string{partLoader, partNotice} {
		els, err := s.own(svc, part)
		if err != nil {
			return err
		}
		doomed = append(doomed, els...)
	}
	if svc.Loader.Placeholder != "" && len(doomed) > 0 {
		// What the service rendered inside the host's elements goes too,
		// never the elements themselves: the placeholder may be a
		// selector list (".a, .b"), so the children are taken from each
		// element it matches rather than with a " > *" appended to it.
		hosts, err := s.page.doc.QueryAll(svc.Loader.Placeholder)
		if err != nil {
			return err
		}
		for _, el := range hosts {
			doomed = append(doomed, el.Children()...)
		}
	}
	if err := removeAll(doomed); err != nil {
		return err
	}
	return s.placeholders(svc)
}

// targets returns the host elements the service's loader fills, where
// none has its part yet: a placeholder or a notice is put once.
func (s *services) targets(svc consent.Service, part string) ([]dom.Element, error) {
	if svc.Loader.Placeholder == "" {
		return nil, nil
	}
	if existing, err := s.own(svc, part); err != nil || len(existing) > 0 {
		return nil, err
	}
	return s.page.doc.QueryAll(svc.Loader.Placeholder)
}

// placeholders puts the service's placeholder before each host element it
// would fill (R17), with the site's other contact address.
func (s *services) placeholders(svc consent.Service) error {
	targets, err := s.targets(svc, partPlaceholder)
	if err != nil {
		return err
	}
	for _, target := range targets {
		ph := placeholder{id: svc.ID, category: svc.Category, contact: true}
		if err := s.page.insertPlaceholder(target, ph, map[string]string{attrService: svc.ID, attrPart: partPlaceholder}); err != nil {
			return err
		}
	}
	return nil
}

// notices shows the service's notice (Google's reCAPTCHA terms, R19) after
// each element it fills, while it runs.
func (s *services) notices(svc consent.Service) error {
	targets, err := s.targets(svc, partNotice)
	if err != nil {
		return err
	}
	for _, target := range targets {
		notice, err := s.page.cfg.Parts.Notice(svc.ID)
		if err != nil || notice == nil {
			return err
		}
		for _, a := range []dom.Attribute{{Name: attrService, Value: svc.ID}, {Name: attrPart, Value: partNotice}} {
			if err := notice.SetAttr(a.Name, a.Value); err != nil {
				return err
			}
		}
		if err := target.After(notice); err != nil {
			return fmt.Errorf("inserting the notice: %w", err)
		}
	}
	return nil
}

// clearTraces removes what the services d refuses may have left in the
// page's first-party storage (R16): every copy of each of their cookies
// that the page can clear, whatever page they ran on, and their storage
// keys. Necessary services are never refused, so nothing of theirs goes.
func (p *Page) clearTraces(d consent.Decision) error {
	var prefixes []string
	var errs []error
	for _, svc := range p.cat.Services {
		if d.Allowed(svc.ID) {
			continue
		}
		for _, c := range svc.Cookies {
			if !c.ThirdParty {
				errs = append(errs, p.expire(c.Name))
			}
		}
		if svc.Loader != nil {
			prefixes = append(prefixes, svc.Loader.StoragePrefixes...)
		}
	}
	if len(prefixes) > 0 {
		errs = append(errs, p.clearStorage(prefixes))
	}
	return errors.Join(errs...)
}

// clearStorage removes the keys starting with any of the prefixes from the
// page's localStorage and sessionStorage.
func (p *Page) clearStorage(prefixes []string) error {
	var errs []error
	for _, session := range []bool{false, true} {
		store, err := p.doc.Storage(session)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		keys, err := store.Keys()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, key := range keys {
			for _, prefix := range prefixes {
				if strings.HasPrefix(key, prefix) {
					errs = append(errs, store.Remove(key))
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}

// removeAll detaches elements from the page.
func removeAll(els []dom.Element) error {
	var errs []error
	for _, el := range els {
		errs = append(errs, el.Remove())
	}
	return errors.Join(errs...)
}
