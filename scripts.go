package consent

import (
	"fmt"
	"net/url"
	"strings"
)

// Necessary reports whether id, a category or a service, is necessary:
// a necessary category, or a service of one.
func (c *Catalogue) Necessary(id string) bool {
	if s, ok := c.Service(id); ok {
		id = s.Category
	}
	cat, ok := c.Category(id)
	return ok && cat.Necessary
}

// servicesOf returns the services of id: the service itself, or every
// service of the category.
func (c *Catalogue) servicesOf(id string) []Service {
	if s, ok := c.Service(id); ok {
		return []Service{s}
	}
	return c.ServicesIn(id)
}

// ActivateScript decides whether a blocked script of page p may run (its id
// being allowed) and returns the URL its running copy loads, "" for an
// inline one. The error says why it stays blocked.
func (c *Catalogue) ActivateScript(s BlockedScript, p Page) (string, error) {
	if c.Necessary(s.ID) {
		return "", fmt.Errorf("data-consent=%q names necessary content: the widget runs only what needs consent, so load it as ordinary markup", s.ID)
	}
	if !s.External {
		switch {
		case p.Nonce == "":
			return "", fmt.Errorf("inline data-consent=%q script: the loader's script tag carries no nonce, so no inline script runs on this page", s.ID)
		case s.Nonce != p.Nonce:
			return "", fmt.Errorf("inline data-consent=%q script: its nonce is not the page's (the loader's)", s.ID)
		}
		return "", nil
	}
	src, err := ActivateURL(s.Src, p.Base)
	if err != nil {
		return "", fmt.Errorf("data-consent=%q script: %w", s.ID, err)
	}
	src = withoutDefaultPort(src)
	if strings.Contains(strings.ToLower(src), "%2e") {
		// Browsers read an encoded dot segment as one: it could leave a
		// listed folder.
		return "", fmt.Errorf("data-consent=%q script: %s holds an encoded dot", s.ID, src)
	}
	for _, svc := range c.servicesOf(s.ID) {
		if svc.Loader != nil && src == svc.Loader.Src() {
			return src, nil
		}
		for _, entry := range svc.Scripts {
			if scriptListed(entry, src, p.URL) {
				return src, nil
			}
		}
	}
	return "", fmt.Errorf("data-consent=%q script: %s is not a script the catalogue lists for %q (services[].scripts)", s.ID, src, s.ID)
}

// withoutDefaultPort returns an absolute http(s) URL without its scheme's
// default port, which names the same script.
func withoutDefaultPort(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if (u.Scheme == "https" && u.Port() == "443") || (u.Scheme == "http" && u.Port() == "80") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") {
			u.Host = "[" + u.Host + "]"
		}
	}
	return u.String()
}

// scriptListed reports whether src, an absolute URL, is the script entry
// names: the same URL, or one in the folder when entry ends with "/". An
// entry that is a path of the site is on the page's origin.
func scriptListed(entry, src, pageURL string) bool {
	if strings.HasPrefix(entry, "/") {
		page, err := url.Parse(pageURL)
		if err != nil || page.Host == "" {
			return false
		}
		entry = page.Scheme + "://" + page.Host + entry
	}
	if strings.HasSuffix(entry, "/") {
		return strings.HasPrefix(src, entry)
	}
	return src == entry
}

// checkScript accepts an entry of Service.Scripts: an https URL with a
// path, or a path of the site; a folder ends with "/" and names one below
// the root, never a whole origin.
func checkScript(s string) error {
	if strings.HasPrefix(s, "/") {
		if err := checkPath(s); err != nil {
			return err
		}
	} else if err := checkHTTPS(s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	switch {
	case u.Fragment != "" || strings.Contains(s, "#"):
		return fmt.Errorf("%q has a fragment", s)
	case strings.Contains(strings.ToLower(s), "%2e") || strings.Contains("/"+u.Path+"/", "/../") || strings.Contains("/"+u.Path+"/", "/./"):
		return fmt.Errorf("%q has a dot segment", s)
	case u.Path == "" || u.Path == "/":
		return fmt.Errorf("%q names a whole origin: list the script, or the folder its scripts are in", s)
	}
	return nil
}

// scripts checks a service's Scripts.
func (v *validator) scripts(path string, scripts []string) {
	seen := map[string]int{}
	for i, s := range scripts {
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := checkScript(s); err != nil {
			v.add(p, "%v", err)
			continue
		}
		if k, dup := seen[s]; dup {
			v.add(p, "duplicate script %q, already listed as [%d]", s, k)
		}
		seen[s] = i
	}
}
