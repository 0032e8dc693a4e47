package consent

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Revision identifies what a visitor consents to: 12 lowercase hex digits of
// the SHA-256 of a canonical encoding of the category ids, necessary flags
// and Google consent types, the service ids, categories and providers, their cookie names and
// third-party flags, and their loaders' URL, parameters and placement. A
// stored choice is valid only for the revision it answered (R13).
//
// Texts are left out, so that fixing a wording keeps every choice. Order is
// left out too: categories and services are taken by id, cookies by name,
// since display order changes nothing a visitor agreed to and the consent
// record lists entries by id.
func (c *Catalogue) Revision() string {
	h := sha256.New()
	// Each string is length-prefixed, so no two catalogues share an encoding.
	put := func(fields ...string) {
		for _, f := range fields {
			fmt.Fprintf(h, "%d:%s", len(f), f)
		}
	}
	put("consent-revision", "1")
	cats := slices.SortedFunc(slices.Values(c.Categories), func(a, b Category) int { return cmp.Compare(a.ID, b.ID) })
	for _, cat := range cats {
		put("category", cat.ID, strconv.FormatBool(cat.Necessary))
		// What allowing a category grants Google is part of the consent.
		for _, t := range slices.Sorted(slices.Values(cat.ConsentMode)) {
			put("consent-type", t)
		}
	}
	services := slices.SortedFunc(slices.Values(c.Services), func(a, b Service) int { return cmp.Compare(a.ID, b.ID) })
	for _, s := range services {
		put("service", s.ID, s.Category, s.Provider)
		cookies := slices.SortedFunc(slices.Values(s.Cookies), func(a, b Cookie) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), boolCompare(a.ThirdParty, b.ThirdParty))
		})
		for _, ck := range cookies {
			put("cookie", ck.Name, strconv.FormatBool(ck.ThirdParty))
		}
		if l := s.Loader; l != nil {
			put("loader", l.URL, l.Placement)
			for _, k := range slices.Sorted(maps.Keys(l.Params)) {
				put("param", k, l.Params[k])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	default:
		return -1
	}
}
