package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/recipe"
)

// vanillaFiles are the names, under /vendor/, of the comparison widget's
// files: vanilla-cookieconsent's script and stylesheet as npm ships them,
// and the page's configuration script.
type vanillaFiles struct {
	script, style, config string
}

// prepareVanilla writes vanilla-cookieconsent into dir the way build.sh
// writes the widget's bundle: content-hashed names (so the same server
// marks them immutable), each with the precompressed siblings of
// internal/recipe. dir must hold nothing else. Its
// configuration has the seed catalogue's two categories and French texts.
func prepareVanilla(npmDist, dir string) (vanillaFiles, error) {
	var f vanillaFiles
	config, err := vanillaConfig(consent.Seed())
	if err != nil {
		return f, err
	}
	if f.script, err = copyHashed(filepath.Join(npmDist, "cookieconsent.umd.js"), dir, "cookieconsent.umd", ".js"); err != nil {
		return f, err
	}
	if f.style, err = copyHashed(filepath.Join(npmDist, "cookieconsent.css"), dir, "cookieconsent", ".css"); err != nil {
		return f, err
	}
	cfg := filepath.Join(dir, "config.js")
	if err := os.WriteFile(cfg, config, 0o644); err != nil {
		return f, fmt.Errorf("vanilla: write config: %w", err)
	}
	if f.config, err = copyHashed(cfg, dir, "config", ".js"); err != nil {
		return f, err
	}
	if err := os.Remove(cfg); err != nil {
		return f, fmt.Errorf("vanilla: %w", err)
	}
	if err := recipe.CompressDir(dir, ""); err != nil {
		return f, fmt.Errorf("vanilla: %w", err)
	}
	return f, nil
}

// copyHashed copies src into dir as base.<10 hex of SHA-256>ext.
func copyHashed(src, dir, base, ext string) (string, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("vanilla: %w (run ./build.sh setup, or npm ci in web/)", err)
	}
	sum := sha256.Sum256(data)
	name := base + "." + hex.EncodeToString(sum[:])[:10] + ext
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		return "", fmt.Errorf("vanilla: %w", err)
	}
	return name, nil
}

// vanillaConfig is the script that starts vanilla-cookieconsent with the
// same categories and texts as the widget's French first layer: a bar at
// the bottom, "necessary" read-only, "contact" for reCAPTCHA.
func vanillaConfig(c *consent.Catalogue) ([]byte, error) {
	const lang = "fr"
	policy := fmt.Sprintf(`<a href="%s">Charte cookies</a>`, c.Site.PolicyURL.In(consent.DefaultLanguage))
	categories := map[string]any{}
	var sections []map[string]any
	for _, cat := range c.Categories {
		if cat.Necessary {
			categories[cat.ID] = map[string]any{"enabled": true, "readOnly": true}
		} else {
			categories[cat.ID] = map[string]any{}
		}
		sections = append(sections, map[string]any{
			"title":          cat.Title.In(lang),
			"description":    cat.Description.In(lang),
			"linkedCategory": cat.ID,
		})
	}
	config := map[string]any{
		// Headless Chromium sets navigator.webdriver, which the library
		// takes for a robot: it would then never show its banner.
		"hideFromBots": false,
		"guiOptions": map[string]any{
			"consentModal": map[string]any{"layout": "bar", "position": "bottom"},
		},
		"categories": categories,
		"language": map[string]any{
			"default": lang,
			"translations": map[string]any{lang: map[string]any{
				"consentModal": map[string]any{
					"title":              "Vos choix sur les cookies",
					"description":        c.Site.Intro.In(lang) + " Vous pourrez changer d'avis à tout moment avec le bouton « Gestion des cookies ».",
					"acceptAllBtn":       "Tout accepter",
					"acceptNecessaryBtn": "Tout refuser",
					"showPreferencesBtn": "Personnaliser",
					"footer":             policy,
				},
				"preferencesModal": map[string]any{
					"title":              "Gestion des cookies",
					"acceptAllBtn":       "Tout accepter",
					"acceptNecessaryBtn": "Tout refuser",
					"savePreferencesBtn": "Enregistrer mes choix",
					"closeIconLabel":     "Fermer",
					"sections":           sections,
				},
			}},
		},
	}
	data, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("vanilla: config: %w", err)
	}
	var b strings.Builder
	b.WriteString("/* vanilla-cookieconsent, configured like the widget (written by web/bench). */\n")
	b.WriteString("CookieConsent.run(")
	b.Write(data)
	b.WriteString(");\n")
	return []byte(b.String()), nil
}
