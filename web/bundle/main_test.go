package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/recipe"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain runs the command itself when the tests start it as a child, so
// that its exit status and output can be checked.
func TestMain(m *testing.M) {
	if os.Getenv("BUNDLE_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeInputs writes stand-ins for the compiled programs and wasm_exec.js.
func fakeInputs(t *testing.T) inputs {
	t.Helper()
	dir := t.TempDir()
	in := inputs{programs: map[string]string{}, exec: filepath.Join(dir, "wasm_exec.js")}
	for _, p := range recipe.Programs {
		in.programs[p.Name] = filepath.Join(dir, p.Name+".wasm")
		require.NoError(t, os.WriteFile(in.programs[p.Name], []byte("\x00asm fake "+p.Name), 0o644))
	}
	require.NoError(t, os.WriteFile(in.exec, []byte("// fake wasm_exec"), 0o644))
	return in
}

// args are the command's flags that name in.
func (in inputs) args() []string {
	return []string{"-page", in.programs["page"], "-dialog", in.programs["dialog"], "-exec", in.exec}
}

// runMain runs the command with args and returns its stderr and exit code.
func runMain(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "BUNDLE_TEST_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return stderr.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return stderr.String(), 0
}

func TestAnInvalidCatalogueBuildsNothingAndSaysEveryProblem(t *testing.T) {
	data, err := os.ReadFile("../catalogues/library.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	site := doc["site"].(map[string]any)
	site["maxAgeDays"] = 1000
	site["position"] = "top"
	services := doc["services"].([]any)
	services[2].(map[string]any)["loader"].(map[string]any)["url"] = "http://stats.example.org/matomo.js"
	services[3].(map[string]any)["category"] = "videos"
	bad, err := json.Marshal(doc)
	require.NoError(t, err)
	catalogue := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(catalogue, bad, 0o644))

	in := fakeInputs(t)
	out := filepath.Join(t.TempDir(), "dist")
	stderr, code := runMain(t, append(in.args(), "-catalogue", catalogue, "-src", "../src", "-out", out)...)
	assert.Equal(t, 1, code)
	for _, want := range []string{
		"site.maxAgeDays: 1000 is out of range",
		`site.position: "top" is not one of`,
		"services[2].loader.url: ",
		`services[3].category: unknown category "videos"`,
	} {
		assert.Contains(t, stderr, want)
	}
	assert.Contains(t, stderr, catalogue+" is not a valid catalogue")
	_, err = os.Stat(out)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing written")
}

func TestMalformedJSONIsReportedWithItsPlace(t *testing.T) {
	catalogue := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(catalogue, []byte(`{"site": {"name": {"fr": 1}, "colour": "red"}, "categories": [], "services": []`), 0o644))
	out := filepath.Join(t.TempDir(), "dist")
	err := run(catalogue, fakeInputs(t), "../src", out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid JSON")
	_, statErr := os.Stat(out)
	assert.ErrorIs(t, statErr, os.ErrNotExist)
}

func TestBundleOfAnotherSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	require.NoError(t, run("../catalogues/library.json", fakeInputs(t), "../src", out))

	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	hashed := regexp.MustCompile(fmt.Sprintf(`^(page|dialog|consent|wasm_exec|warm)\.[0-9a-f]{%d}\.(wasm|js|css)$`, contract.HashLength))
	require.Len(t, names, 7, "%v", names)
	for _, n := range names {
		if n != "consent.js" && !strings.HasPrefix(n, "catalogue.") {
			assert.Regexp(t, hashed, n)
		}
	}

	loader, err := os.ReadFile(filepath.Join(out, "consent.js"))
	require.NoError(t, err)
	assert.NotContains(t, string(loader), "__BUNDLE__")
	assert.NotContains(t, string(loader), "NAMES")
	assert.Contains(t, string(loader), `"civicFrame"`, "the frame's boot is in the loader")
	b := bundleOf(t, loader)
	c, err := consent.ParseCatalogue([]byte(b.Catalogue))
	require.NoError(t, err, "the loader carries a valid catalogue")
	assert.Equal(t, "Médiathèque municipale de Valmont", c.Site.Name["fr"])
	assert.Equal(t, []string{"fr", "en"}, b.Languages)
	assert.Contains(t, b.Bodies["fr"], "Matomo, hébergé par la médiathèque", "the first layer is prerendered from this catalogue")
	assert.Contains(t, b.Bodies["en"], "Reject all")
	assert.NotContains(t, b.Bodies["fr"], "reCAPTCHA", "nothing of the seed")
	for _, key := range []string{"page", "dialog", "exec", "css", "warm"} {
		assert.Contains(t, names, b.Files[key], key)
	}
	css, err := os.ReadFile(filepath.Join(out, b.Files["css"]))
	require.NoError(t, err)
	assert.Equal(t, string(css), b.CSS, "the loader carries the frame's stylesheet")
	assert.Contains(t, b.CSS, ".cc-banner{", "minified")
	assert.NotContains(t, string(loader), "/*", "no comment is shipped")
}

func TestTheSeedIsTheDefault(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	require.NoError(t, run("", fakeInputs(t), "../src", out))
	loader, err := os.ReadFile(filepath.Join(out, "consent.js"))
	require.NoError(t, err)
	assert.Contains(t, string(loader), "Saint-Maur Open Data")
}

func TestCheckOnlyValidates(t *testing.T) {
	stderr, code := runMain(t, "-check", "-catalogue", "../catalogues/library.json")
	assert.Equal(t, 0, code, stderr)
	catalogue := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(catalogue, []byte(`{"site": {}, "categories": [], "services": []}`), 0o644))
	stderr, code = runMain(t, "-check", "-catalogue", catalogue)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "site.name: missing text")
	assert.Contains(t, stderr, "categories: no necessary category")
}

// addLanguage gives every text of a catalogue read as JSON a copy of its
// English in lang.
func addLanguage(v any, lang string) {
	switch v := v.(type) {
	case map[string]any:
		if en, ok := v["en"].(string); ok {
			if _, fr := v["fr"]; fr {
				v[lang] = en
			}
		}
		for _, e := range v {
			addLanguage(e, lang)
		}
	case []any:
		for _, e := range v {
			addLanguage(e, lang)
		}
	}
}

// TestALanguageNeedsEveryLabel builds the library's catalogue with Dutch
// texts: without Dutch labels the build fails naming each missing key; with
// them, and with German (built in), the first layer is in that language.
func TestALanguageNeedsEveryLabel(t *testing.T) {
	data, err := os.ReadFile("../catalogues/library.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	addLanguage(doc, "nl")
	addLanguage(doc, "de")
	dutch := map[string]any{}
	for _, key := range consent.Labels() {
		dutch[string(key)] = consent.Seed().Label("en", key)
	}
	delete(dutch, string(consent.LabelAllow))
	delete(dutch, string(consent.LabelPolicyCaption))
	dutch[string(consent.LabelRefuseAll)] = "Alles weigeren"
	doc["labels"] = map[string]any{"nl": dutch}
	write := func() string {
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		catalogue := filepath.Join(t.TempDir(), "site.json")
		require.NoError(t, os.WriteFile(catalogue, data, 0o644))
		return catalogue
	}

	in := fakeInputs(t)
	out := filepath.Join(t.TempDir(), "dist")
	stderr, code := runMain(t, append(in.args(), "-catalogue", write(), "-src", "../src", "-out", out)...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "labels.nl: missing labels allow, policyCaption: ")
	assert.NotContains(t, stderr, "labels.de", "German is built in")
	_, err = os.Stat(out)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing written")

	dutch[string(consent.LabelAllow)] = "Toestaan"
	dutch[string(consent.LabelPolicyCaption)] = "Cookies: {category}"
	require.NoError(t, run(write(), in, "../src", out))
	loader, err := os.ReadFile(filepath.Join(out, "consent.js"))
	require.NoError(t, err)
	b := bundleOf(t, loader)
	assert.Equal(t, []string{"fr", "de", "en", "nl"}, b.Languages)
	assert.Contains(t, b.Bodies["nl"], "Alles weigeren", "the catalogue's label")
	assert.Contains(t, b.Bodies["de"], "Alle ablehnen", "the built-in German label")
	assert.Equal(t, "Cookie-Einstellungen", b.Titles["de"])
}

// TestTheBundleArchivesItsRevision: the bundle holds the catalogue of its
// revision, every text included, under the name the revision gives it, the
// same revision the loader and every record it makes carry.
func TestTheBundleArchivesItsRevision(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	require.NoError(t, run("../catalogues/library.json", fakeInputs(t), "../src", out))
	data, err := os.ReadFile("../catalogues/library.json")
	require.NoError(t, err)
	c, err := consent.ParseCatalogue(data)
	require.NoError(t, err)

	archived, err := os.ReadFile(filepath.Join(out, consent.ArchiveName(c.Revision())))
	require.NoError(t, err, "catalogue.<revision>.json in the bundle")
	back, err := consent.ParseCatalogue(archived)
	require.NoError(t, err)
	assert.Equal(t, c, back, "the whole catalogue, texts included")
	assert.Contains(t, string(archived), c.Site.Intro["fr"])

	loader, err := os.ReadFile(filepath.Join(out, "consent.js"))
	require.NoError(t, err)
	b := bundleOf(t, loader)
	assert.Equal(t, c.Revision(), b.Revision, "the loader's revision names the archive")
}

// TestAnArchiveIsNeverRewritten: building into a folder that already holds
// the archive of this revision keeps it when it is the same, and fails when
// it says something else.
func TestAnArchiveIsNeverRewritten(t *testing.T) {
	c := consent.Seed()
	dir := t.TempDir()
	require.NoError(t, writeArchive(c, dir))
	require.NoError(t, writeArchive(c, dir), "the same archive again")

	path := filepath.Join(dir, consent.ArchiveName(c.Revision()))
	require.NoError(t, os.WriteFile(path, []byte(`{"tampered": true}`), 0o644))
	err := writeArchive(c, dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "never rewritten")
	kept, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, `{"tampered": true}`, string(kept))
}
