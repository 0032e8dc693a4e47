//go:build js && wasm

package main

import (
	"errors"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
)

// setting is one attribute that makes an element load.
type setting struct {
	el          safejs.Value
	name, value string
}

// activation returns what loading an allowed embed sets: its own and its
// sources' src, srcset and poster from their data- forms, each URL resolved
// against the page and checked by consent.ActivateURL. One URL refused
// refuses the embed.
func (m *markup) activation(el safejs.Value) ([]setting, error) {
	base := m.page().Base
	var sets []setting
	var errs []error
	for _, e := range append([]safejs.Value{el}, sources(el)...) {
		for _, a := range loading {
			if !hasAttr(e, a.blocked) {
				continue
			}
			raw := attr(e, a.blocked)
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
func load(el safejs.Value, sets []setting) error {
	for i := len(sets) - 1; i >= 0; i-- {
		s := sets[i]
		if _, err := s.el.Call("setAttribute", s.name, s.value); err != nil {
			return err
		}
	}
	if _, err := el.Call("setAttribute", attrLoaded, ""); err != nil {
		return err
	}
	if isMedia(el) && len(sources(el)) > 0 {
		// Setting a source's src does not restart the media's selection.
		if _, err := el.Call("load"); err != nil {
			return err
		}
	}
	return nil
}

// unload removes what load set from clone, the copy of el that replaces
// it, and from the sources of the picture around el, which the copy keeps.
func unload(el, clone safejs.Value) error {
	targets := append([]safejs.Value{clone}, sources(clone)...)
	if !isMedia(el) {
		targets = append(targets, sources(el)...)
	}
	for _, e := range targets {
		for _, a := range loading {
			if _, err := e.Call("removeAttribute", a.live); err != nil {
				return err
			}
		}
	}
	_, err := clone.Call("removeAttribute", attrLoaded)
	return err
}

// sources returns the source elements that feed an embed: the children of
// a video or audio, or those of the picture around an img.
func sources(el safejs.Value) []safejs.Value {
	parent := el
	if !isMedia(el) {
		p, err := prop(el, "parentElement")
		if err != nil || p.IsNull() || !strings.EqualFold(str(prop(p, "nodeName")), "picture") {
			return nil
		}
		parent = p
	}
	var out []safejs.Value
	children, err := prop(parent, "children")
	if err != nil {
		return nil
	}
	for _, c := range items(children) {
		if strings.EqualFold(str(prop(c, "nodeName")), "source") {
			out = append(out, c)
		}
	}
	return out
}

func isMedia(el safejs.Value) bool {
	name := strings.ToLower(str(prop(el, "nodeName")))
	return name == "video" || name == "audio"
}
