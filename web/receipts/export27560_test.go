package receipts

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// terms27560 are the terms the export may use: those of DPV, DCT,
// schema.org and RDF that the DPV guide to ISO/IEC TS 27560 names for the
// fields of a consent record (https://w3id.org/dpv/guides/consent-27560,
// sections 8 and 9).
var terms27560 = map[string]bool{
	// Classes.
	"dpv:ConsentRecord": true, "dpv:DataSubject": true, "dpv:DataController": true,
	"dpv:ConsentNotice": true, "dpv:Process": true, "dpv:Purpose": true, "dpv:Service": true,
	"dpv:Recipient": true, "dpv:PersonalData": true, "dpv:StorageDuration": true,
	"dpv:ConsentGiven": true, "dpv:ConsentRefused": true, "dpv:ConsentWithdrawn": true,
	"dpv:TemporalDuration": true, "dpv:ExpressedConsent": true, "dpv:WithdrawConsent": true,
	"schema:ContactPoint": true,
	// Properties.
	"dct:identifier": true, "dct:conformsTo": true, "dct:created": true, "dct:language": true,
	"dct:date": true, "dct:title": true, "dct:description": true,
	"dpv:hasDataSubject": true, "dpv:hasDataController": true, "dpv:hasName": true,
	"dpv:hasNotice": true, "dpv:hasProcess": true, "dpv:hasPurpose": true, "dpv:hasLegalBasis": true,
	"dpv:hasService": true, "dpv:hasRecipient": true, "dpv:hasPersonalData": true,
	"dpv:hasStorageCondition": true, "dpv:hasConsentStatus": true, "dpv:isIndicatedAtTime": true,
	"dpv:isIndicatedBy": true, "dpv:hasIndicationMethod": true, "dpv:hasDuration": true,
	"dpv:hasConsentControl": true, "dpv:isExercisedAt": true,
	"schema:contactPoint": true, "schema:url": true, "schema:description": true,
	"rdf:value": true, "rdfs:seeAlso": true,
}

// checkTerms fails for every compact IRI (prefix:Term), as a key or as a
// value, that is not among terms27560.
func checkTerms(t *testing.T, v any, at string) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			if k == "@context" {
				continue
			}
			if !strings.HasPrefix(k, "@") {
				assert.True(t, terms27560[k], "unknown term %s at %s", k, at)
			}
			checkTerms(t, sub, at+"/"+k)
		}
	case []any:
		for _, sub := range v {
			checkTerms(t, sub, at)
		}
	case string:
		if prefix, _, ok := strings.Cut(v, ":"); ok && context27560[prefix] != "" {
			assert.True(t, terms27560[v], "unknown term %s at %s", v, at)
		}
	}
}

// checkRecord checks the fields the dpv-27560 profile says a consent record
// must have, for one whose catalogue the service knows.
func checkRecord(t *testing.T, rec map[string]any) {
	id, _ := rec["dct:identifier"].(string)
	assert.Equal(t, "dpv:ConsentRecord", rec["@type"], id)
	assert.Equal(t, "https://w3id.org/dpv/schema/dpv-27560#record", rec["dct:conformsTo"], id)
	for _, field := range []string{"@id", "dct:identifier", "dct:created", "dpv:hasDataSubject", "dpv:hasDataController",
		"dpv:hasNotice", "dpv:hasProcess", "dpv:hasConsentStatus", "dpv:hasConsentControl"} {
		assert.Contains(t, rec, field, id)
	}
	notice, _ := rec["dpv:hasNotice"].(map[string]any)
	assert.Equal(t, "dpv:ConsentNotice", notice["@type"], id)
	assert.NotEmpty(t, notice["dct:language"], "%s: the notice's languages", id)
	processes, _ := rec["dpv:hasProcess"].([]any)
	assert.NotEmpty(t, processes, id)
	for _, p := range processes {
		p, _ := p.(map[string]any)
		for _, field := range []string{"dpv:hasPurpose", "dpv:hasLegalBasis", "dpv:hasRecipient", "dpv:hasConsentStatus"} {
			assert.Contains(t, p, field, id)
		}
	}
	status, _ := rec["dpv:hasConsentStatus"].(map[string]any)
	for _, field := range []string{"@type", "dpv:isIndicatedAtTime", "dpv:isIndicatedBy", "dpv:hasDuration"} {
		assert.Contains(t, status, field, "%s: the consent event", id)
	}
}

func TestExport27560(t *testing.T) {
	c := consent.Seed()
	c.Services = append(c.Services, consent.Service{ID: "video", Category: "contact", Provider: "Vidéo SAS",
		Name: consent.Text{"fr": "Vidéo", "en": "Video"}, Cookies: []consent.Cookie{{Name: "vid",
			Purpose: consent.Text{"fr": "lecture", "en": "playing"}, Lifetime: consent.Text{"fr": "1 an", "en": "1 year"}}}})
	s := startService(t, backends[0].open(t), func(cfg *Config) {
		cfg.Catalogues, cfg.Path, cfg.ArchiveURL = NewCatalogues(c), "/consent/receipts", "https://www.example.fr/consent/"
	})
	s.url += "/consent/receipts"
	allowing := func(at time.Time, ids ...string) consent.Record {
		return consent.NewRecord(c, func(id string) bool { return len(ids) == 2 || (len(ids) == 1 && ids[0] == id) }, at, "AAAAAAAAAAAAAAAA")
	}
	choices := []struct {
		rec consent.Record
		a   Action
	}{
		{allowing(now.Add(-2*time.Hour), "recaptcha", "video"), ActionAcceptAll},
		{allowing(now.Add(-time.Hour), "video"), ActionWithdrawal},
		{allowing(now, "video"), ActionCustom},
	}
	for _, ch := range choices {
		s.clock.t = ch.rec.Time.Add(time.Second)
		code, msg := s.post(t, body(t, ch.rec, ch.a))
		require.Equal(t, http.StatusCreated, code, msg)
	}

	code, out := s.get(t, testToken, "format=27560")
	require.Equal(t, http.StatusOK, code, out)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	assert.Equal(t, map[string]any{
		"dpv": "https://w3id.org/dpv#", "dct": "http://purl.org/dc/terms/", "schema": "https://schema.org/",
		"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
	}, doc["@context"])
	graph, _ := doc["@graph"].([]any)
	require.Len(t, graph, 3)
	checkTerms(t, doc, "")
	ids := map[string]bool{}
	for _, r := range graph {
		rec, _ := r.(map[string]any)
		checkRecord(t, rec)
		ids[rec["dct:identifier"].(string)] = true
	}
	assert.Len(t, ids, 3, "each record has its own identifier")

	first := graph[0].(map[string]any)
	assert.Equal(t, "/consent/receipts?id=AAAAAAAAAAAAAAAA#accept-all."+itoa(choices[0].rec.Time), first["@id"])
	assert.Equal(t, "AAAAAAAAAAAAAAAA.accept-all."+itoa(choices[0].rec.Time), first["dct:identifier"])
	assert.Equal(t, "2026-11-30T07:15:03Z", first["dct:created"], "created when received")
	assert.Equal(t, map[string]any{"@type": "dpv:DataSubject", "dct:identifier": "AAAAAAAAAAAAAAAA"}, first["dpv:hasDataSubject"])
	assert.Equal(t, map[string]any{
		"@id": "https://www.example.fr/consent/" + consent.ArchiveName(c.Revision()), "@type": "dpv:ConsentNotice",
		"dct:identifier": c.Revision(), "dct:language": []any{"fr", "en"}, "dct:date": "2026-11-30T07:15:03Z",
		"rdfs:seeAlso": "/consent/receipts/revisions",
	}, first["dpv:hasNotice"], "the archived wording, dated by the revisions log")
	assert.Equal(t, map[string]any{
		"@type": "dpv:ConsentGiven", "dpv:isIndicatedAtTime": "2026-11-30T07:15:02Z", "dpv:isIndicatedBy": "dpv:DataSubject",
		"dpv:hasIndicationMethod": "accept-all: every service allowed with one button",
		"dpv:hasDuration":         map[string]any{"@type": "dpv:TemporalDuration", "rdf:value": "P183D"},
	}, first["dpv:hasConsentStatus"])
	controller := first["dpv:hasDataController"].(map[string]any)
	assert.Equal(t, c.Site.Name.In("fr"), controller["dpv:hasName"])

	statuses := func(rec any) (string, map[string]string) {
		r := rec.(map[string]any)
		byService := map[string]string{}
		for _, p := range r["dpv:hasProcess"].([]any) {
			p := p.(map[string]any)
			service := p["dpv:hasService"].(map[string]any)["dct:identifier"].(string)
			byService[service] = p["dpv:hasConsentStatus"].(map[string]any)["@type"].(string)
			assert.Equal(t, "contact", p["dpv:hasPurpose"].(map[string]any)["dct:identifier"], "the purpose is the service's category")
		}
		return r["dpv:hasConsentStatus"].(map[string]any)["@type"].(string), byService
	}
	event, each := statuses(graph[0])
	assert.Equal(t, "dpv:ConsentGiven", event)
	assert.Equal(t, map[string]string{"recaptcha": "dpv:ConsentGiven", "video": "dpv:ConsentGiven"}, each)
	event, each = statuses(graph[1])
	assert.Equal(t, "dpv:ConsentWithdrawn", event)
	assert.Equal(t, map[string]string{"recaptcha": "dpv:ConsentRefused", "video": "dpv:ConsentGiven"}, each)
	event, each = statuses(graph[2])
	assert.Equal(t, "dpv:ConsentGiven", event, "a custom choice gives consent to some services")
	assert.Equal(t, map[string]string{"recaptcha": "dpv:ConsentRefused", "video": "dpv:ConsentGiven"}, each)
}

func TestExport27560OfARevisionTheServiceNoLongerHas(t *testing.T) {
	store := backends[0].open(t)
	old := consent.Seed()
	old.Services[4].Provider = "Google LLC"
	r := seedReceipt("AAAAAAAAAAAAAAAA", ActionRefuseAll, now)
	rec := consent.RefuseAll(old, now, "AAAAAAAAAAAAAAAA")
	r.Record = rec
	_, err := store.Add(t.Context(), r)
	require.NoError(t, err)
	s := startService(t, store, nil)
	code, out := s.get(t, testToken, "format=27560")
	require.Equal(t, http.StatusOK, code, out)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	checkTerms(t, doc, "")
	rec0 := doc["@graph"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{map[string]any{
		"@type": "dpv:Process", "dpv:hasPurpose": map[string]any{"@type": "dpv:Purpose", "dct:identifier": "contact"},
		"dpv:hasLegalBasis": "dpv:ExpressedConsent", "dpv:hasConsentStatus": map[string]any{"@type": "dpv:ConsentRefused"},
	}}, rec0["dpv:hasProcess"], "what the record itself says, by category")
	assert.Equal(t, "dpv:ConsentRefused", rec0["dpv:hasConsentStatus"].(map[string]any)["@type"])
}

func itoa(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
