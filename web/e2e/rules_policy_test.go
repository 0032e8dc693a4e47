package e2e

import (
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestR18PolicyAndPreferencesListEveryCookie(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ lang, query, required, exempt string }{
			{"fr", "", "Soumis à votre consentement", "Exempté de consentement"},
			{"en", "?lang=en", "Requires your consent", "Exempt from consent"},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				tb := open(t, b, "/charte-cookies"+tt.query, engine.PageOptions{})
				// The policy page: provider, service, cookie, purpose,
				// lifetime, consent.
				var policy [][]string
				tb.eval(`Array.from(document.querySelectorAll('article.policy tbody tr'), (tr) => Array.from(tr.cells, (td) => td.textContent.trim()))`, &policy)
				// The preferences: the same, per category, under the
				// category's switch or its "always on" mark.
				tb.click(frame(`#cc-banner [data-action=customise]`))
				tb.waitMode("modal")
				var prefs []struct {
					Cells     []string
					Switch    bool
					Necessary bool
				}
				tb.eval(`Array.from(`+widgetDoc+`.querySelectorAll('#cc-prefs .cc-table tbody tr'), (tr) => {
					const cat = tr.closest('.cc-category');
					return {Cells: Array.from(tr.cells, (td) => td.textContent.trim()),
						Switch: !!cat.querySelector('.cc-category-head [role=switch], .cc-category-head [role=checkbox]'),
						Necessary: !!cat.querySelector('.cc-category-head .cc-locked')};
				})`, &prefs)

				count := 0
				for _, svc := range seed.Services {
					cat, _ := seed.Category(svc.Category)
					for _, c := range svc.Cookies {
						count++
						var row []string
						for _, r := range policy {
							if len(r) == 6 && strings.HasPrefix(r[2], c.Name) {
								row = r
							}
						}
						if assert.NotNil(t, row, "policy page lists %s", c.Name) {
							consentCell := tt.exempt
							if !cat.Necessary {
								consentCell = tt.required
							}
							assert.Equal(t, []string{svc.Provider, svc.Name.In(tt.lang), row[2], c.Purpose.In(tt.lang), c.Lifetime.In(tt.lang), consentCell}, row, c.Name)
						}
						found := false
						for _, r := range prefs {
							if len(r.Cells) == 5 && r.Cells[2] == c.Name {
								found = true
								assert.Equal(t, []string{svc.Provider, svc.Name.In(tt.lang), c.Name, c.Purpose.In(tt.lang), c.Lifetime.In(tt.lang)}, r.Cells, c.Name)
								assert.Equal(t, !cat.Necessary, r.Switch, "%s: needs consent, so under a switch", c.Name)
								assert.Equal(t, cat.Necessary, r.Necessary, "%s: exempt, so always on", c.Name)
							}
						}
						assert.True(t, found, "the preferences list %s", c.Name)
					}
				}
				assert.Len(t, policy, count, "the policy page lists exactly the catalogue's cookies")
				assert.Len(t, prefs, count, "the preferences list exactly the catalogue's cookies")
			})
		}
	})
}

func TestR19GoogleNoticeNextToTheForm(t *testing.T) {
	seed := consent.Seed()
	svc, ok := seed.Service("recaptcha")
	require.True(t, ok)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, lang := range []string{"fr", "en"} {
			t.Run(lang, func(t *testing.T) {
				tb := open(t, b, "/contact?lang="+lang, engine.PageOptions{})
				tb.click(frame(`#cc-banner [data-action=accept]`))
				tb.waitFor(`window.recaptchaRuns === 1`)
				type link struct{ Href, Text string }
				var notice struct {
					Text    string
					Links   []link
					After   bool
					InForm  bool
					Visible bool
				}
				tb.eval(`(() => {
					const n = document.querySelectorAll('[data-consent-part=notice]');
					if (n.length !== 1) throw new Error(n.length + ' notices');
					const p = n[0], r = p.getBoundingClientRect();
					return {Text: p.innerText, Links: Array.from(p.querySelectorAll('a'), (a) => ({Href: a.href, Text: a.textContent})),
						After: document.querySelector('.g-recaptcha').nextElementSibling === p,
						InForm: p.closest('form') === document.querySelector('#main form'),
						Visible: r.width > 0 && r.height > 0 && getComputedStyle(p).visibility === 'visible'};
				})()`, &notice)
				assert.True(t, strings.HasPrefix(notice.Text, svc.Loader.Notice.In(lang)), "R19: Google's notice, got %q", notice.Text)
				var want []link
				for _, l := range svc.Loader.NoticeLinks {
					want = append(want, link{l.URL, l.Text.In(lang)})
				}
				require.Len(t, want, 2, "the seed's notice links Google's privacy policy and terms")
				assert.Equal(t, want, notice.Links, "R19: both links")
				assert.True(t, notice.After, "right after the captcha")
				assert.True(t, notice.InForm, "in the form")
				assert.True(t, notice.Visible)
			})
		}
	})
}
