package consent

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArchiveIsNamedByRevisionAndLoadsBack(t *testing.T) {
	c := Seed()
	name, data, err := c.Archive()
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^catalogue\.[0-9a-f]{12}\.json$`), name)
	assert.Equal(t, "catalogue."+c.Revision()+".json", name)

	back, err := ParseCatalogue(data)
	require.NoError(t, err)
	assert.Equal(t, c, back, "the archive holds the whole catalogue, texts included")
	assert.Contains(t, string(data), c.Site.Intro["fr"], "the wording the visitor saw is in the archive")
}

func TestArchiveNameChangesWithTheWording(t *testing.T) {
	c := Seed()
	name, _, err := c.Archive()
	require.NoError(t, err)

	reworded := Seed()
	reworded.Site.Intro["fr"] = "Un autre texte d'introduction."
	name2, data2, err := reworded.Archive()
	require.NoError(t, err)
	assert.NotEqual(t, name, name2, "new wording, new revision: an archive is never overwritten with other words")
	assert.Contains(t, string(data2), "Un autre texte d'introduction.")

	changed := Seed()
	changed.Services[4].Provider = "Google LLC"
	name3, _, err := changed.Archive()
	require.NoError(t, err)
	assert.NotEqual(t, name, name3, "a new provider is a new revision, archived under a new name")
}

func TestArchiveRefusesAnInvalidCatalogue(t *testing.T) {
	c := Seed()
	c.Categories = nil
	_, _, err := c.Archive()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "archive of catalogue revision")
}

func TestArchiveRevisionIsArchiveNamesInverse(t *testing.T) {
	rev, ok := ArchiveRevision(ArchiveName("0123456789ab"))
	assert.True(t, ok)
	assert.Equal(t, "0123456789ab", rev)
	for _, name := range []string{"catalogue.json", "catalogue.0123456789AB.json", "catalogue.0123456789a.json",
		"catalogue.0123456789ab.json.br", "x-catalogue.0123456789ab.json", "catalogue.0123456789abc.json"} {
		_, ok := ArchiveRevision(name)
		assert.False(t, ok, name)
	}
}
