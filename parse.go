package consent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseCatalogue reads a catalogue from JSON and validates it. The JSON is
// read strictly: unknown or duplicate fields, values of the wrong type,
// invalid UTF-8 and anything after the catalogue are errors, each reported
// with its path (e.g. "services[2].cookies[0].name: want string, got
// number"). null stands for an empty list, map or loader only. On any
// problem it returns a nil catalogue and every problem found, each a
// *FieldError.
func ParseCatalogue(data []byte) (*Catalogue, error) {
	if !utf8.Valid(data) {
		return nil, &FieldError{Msg: "not valid UTF-8"}
	}
	r := jsonReader{dec: json.NewDecoder(bytes.NewReader(data))}
	r.dec.UseNumber()
	tree, err := r.value("", 0)
	if err != nil {
		return nil, err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, &FieldError{Msg: fmt.Sprintf("unexpected data after the catalogue at byte %d", r.dec.InputOffset())}
	}
	checkType(&r.errs, tree, reflect.TypeFor[Catalogue](), "")
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	var c Catalogue
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, &FieldError{Msg: err.Error()}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// maxJSONDepth bounds nesting; a catalogue needs 6 levels.
const maxJSONDepth = 32

// jsonObject keeps an object's members in order, so that duplicates and
// errors are reported in input order.
type jsonObject []jsonMember

type jsonMember struct {
	key   string
	value any
}

// jsonReader turns a JSON document into a tree of jsonObject, []any,
// string, json.Number, bool and nil, noting duplicate keys in errs.
type jsonReader struct {
	dec  *json.Decoder
	errs []error
}

func (r *jsonReader) value(path string, depth int) (any, error) {
	tok, err := r.token(path)
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxJSONDepth {
		return nil, &FieldError{Path: path, Msg: "nested too deeply"}
	}
	if delim == '[' {
		list := []any{}
		for i := 0; r.dec.More(); i++ {
			v, err := r.value(fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := r.token(path)
		return list, err
	}
	obj := jsonObject{}
	seen := make(map[string]bool)
	for r.dec.More() {
		tok, err := r.token(path)
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // the decoder only yields a string here
		kpath := joinPath(path, key)
		if seen[key] {
			r.errs = append(r.errs, &FieldError{Path: kpath, Msg: "duplicate field"})
		}
		seen[key] = true
		v, err := r.value(kpath, depth+1)
		if err != nil {
			return nil, err
		}
		obj = append(obj, jsonMember{key, v})
	}
	_, err = r.token(path)
	return obj, err
}

// token reads the next token, turning a syntax error into a *FieldError.
func (r *jsonReader) token(path string) (json.Token, error) {
	tok, err := r.dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, &FieldError{Path: path, Msg: fmt.Sprintf("invalid JSON at byte %d: %v", r.dec.InputOffset(), err)}
	}
	return tok, nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// checkType compares a JSON tree with the Go type it must decode into,
// noting every mismatch and unknown field. Field names match the json tags
// exactly, unlike encoding/json's case-insensitive matching.
func checkType(errs *[]error, v any, t reflect.Type, path string) {
	nullable := t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map
	if v == nil && nullable {
		return
	}
	mismatch := func(want string) {
		*errs = append(*errs, &FieldError{Path: path, Msg: fmt.Sprintf("want %s, got %s", want, jsonKind(v))})
	}
	if t == reflect.TypeFor[LangURL]() {
		// A string for every language, or one per language.
		switch v.(type) {
		case string:
		case jsonObject:
			checkType(errs, v, reflect.TypeFor[map[string]string](), path)
		default:
			*errs = append(*errs, &FieldError{Path: path, Msg: fmt.Sprintf("want string or object, got %s", jsonKind(v))})
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		checkType(errs, v, t.Elem(), path)
	case reflect.Struct:
		obj, ok := v.(jsonObject)
		if !ok {
			mismatch("object")
			return
		}
		for _, m := range obj {
			f, ok := fieldByTag(t, m.key)
			if !ok {
				*errs = append(*errs, &FieldError{Path: joinPath(path, m.key), Msg: "unknown field"})
				continue
			}
			checkType(errs, m.value, f.Type, joinPath(path, m.key))
		}
	case reflect.Map:
		obj, ok := v.(jsonObject)
		if !ok {
			mismatch("object")
			return
		}
		for _, m := range obj {
			checkType(errs, m.value, t.Elem(), joinPath(path, m.key))
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			mismatch("array")
			return
		}
		for i, e := range list {
			checkType(errs, e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			mismatch("string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			mismatch("boolean")
		}
	case reflect.Int:
		n, ok := v.(json.Number)
		if !ok {
			mismatch("integer")
		} else if _, err := strconv.ParseInt(n.String(), 10, strconv.IntSize); err != nil {
			*errs = append(*errs, &FieldError{Path: path, Msg: fmt.Sprintf("want integer, got %s", n)})
		}
	default: // a Go field this reader was not taught; fail closed
		*errs = append(*errs, &FieldError{Path: path, Msg: "field of unsupported Go kind " + t.Kind().String()})
	}
}

// fieldByTag finds the struct field whose json tag name is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func jsonKind(v any) string {
	switch v.(type) {
	case jsonObject:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	default:
		return "null"
	}
}

// JSON returns the catalogue as canonical JSON: two-space indentation,
// fields in declaration order, map keys sorted, empty optional fields left
// out. It refuses an invalid catalogue, so that its output always loads
// back with ParseCatalogue.
func (c *Catalogue) JSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("encode catalogue: %w", err)
	}
	return buf.Bytes(), nil
}
