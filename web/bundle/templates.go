package main

import (
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/app"
	"github.com/civic-consent/consent/wasm/contract"
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"
)

// templates returns the <template> elements of the frame's document in
// lang that the page program shows without the dialog program, but for the
// two views, which the loader has already (bodies and buttons) and adds
// itself: the alert that a choice was not stored, the placeholder of every
// optional service and category (content that depends on one, R17) and
// the notice of every service that has one (R19). Each is rendered by the
// app's components and checked as firstLayer checks the first layer.
func templates(c *consent.Catalogue, lang string) (string, error) {
	var b strings.Builder
	add := func(id, markup string) {
		b.WriteString(`<template id="` + id + `">` + markup + `</template>`)
	}
	alert, err := prerender(c, "alert", lang, func(c *consent.Catalogue) goapp.UI {
		return &app.Alert{Catalogue: c, Lang: lang}
	})
	if err != nil {
		return "", err
	}
	add(contract.TemplateError, alert)
	for _, id := range placeholderIDs(c) {
		markup, err := prerender(c, "placeholder of "+id, lang, func(c *consent.Catalogue) goapp.UI {
			return &app.Placeholder{Catalogue: c, Lang: lang, ID: id}
		})
		if err != nil {
			return "", err
		}
		add(contract.TemplatePlaceholder(id), markup)
	}
	for i, svc := range c.Services {
		if svc.Loader == nil || svc.Loader.Notice.In(lang) == "" {
			continue
		}
		markup, err := prerender(c, "notice of "+svc.ID, lang, func(c *consent.Catalogue) goapp.UI {
			return &app.Notice{Service: c.Services[i], Lang: lang}
		})
		if err != nil {
			return "", err
		}
		add(contract.TemplateNotice(svc.ID), markup)
	}
	return b.String(), nil
}

// placeholderIDs are the ids content may depend on and wait for: every
// optional category and service.
func placeholderIDs(c *consent.Catalogue) []string {
	var ids []string
	for _, cat := range c.OptionalCategories() {
		ids = append(ids, cat.ID)
		for _, svc := range c.ServicesIn(cat.ID) {
			ids = append(ids, svc.ID)
		}
	}
	return ids
}
