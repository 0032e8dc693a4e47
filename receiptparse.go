package consent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// ParseReceipt reads a receipt body, as Receipt.Encode writes it, and checks
// it at time now (the server's clock) against the catalogue of its revision,
// which catalogue returns (nil for a revision that is not accepted). It
// accepts only a JSON object with exactly the fields record, action and
// time, each a string once, and nothing after it; a record that
// DecodeRecord accepts for that catalogue; an action among Actions that the
// record does not contradict (CheckAction); a time within the second of the
// record's; and a record made within the window of CheckTime. Anything else
// is a *ReceiptError saying what is wrong.
//
// Only a server calls it: unlike the encoder, it uses encoding/json.
func ParseReceipt(body []byte, catalogue func(revision string) *Catalogue, now time.Time) (Receipt, error) {
	if len(body) > MaxReceiptBytes {
		return Receipt{}, receiptErr("", "body of %d bytes is larger than %d", len(body), MaxReceiptBytes)
	}
	fields, err := readReceiptObject(body)
	if err != nil {
		return Receipt{}, err
	}
	value := fields[fieldRecord]
	parts, err := splitRecord(value)
	if err != nil {
		return Receipt{}, receiptErr(fieldRecord, "%v", err)
	}
	c := catalogue(parts[1])
	if c == nil {
		return Receipt{}, receiptErr(fieldRecord, "unknown catalogue revision %q: receipts are accepted for the catalogues this server was given only", parts[1])
	}
	rec, err := DecodeRecord(value, c, now)
	if err != nil {
		return Receipt{}, receiptErr(fieldRecord, "%v", err)
	}
	rc := Receipt{Record: rec, Action: Action(fields[fieldAction])}
	if err := rc.CheckAction(); err != nil {
		return Receipt{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, fields[fieldTime])
	if err != nil {
		return Receipt{}, receiptErr(fieldTime, "%.40q is not an RFC 3339 time", fields[fieldTime])
	}
	if t.Unix() != rec.Time.Unix() {
		return Receipt{}, receiptErr(fieldTime, "%s is not the record's time %s", t.UTC().Format(time.RFC3339Nano), rec.Time.Format(time.RFC3339))
	}
	if err := rc.CheckTime(now); err != nil {
		return Receipt{}, err
	}
	return rc, nil
}

func receiptErr(field, format string, args ...any) error {
	return &ReceiptError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// readReceiptObject reads a flat JSON object of the receipt's string
// fields, refusing unknown, missing, duplicate or non-string fields and
// trailing data.
func readReceiptObject(body []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	malformed := func() error {
		return receiptErr("", "not a JSON object of string fields (error at byte %d)", dec.InputOffset())
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, malformed()
	}
	fields := make(map[string]string)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed()
		}
		name, _ := tok.(string) // the decoder only yields a string here
		switch name {
		case fieldRecord, fieldAction, fieldTime:
		default:
			return nil, receiptErr(truncate(name, 40), "unknown field: a receipt has only %s, %s and %s", fieldRecord, fieldAction, fieldTime)
		}
		if _, dup := fields[name]; dup {
			return nil, receiptErr(name, "listed twice")
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, malformed()
		}
		s, ok := tok.(string)
		if !ok {
			return nil, receiptErr(name, "want a string")
		}
		fields[name] = s
	}
	if _, err := dec.Token(); err != nil {
		return nil, malformed()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, receiptErr("", "data after the JSON object")
	}
	for _, name := range []string{fieldRecord, fieldAction, fieldTime} {
		if _, ok := fields[name]; !ok {
			return nil, receiptErr(name, "missing")
		}
	}
	return fields, nil
}
