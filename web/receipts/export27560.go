package receipts

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"time"

	consent "github.com/civic-consent/consent"
)

// The export in ISO/IEC TS 27560 consent records (format=27560) is one
// JSON-LD document whose @graph holds a dpv:ConsentRecord per receipt, in
// the terms of the W3C Data Privacy Vocabulary's profile of the standard,
// dpv-27560 (https://w3id.org/dpv/guides/consent-27560):
//
//   - the record: dct:identifier (the receipt's key), dct:conformsTo the
//     profile's record schema, dct:created the time the service received
//     it (the time the site vouches for);
//   - dpv:hasDataSubject: the visitor, known only by the consent id they
//     can quote;
//   - dpv:hasDataController: the site, by its name and contact;
//   - dpv:hasNotice: the dpv:ConsentNotice, the archived catalogue of the
//     revision, with its languages, the date the revisions log gives it
//     and a pointer to that log;
//   - dpv:hasProcess: one dpv:Process per optional service, its purpose
//     the service's category, its recipient the provider, its personal
//     data the cookies it sets, and its own dpv:hasConsentStatus (given or
//     refused);
//   - dpv:hasConsentStatus: the event, ConsentGiven, ConsentRefused or
//     ConsentWithdrawn as the action says, indicated by the data subject at
//     the record's time, by the method the action names, valid for the
//     catalogue's consent lifetime;
//   - dpv:hasConsentControl: where the visitor withdraws.
//
// What the profile asks and a receipt cannot know (the controller's postal
// address, the jurisdiction, the data subject's rights) is left out rather
// than made up.

// profile27560 is the dpv-27560 schema of a consent record.
const profile27560 = "https://w3id.org/dpv/schema/dpv-27560#record"

// context27560 is the documents' JSON-LD @context.
var context27560 = map[string]string{
	"dpv":    "https://w3id.org/dpv#",
	"dct":    "http://purl.org/dc/terms/",
	"schema": "https://schema.org/",
	"rdf":    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"rdfs":   "http://www.w3.org/2000/01/rdf-schema#",
}

// statusOfAction is the consent status of the event a receipt records.
var statusOfAction = map[Action]string{
	ActionAcceptAll:  "dpv:ConsentGiven",
	ActionCustom:     "dpv:ConsentGiven", // some services: each process says which
	ActionRefuseAll:  "dpv:ConsentRefused",
	ActionGPC:        "dpv:ConsentRefused",
	ActionWithdrawal: "dpv:ConsentWithdrawn",
}

// methodOfAction says how the visitor expressed the choice.
var methodOfAction = map[Action]string{
	ActionAcceptAll:  "accept-all: every service allowed with one button",
	ActionRefuseAll:  "refuse-all: every service refused with one button",
	ActionCustom:     "custom: some services allowed and others refused, one by one",
	ActionWithdrawal: "withdrawal: a new choice refusing a service the visitor had allowed",
	ActionGPC:        "gpc: every service refused while the browser sent Global Privacy Control",
}

type node map[string]any

// record27560 is one consent record.
type record27560 struct {
	ID          string          `json:"@id"`
	Type        string          `json:"@type"`
	Identifier  string          `json:"dct:identifier"`
	ConformsTo  string          `json:"dct:conformsTo"`
	Created     string          `json:"dct:created"`
	DataSubject node            `json:"dpv:hasDataSubject"`
	Controller  json.RawMessage `json:"dpv:hasDataController,omitempty"`
	Notice      node            `json:"dpv:hasNotice"`
	Control     json.RawMessage `json:"dpv:hasConsentControl,omitempty"`
	Processes   []process27560  `json:"dpv:hasProcess"`
	Status      node            `json:"dpv:hasConsentStatus"`
}

// process27560 is a service's processing, its status given or refused.
type process27560 struct {
	Static json.RawMessage
	Status string
}

// MarshalJSON writes the static part of the process with its status.
func (p process27560) MarshalJSON() ([]byte, error) {
	status, err := json.Marshal(node{"@type": p.Status})
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), p.Static[:len(p.Static)-1]...) // without its closing brace
	out = append(out, `,"dpv:hasConsentStatus":`...)
	out = append(out, status...)
	return append(out, '}'), nil
}

// revision27560 is what the records of one revision share, made once per
// export.
type revision27560 struct {
	known      bool
	controller json.RawMessage
	control    json.RawMessage
	notice     node
	// processes are the static parts, by service id (by category id for
	// a revision this service has no catalogue of).
	processes map[string]json.RawMessage
	duration  node
}

// write27560 writes the receipts as ISO/IEC TS 27560 consent records, as
// they come.
func (h *Handler) write27560(ctx context.Context, w io.Writer, receipts iter.Seq2[Receipt, error]) error {
	log, err := h.cfg.Store.Revisions(ctx)
	if err != nil {
		return &readError{err}
	}
	firstSeen := make(map[string]time.Time, len(log))
	for _, e := range log {
		firstSeen[e.Revision] = e.FirstSeen
	}
	revisions := make(map[string]*revision27560)
	jsonld, err := json.Marshal(context27560)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "{\n\"@context\": %s,\n\"@graph\": [", jsonld); err != nil {
		return err
	}
	sep := "\n"
	for r, err := range receipts {
		if err != nil {
			return &readError{err}
		}
		rev := r.Record.Revision
		shared, ok := revisions[rev]
		if !ok {
			if shared, err = h.revision27560(rev, firstSeen[rev]); err != nil {
				return err
			}
			revisions[rev] = shared
		}
		data, err := json.Marshal(h.record27560(r, shared))
		if err != nil {
			return fmt.Errorf("receipts: write 27560 record: %w", err)
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
		sep = ",\n"
	}
	_, err = io.WriteString(w, "\n]\n}\n")
	return err
}

// revision27560 makes the shared parts of a revision's records.
func (h *Handler) revision27560(rev string, firstSeen time.Time) (*revision27560, error) {
	notice := node{
		"@id":            h.cfg.ArchiveURL + consent.ArchiveName(rev),
		"@type":          "dpv:ConsentNotice",
		"dct:identifier": rev,
		"rdfs:seeAlso":   h.base + revisionsPath,
	}
	if !firstSeen.IsZero() {
		notice["dct:date"] = firstSeen.UTC().Format(time.RFC3339)
	}
	shared := &revision27560{notice: notice, processes: map[string]json.RawMessage{}}
	c, ok := h.cfg.Catalogues[rev]
	if !ok {
		// A revision the service no longer has: what the record says.
		return shared, nil
	}
	shared.known = true
	lang := consent.DefaultLanguage
	notice["dct:language"] = c.Languages()
	contact := node{"@type": "schema:ContactPoint", "schema:description": c.Site.Contact.In(lang)}
	if c.Site.ContactURL != "" {
		contact["schema:url"] = c.Site.ContactURL
	}
	var err error
	if shared.controller, err = json.Marshal(node{"@type": "dpv:DataController", "dpv:hasName": c.Site.Name.In(lang), "schema:contactPoint": contact}); err != nil {
		return nil, err
	}
	if shared.control, err = json.Marshal(node{
		"@type":             "dpv:WithdrawConsent",
		"dpv:isExercisedAt": c.Site.PolicyURL.In(lang),
		"dct:description":   "the consent widget's button, on every page of the site, reopens the choice; a new choice refusing a service withdraws its consent",
	}); err != nil {
		return nil, err
	}
	shared.duration = node{"@type": "dpv:TemporalDuration", "rdf:value": "P" + strconv.Itoa(int(c.MaxAge()/(24*time.Hour))) + "D"}
	for _, s := range c.Services {
		cat, ok := c.Category(s.Category)
		if !ok || cat.Necessary {
			continue
		}
		if shared.processes[s.ID], err = json.Marshal(serviceProcess(s, cat, lang)); err != nil {
			return nil, err
		}
	}
	return shared, nil
}

// serviceProcess is the static part of an optional service's process.
func serviceProcess(s consent.Service, cat consent.Category, lang string) node {
	p := node{
		"@type":             "dpv:Process",
		"dpv:hasPurpose":    node{"@type": "dpv:Purpose", "dct:identifier": cat.ID, "dct:title": cat.Title.In(lang), "dct:description": cat.Description.In(lang)},
		"dpv:hasLegalBasis": "dpv:ExpressedConsent",
		"dpv:hasService":    node{"@type": "dpv:Service", "dct:identifier": s.ID, "dct:title": s.Name.In(lang)},
		"dpv:hasRecipient":  recipient(s),
	}
	var data, storage []node
	for _, ck := range s.Cookies {
		data = append(data, node{"@type": "dpv:PersonalData", "dct:identifier": "cookie:" + ck.Name, "dct:description": ck.Purpose.In(lang)})
		storage = append(storage, node{"@type": "dpv:StorageDuration", "dct:description": ck.Name + ": " + ck.Lifetime.In(lang)})
	}
	if len(data) > 0 {
		p["dpv:hasPersonalData"], p["dpv:hasStorageCondition"] = data, storage
	}
	return p
}

func recipient(s consent.Service) node {
	r := node{"@type": "dpv:Recipient", "dpv:hasName": s.Provider}
	if s.PrivacyURL != "" {
		r["schema:url"] = s.PrivacyURL
	}
	return r
}

// record27560 is a receipt's consent record.
func (h *Handler) record27560(r Receipt, shared *revision27560) record27560 {
	rec := r.Record
	key := rec.ID + "." + string(r.Action) + "." + strconv.FormatInt(rec.Time.Unix(), 10)
	out := record27560{
		ID:          h.cfg.Path + "?id=" + rec.ID + "#" + string(r.Action) + "." + strconv.FormatInt(rec.Time.Unix(), 10),
		Type:        "dpv:ConsentRecord",
		Identifier:  key,
		ConformsTo:  profile27560,
		Created:     r.Received.UTC().Format(time.RFC3339),
		DataSubject: node{"@type": "dpv:DataSubject", "dct:identifier": rec.ID},
		Controller:  shared.controller,
		Notice:      shared.notice,
		Control:     shared.control,
		Status: node{
			"@type":                   statusOfAction[r.Action],
			"dpv:isIndicatedAtTime":   rec.Time.UTC().Format(time.RFC3339),
			"dpv:isIndicatedBy":       "dpv:DataSubject",
			"dpv:hasIndicationMethod": methodOfAction[r.Action],
		},
	}
	if shared.duration != nil {
		out.Status["dpv:hasDuration"] = shared.duration
	}
	given := func(ok bool) string {
		if ok {
			return "dpv:ConsentGiven"
		}
		return "dpv:ConsentRefused"
	}
	if shared.known {
		for _, id := range slices.Sorted(maps.Keys(rec.Services)) {
			if static, ok := shared.processes[id]; ok {
				out.Processes = append(out.Processes, process27560{static, given(rec.Services[id])})
			}
		}
		return out
	}
	for _, id := range slices.Sorted(maps.Keys(rec.Categories)) {
		static, ok := shared.processes["category:"+id]
		if !ok {
			static, _ = json.Marshal(node{"@type": "dpv:Process", "dpv:hasPurpose": node{"@type": "dpv:Purpose", "dct:identifier": id}, "dpv:hasLegalBasis": "dpv:ExpressedConsent"})
			shared.processes["category:"+id] = static
		}
		out.Processes = append(out.Processes, process27560{static, given(rec.Categories[id])})
	}
	return out
}
