package gate

import (
	"errors"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/dom"
)

// loading pairs each blocked attribute with the one that loads, and says
// whether its value is a srcset list.
var loading = []struct {
	blocked, live string
	srcset        bool
}{
	{"data-src", "src", false},
	{"data-srcset", "srcset", true},
	{"data-poster", "poster", false},
}

// setting is one attribute that makes an element load.
type setting struct {
	el          dom.Element
	name, value string
}

// activation returns what loading an allowed embed sets: its own and its
// sources' src, srcset and poster from their data- forms, each URL resolved
// against the page and checked by consent.ActivateURL. One URL refused
// refuses the embed.
func (m *markup) activation(el dom.Element) ([]setting, error) {
	base := m.page.doc.Location().Base
	var sets []setting
	var errs []error
	for _, e := range append([]dom.Element{el}, sources(el)...) {
		for _, a := range loading {
			raw, ok := e.Attr(a.blocked)
			if !ok {
				continue
			}
			var v string
			var err error
			if a.srcset {
				v, err = consent.ActivateSrcset(raw, base)
			} else {
				v, err = consent.ActivateURL(raw, base)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			sets = append(sets, setting{el: e, name: a.live, value: v})
		}
	}
	return sets, errors.Join(errs...)
}

// load sets what activation returned, sources first, marks the embed
// loaded, and makes a video or audio choose among its new sources.
func load(el dom.Element, sets []setting) error {
	for i := len(sets) - 1; i >= 0; i-- {
		if err := sets[i].el.SetAttr(sets[i].name, sets[i].value); err != nil {
			return err
		}
	}
	if err := el.SetAttr(attrLoaded, ""); err != nil {
		return err
	}
	if isMedia(el) && len(sources(el)) > 0 {
		// Setting a source's src does not restart the media's selection.
		return el.Reload()
	}
	return nil
}

// unload removes what load set from clone, the copy of el that replaces
// it, and from the sources of the picture around el, which the copy keeps.
func unload(el, clone dom.Element) error {
	targets := append([]dom.Element{clone}, sources(clone)...)
	if !isMedia(el) {
		targets = append(targets, sources(el)...)
	}
	for _, e := range targets {
		for _, a := range loading {
			if err := e.RemoveAttr(a.live); err != nil {
				return err
			}
		}
	}
	return clone.RemoveAttr(attrLoaded)
}

// sources returns the source elements that feed an embed: the children of
// a video or audio, or those of the picture around an img.
func sources(el dom.Element) []dom.Element {
	parent := el
	if !isMedia(el) {
		parent = el.Parent()
		if parent == nil || parent.Tag() != "picture" {
			return nil
		}
	}
	var out []dom.Element
	for _, c := range parent.Children() {
		if c.Tag() == "source" {
			out = append(out, c)
		}
	}
	return out
}

func isMedia(el dom.Element) bool {
	return el.Tag() == "video" || el.Tag() == "audio"
}
