//go:build js && wasm

package frame

import (
	"fmt"
	"reflect"
	"strings"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/wasm/contract"
	"github.com/civic-consent/consent/wasm/dom"
	"github.com/hack-pad/safejs"
)

// Catalogue returns the catalogue the loader parsed with the browser's
// JSON.parse (civicFrame.catalogue), checked to be the one the build made:
// its revision must be the one the build wrote on the frame document's
// root.
func (f *Frame) Catalogue() (*consent.Catalogue, error) {
	v, err := f.Boot("catalogue")
	if err != nil {
		return nil, err
	}
	return DecodeCatalogue(v, f.RootAttr(contract.AttrRevision))
}

// DecodeCatalogue reads a catalogue from a JavaScript object and checks its
// revision. The page program
// reads the JavaScript object rather than the JSON text because Go's
// encoding/json would be a sixth of its download; reflect is linked in
// any case. Like consent.ParseCatalogue, it refuses a field the model does
// not have and a value of the wrong type, naming where.
func DecodeCatalogue(v safejs.Value, revision string) (*consent.Catalogue, error) {
	c := &consent.Catalogue{}
	if err := decode(v, reflect.ValueOf(c).Elem(), "catalogue"); err != nil {
		return nil, fmt.Errorf("the catalogue in consent.js is not valid: %w", err)
	}
	if got := c.Revision(); got != revision {
		return nil, fmt.Errorf("the catalogue in consent.js has revision %s, not the %s the build wrote: the file was changed after the build", got, revision)
	}
	return c, nil
}

var langURLType = reflect.TypeFor[consent.LangURL]()

// decode stores v in out, as encoding/json would store v's JSON text.
func decode(v safejs.Value, out reflect.Value, path string) error {
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	if out.Type() == langURLType {
		// A string for every language, or an object by language.
		if v.Type() == safejs.TypeString {
			out.FieldByName("All").SetString(dom.Str(v, nil))
			return nil
		}
		return decode(v, out.FieldByName("ByLang"), path)
	}
	want := map[reflect.Kind]safejs.Type{
		reflect.String: safejs.TypeString, reflect.Bool: safejs.TypeBoolean, reflect.Int: safejs.TypeNumber,
		reflect.Struct: safejs.TypeObject, reflect.Map: safejs.TypeObject, reflect.Slice: safejs.TypeObject,
		reflect.Pointer: safejs.TypeObject,
	}[out.Kind()]
	if v.Type() != want {
		return fmt.Errorf("%s: %s, want %s", path, v.Type(), want)
	}
	switch out.Kind() {
	case reflect.String:
		out.SetString(dom.Str(v, nil))
	case reflect.Bool:
		b, _ := v.Bool()
		out.SetBool(b)
	case reflect.Int:
		f, _ := v.Float()
		if f != float64(int64(f)) {
			return fmt.Errorf("%s: %v is not an integer", path, f)
		}
		out.SetInt(int64(f))
	case reflect.Pointer:
		p := reflect.New(out.Type().Elem())
		if err := decode(v, p.Elem(), path); err != nil {
			return err
		}
		out.Set(p)
	case reflect.Slice:
		items := dom.Items(v)
		s := reflect.MakeSlice(out.Type(), len(items), len(items))
		for i, item := range items {
			if err := decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		out.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(out.Type())
		for _, key := range keys(v) {
			item := reflect.New(out.Type().Elem()).Elem()
			if err := decode(must(v.Get(key)), item, path+"."+key); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(key).Convert(out.Type().Key()), item)
		}
		out.Set(m)
	case reflect.Struct:
		return decodeStruct(v, out, path)
	default:
		return fmt.Errorf("%s: cannot hold %s", path, out.Kind())
	}
	return nil
}

func decodeStruct(v safejs.Value, out reflect.Value, path string) error {
	fields := map[string]int{}
	t := out.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = i
		}
	}
	for _, key := range keys(v) {
		i, ok := fields[key]
		if !ok {
			return fmt.Errorf("%s: unknown field %q", path, key)
		}
		if err := decode(must(v.Get(key)), out.Field(i), path+"."+key); err != nil {
			return err
		}
	}
	return nil
}

// keys returns an object's own enumerable keys.
func keys(v safejs.Value) []string {
	object, err := safejs.Global().Get("Object")
	if err != nil {
		return nil
	}
	list, err := object.Call("keys", v)
	if err != nil {
		return nil
	}
	var out []string
	for _, k := range dom.Items(list) {
		out = append(out, dom.Str(k, nil))
	}
	return out
}

func must(v safejs.Value, err error) safejs.Value {
	if err != nil {
		return safejs.Undefined()
	}
	return v
}
