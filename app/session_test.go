package app

import (
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func firstVisit(t *testing.T) *Session {
	t.Helper()
	c := consent.Seed()
	return NewSession(c, "fr", consent.Decide(c, "", now, false))
}

func TestR8NothingPreTicked(t *testing.T) {
	s := firstVisit(t)
	assert.Equal(t, frame.ViewBanner, s.View)
	assert.False(t, s.ServiceOn("recaptcha"))
	on, mixed := s.CategoryOn("contact")
	assert.False(t, on)
	assert.False(t, mixed)
	assert.True(t, s.ServiceOn("sessionid-not-a-service") == false)
	assert.True(t, s.ServiceOn("authentication"), "necessary services are always on")
}

func TestSessionStartsFromAValidRecord(t *testing.T) {
	c := consent.Seed()
	rec := consent.AcceptAll(c, now.Add(-time.Hour), "AAAAAAAAAAAAAAAA")
	s := NewSession(c, "en", consent.Decide(c, "cookies_preferences="+rec.Encode(), now, false))
	assert.Equal(t, frame.ViewButton, s.View, "a valid stored choice shows nothing but the button")
	assert.True(t, s.ServiceOn("recaptcha"))
}

func TestR20GPCDoesNotNag(t *testing.T) {
	c := consent.Seed()
	s := NewSession(c, "fr", consent.Decide(c, "", now, true))
	assert.Equal(t, frame.ViewButton, s.View)
	assert.False(t, s.ServiceOn("recaptcha"))
}

func TestR4AcceptAndRefuseAreOneCall(t *testing.T) {
	s := firstVisit(t)
	assert.Equal(t, Choice{"recaptcha": true}, s.AcceptAll())
	assert.Equal(t, frame.ViewButton, s.View)

	s = firstVisit(t)
	assert.Equal(t, Choice{"recaptcha": false}, s.RefuseAll())
	assert.Equal(t, frame.ViewButton, s.View)
}

func TestPreferencesCloseBackToWhereTheyOpened(t *testing.T) {
	s := firstVisit(t)
	s.OpenPreferences()
	assert.Equal(t, frame.ViewPreferences, s.View)
	s.SetCategory("contact", true)
	s.ClosePreferences()
	assert.Equal(t, frame.ViewBanner, s.View, "closing without saving is no choice")

	s.View = frame.ViewButton
	s.OpenPreferences()
	s.OpenPreferences() // twice does not lose where to go back to
	s.ClosePreferences()
	assert.Equal(t, frame.ViewButton, s.View)
}

func TestCustomiseOneCategory(t *testing.T) {
	s := firstVisit(t)
	s.OpenPreferences()
	s.SetService("recaptcha", true)
	on, _ := s.CategoryOn("contact")
	assert.True(t, on)
	s.SetService("authentication", false) // necessary: ignored
	assert.True(t, s.ServiceOn("authentication"))
	choice := s.Save()
	assert.Equal(t, Choice{"recaptcha": true}, choice)
	assert.True(t, choice.Allowed("recaptcha"))
	assert.False(t, choice.Allowed("unknown"))
}

func TestSyncTakesAChoiceStoredElsewhere(t *testing.T) {
	c := mixedCatalogue(t)
	s := NewSession(c, "fr", consent.Decide(c, "", now, false))
	s.SetService("stats", true)
	s.Sync(map[string]bool{"video": true, "unknown": true}, "AAAAAAAAAAAAAAAA")
	assert.Equal(t, Choice{"recaptcha": false, "video": true, "stats": false}, s.Save(), "the draft is the stored choice, nothing else")
	assert.Equal(t, "AAAAAAAAAAAAAAAA", s.RecordID)
}

func TestCategoryMixedState(t *testing.T) {
	c := mixedCatalogue(t)
	s := NewSession(c, "fr", consent.Decide(c, "", now, false))
	s.SetService("video", true)
	on, mixed := s.CategoryOn("media")
	assert.False(t, on)
	assert.True(t, mixed)
}

// mixedCatalogue is the seed with a second optional category of two
// services.
func mixedCatalogue(t *testing.T) *consent.Catalogue {
	t.Helper()
	c := consent.Seed()
	c.Categories = append(c.Categories, consent.Category{
		ID:          "media",
		Title:       consent.Text{"fr": "Médias", "en": "Media"},
		Description: consent.Text{"fr": "Vidéos et statistiques.", "en": "Videos and statistics."},
		Refusal:     consent.Text{"fr": "Les vidéos ne se lancent pas.", "en": "Videos do not play."},
	})
	for _, id := range []string{"video", "stats"} {
		c.Services = append(c.Services, consent.Service{
			ID: id, Category: "media", Provider: "Example",
			Name:    consent.Text{"fr": id, "en": id},
			Cookies: []consent.Cookie{{Name: id + "_id", Purpose: consent.Text{"fr": "x", "en": "x"}, Lifetime: consent.Text{"fr": "1 an", "en": "1 year"}}},
		})
	}
	require.NoError(t, c.Validate())
	return c
}
