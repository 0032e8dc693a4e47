package consent

import (
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FormatVersion is the version of the cookies_preferences value written by
// Record.Encode.
const FormatVersion = 1

// Record is a visitor's choice as stored in the cookies_preferences cookie:
// the consent record of rule R12.
//
// Categories and Services hold exactly the optional (non-necessary)
// categories and services of the catalogue, each allowed (true) or refused
// (false). A category is true if and only if every service in it is true.
type Record struct {
	// Revision is the catalogue revision the choice answered (R13).
	Revision string
	// Time is when the choice was made, to the second.
	Time time.Time
	// ID is the consent id, 16 base64url characters (see NewConsentID).
	ID         string
	Categories map[string]bool
	Services   map[string]bool
}

// NewRecord builds a complete record for c: each optional service is allowed
// when allowed says so (a nil allowed refuses all), and each optional
// category is allowed when all its services are. The time is truncated to
// the second, as stored.
func NewRecord(c *Catalogue, allowed func(serviceID string) bool, now time.Time, id string) Record {
	r := Record{
		Revision:   c.Revision(),
		Time:       time.Unix(now.Unix(), 0).UTC(),
		ID:         id,
		Categories: make(map[string]bool),
		Services:   make(map[string]bool),
	}
	for _, s := range c.optionalServices() {
		r.Services[s.ID] = allowed != nil && allowed(s.ID)
	}
	for _, cat := range c.OptionalCategories() {
		r.Categories[cat.ID] = r.allows(c, cat.ID)
	}
	return r
}

// allows reports whether every service of a category is allowed.
func (r Record) allows(c *Catalogue, categoryID string) bool {
	for _, s := range c.ServicesIn(categoryID) {
		if !r.Services[s.ID] {
			return false
		}
	}
	return true
}

// AcceptAll is the record of "Tout accepter": every optional service allowed.
func AcceptAll(c *Catalogue, now time.Time, id string) Record {
	return NewRecord(c, func(string) bool { return true }, now, id)
}

// RefuseAll is the record of "Tout refuser": every optional service refused.
func RefuseAll(c *Catalogue, now time.Time, id string) Record {
	return NewRecord(c, nil, now, id)
}

// consentIDBytes is the size of a consent id before encoding: 96 bits, so
// that ids never collide in practice and encode without padding.
const consentIDBytes = 12

// NewConsentID returns a new consent id: 12 bytes read from r (pass
// crypto/rand.Reader) as 16 characters of unpadded base64url.
func NewConsentID(r io.Reader) (string, error) {
	b := make([]byte, consentIDBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("consent id: read random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Encode returns the cookie value of the record, in format version 1:
//
//	1.<revision>.<unix seconds>.<id>.<categories>.<services>
//
// where each list is "id:1~id:0…", sorted by id, 1 for allowed and 0 for
// refused, and empty when the catalogue has no optional entry. For example:
//
//	1.10290627f6e7.1795953600.AAAAAAAAAAAAAAAA.contact:0.recaptcha:0
//
// Every character is a letter, a digit or one of ".:~_-", all valid in a
// cookie value without quoting. The lists are sorted by id rather than
// following the catalogue, because the record alone must encode the same
// way every time.
func (r Record) Encode() string {
	var b strings.Builder
	// strconv, not fmt: the widget's own encoder stays small.
	b.WriteString(strconv.Itoa(FormatVersion) + "." + r.Revision + "." + strconv.FormatInt(r.Time.Unix(), 10) + "." + r.ID + ".")
	writeBits(&b, r.Categories)
	b.WriteByte('.')
	writeBits(&b, r.Services)
	return b.String()
}

func writeBits(b *strings.Builder, bits map[string]bool) {
	for i, id := range slices.Sorted(maps.Keys(bits)) {
		if i > 0 {
			b.WriteByte('~')
		}
		b.WriteString(id)
		if bits[id] {
			b.WriteString(":1")
		} else {
			b.WriteString(":0")
		}
	}
}

// Reason says why a cookie value was rejected.
type Reason string

// The reasons DecodeRecord and RecordFromCookieHeader reject a value.
const (
	ReasonEmpty        Reason = "empty"         // no value
	ReasonTooLong      Reason = "too-long"      // more than MaxRecordLength bytes
	ReasonMalformed    Reason = "malformed"     // wrong characters, field count or list syntax
	ReasonVersion      Reason = "version"       // a format version other than FormatVersion
	ReasonRevision     Reason = "revision"      // answered another catalogue revision (R13)
	ReasonTimestamp    Reason = "timestamp"     // time not a canonical non-negative integer
	ReasonFuture       Reason = "future"        // time more than MaxClockSkew ahead
	ReasonExpired      Reason = "expired"       // older than the catalogue's MaxAge (R11)
	ReasonBadID        Reason = "bad-id"        // consent id not 16 base64url characters
	ReasonUnknownEntry Reason = "unknown-entry" // not an optional category or service
	ReasonMissingEntry Reason = "missing-entry" // an optional category or service left out
	ReasonDuplicate    Reason = "duplicate"     // an entry listed twice
	ReasonInconsistent Reason = "inconsistent"  // category bit is not the AND of its services
	ReasonAmbiguous    Reason = "ambiguous"     // several cookies_preferences in one header
)

// RecordError is why a stored choice was rejected.
type RecordError struct {
	Reason Reason
	Detail string
}

// Error says which check the value failed and how.
func (e *RecordError) Error() string {
	return fmt.Sprintf("%s: %s: %s", RecordCookieName, e.Reason, e.Detail)
}

func recordErr(reason Reason, format string, args ...any) error {
	return &RecordError{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// MaxRecordLength is the longest value DecodeRecord reads, in bytes.
const MaxRecordLength = 4096

// MaxClockSkew is how far in the future a record's time may be, to allow
// for a visitor's clock running slightly ahead of the one that checks.
const MaxClockSkew = 5 * time.Minute

// DecodeRecord reads a cookie value written by Record.Encode and checks it
// against c at time now. Any value but the exact encoding of a complete,
// consistent, current record of c is rejected with a *RecordError saying
// why, and the zero Record: a choice is honoured whole or not at all. A
// record is current from its time until its time plus c.MaxAge(), and may
// be up to MaxClockSkew ahead of now.
func DecodeRecord(value string, c *Catalogue, now time.Time) (Record, error) {
	fields, err := splitRecord(value)
	if err != nil {
		return Record{}, err
	}
	rev, ts, id := fields[1], fields[2], fields[3]
	if c == nil {
		return Record{}, recordErr(ReasonRevision, "no catalogue to check against")
	}
	if want := c.Revision(); rev != want {
		return Record{}, recordErr(ReasonRevision, "choice made for catalogue revision %s, current is %s", rev, want)
	}
	sec, err := parseUnix(ts)
	if err != nil {
		return Record{}, err
	}
	// Compare in whole seconds before making a time.Time, which would
	// overflow for a huge value.
	if sec > now.Add(MaxClockSkew).Unix() {
		return Record{}, recordErr(ReasonFuture, "time %d is ahead of %s", sec, formatTime(now))
	}
	t := time.Unix(sec, 0).UTC()
	if sec+int64(c.MaxAge()/time.Second) <= now.Unix() {
		return Record{}, recordErr(ReasonExpired, "choice of %s is older than %s", formatTime(t), c.MaxAge())
	}
	if !IsConsentID(id) {
		return Record{}, recordErr(ReasonBadID, "consent id %.20q is not 16 base64url characters", id)
	}
	r := Record{Revision: rev, Time: t, ID: id}
	if r.Categories, err = parseBits(fields[4], "category", func(id string) bool {
		cat, ok := c.Category(id)
		return ok && !cat.Necessary
	}); err != nil {
		return Record{}, err
	}
	optional := make(map[string]bool)
	for _, s := range c.optionalServices() {
		optional[s.ID] = true
	}
	if r.Services, err = parseBits(fields[5], "service", func(id string) bool { return optional[id] }); err != nil {
		return Record{}, err
	}
	if err := r.check(c); err != nil {
		return Record{}, err
	}
	return r, nil
}

// splitRecord checks what needs no catalogue and returns the six fields.
func splitRecord(value string) ([]string, error) {
	switch {
	case value == "":
		return nil, recordErr(ReasonEmpty, "no value")
	case len(value) > MaxRecordLength:
		return nil, recordErr(ReasonTooLong, "%d bytes, more than %d", len(value), MaxRecordLength)
	}
	for i := 0; i < len(value); i++ {
		if !isRecordChar(value[i]) {
			return nil, recordErr(ReasonMalformed, "byte %d is %q, not a letter, digit or one of .:~_-", i, value[i])
		}
	}
	fields := strings.Split(value, ".")
	// The version comes first so that a later format, whatever its layout,
	// is reported as such.
	switch v := fields[0]; {
	case v == "" || strings.Trim(v, "0123456789") != "":
		return nil, recordErr(ReasonMalformed, "no format version at the start")
	case v != strconv.Itoa(FormatVersion):
		return nil, recordErr(ReasonVersion, "format version %.10q, want %d", v, FormatVersion)
	}
	if len(fields) != 6 {
		return nil, recordErr(ReasonMalformed, "%d dot-separated fields, want 6", len(fields))
	}
	if rev := fields[1]; !isRevision(rev) {
		return nil, recordErr(ReasonMalformed, "revision %.20q is not 12 lowercase hex digits", rev)
	}
	return fields, nil
}

// isRecordChar reports whether b may appear in an encoded record.
func isRecordChar(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte(".:~_-", b) >= 0
}

// parseUnix reads canonical decimal unix seconds: digits only, no sign, no
// leading zero.
func parseUnix(s string) (int64, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" || (len(s) > 1 && s[0] == '0') {
		return 0, recordErr(ReasonTimestamp, "time %.20q is not decimal unix seconds", s)
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, recordErr(ReasonTimestamp, "time %.20q is out of range", s)
	}
	return sec, nil
}

// IsConsentID reports whether id has the shape of a consent id: 16
// base64url characters (see NewConsentID).
func IsConsentID(id string) bool {
	if len(id) != base64.RawURLEncoding.EncodedLen(consentIDBytes) {
		return false
	}
	for i := 0; i < len(id); i++ {
		if b := id[i]; !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// parseBits reads a list "id:1~id:0", which must be sorted by id and name
// only entries known says exist.
func parseBits(list, kind string, known func(id string) bool) (map[string]bool, error) {
	bits := make(map[string]bool)
	if list == "" {
		return bits, nil
	}
	prev := ""
	for entry := range strings.SplitSeq(list, "~") {
		id, bit, ok := strings.Cut(entry, ":")
		if !ok || !validID(id) || (bit != "0" && bit != "1") {
			return nil, recordErr(ReasonMalformed, "%s entry %.40q is not id:0 or id:1", kind, entry)
		}
		if _, dup := bits[id]; dup {
			return nil, recordErr(ReasonDuplicate, "%s %q listed twice", kind, id)
		}
		if !known(id) {
			return nil, recordErr(ReasonUnknownEntry, "%s %q is not optional in the catalogue", kind, id)
		}
		if id < prev {
			return nil, recordErr(ReasonMalformed, "%s %q is out of order", kind, id)
		}
		prev = id
		bits[id] = bit == "1"
	}
	return bits, nil
}

// check verifies that r lists exactly the optional entries of c and that
// each category is the AND of its services.
func (r Record) check(c *Catalogue) error {
	for _, s := range c.optionalServices() {
		if _, ok := r.Services[s.ID]; !ok {
			return recordErr(ReasonMissingEntry, "service %q is missing", s.ID)
		}
	}
	for _, cat := range c.OptionalCategories() {
		bit, ok := r.Categories[cat.ID]
		if !ok {
			return recordErr(ReasonMissingEntry, "category %q is missing", cat.ID)
		}
		if want := r.allows(c, cat.ID); bit != want {
			return recordErr(ReasonInconsistent, "category %q is %t but its services say %t", cat.ID, bit, want)
		}
	}
	if len(r.Services) != len(c.optionalServices()) || len(r.Categories) != len(c.OptionalCategories()) {
		return recordErr(ReasonUnknownEntry, "entries beyond the catalogue's optional ones")
	}
	return nil
}

// formatTime writes t in UTC as RFC 3339 does, to the second
// ("2026-11-29T12:00:00Z"). It is what time.Format(time.RFC3339) writes
// for a UTC time, without the layout engine, which the browser's page
// program would otherwise carry for this alone.
func formatTime(t time.Time) string {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	two := func(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
	year := strconv.Itoa(y)
	for len(year) < 4 {
		year = "0" + year
	}
	return year + "-" + two(int(mo)) + "-" + two(d) + "T" + two(h) + ":" + two(mi) + ":" + two(s) + "Z"
}
