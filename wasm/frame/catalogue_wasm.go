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

// Catalogue returns what the page program needs of the catalogue: its
// structure (ids, services, loaders, cookie names, settings), read from the
// object the loader parsed with the browser's JSON.parse
// (civicFrame.catalogue), without its texts, and the revision the build
// computed over them. The catalogue's JSON is first checked against the
// digest the build wrote: a catalogue changed after the build is refused.
//
// Reading the object rather than the JSON text keeps Go's encoding/json
// (a sixth of the program) out; leaving the texts, which the page program
// never shows (its views come prerendered), spares most of the calls
// between Go and JavaScript of its start.
func (f *Frame) Catalogue() (*consent.Catalogue, error) {
	text, err := f.Boot("catalogueText")
	if err != nil {
		return nil, err
	}
	want := f.RootAttr(contract.AttrDigest)
	if got := consent.CatalogueDigest(dom.Str(text, nil)); got != want {
		return nil, fmt.Errorf("the catalogue in consent.js has the digest %s, not the %s the build wrote: the file was changed after the build", got, want)
	}
	v, err := f.Boot("catalogue")
	if err != nil {
		return nil, err
	}
	return DecodeStructure(v, f.RootAttr(contract.AttrRevision))
}

// DecodeStructure reads a catalogue from a JavaScript object as
// consent.ParseCatalogue reads its JSON, but for the texts (Text, LangURL
// and label fields), which it leaves empty, and gives it the revision the
// build computed. Like ParseCatalogue, it refuses a field the model does
// not have and a value of the wrong type, naming where.
func DecodeStructure(v safejs.Value, revision string) (*consent.Catalogue, error) {
	c := &consent.Catalogue{}
	if err := decode(v, reflect.ValueOf(c).Elem(), "catalogue"); err != nil {
		return nil, fmt.Errorf("the catalogue in consent.js is not valid: %w", err)
	}
	c.BuildRevision = revision
	return c, nil
}

// texts are the types of the catalogue's texts, which DecodeStructure
// leaves out.
var texts = map[reflect.Type]bool{
	reflect.TypeFor[consent.Text]():                true,
	reflect.TypeFor[[]consent.Text]():              true,
	reflect.TypeFor[consent.LangURL]():             true,
	reflect.TypeFor[map[string]consent.LabelSet](): true,
}

// jsTypes is the JavaScript type a value of each kind the model uses
// decodes from.
var jsTypes = map[reflect.Kind]safejs.Type{
	reflect.String: safejs.TypeString, reflect.Bool: safejs.TypeBoolean, reflect.Int: safejs.TypeNumber,
	reflect.Struct: safejs.TypeObject, reflect.Map: safejs.TypeObject, reflect.Slice: safejs.TypeObject,
	reflect.Pointer: safejs.TypeObject,
}

// decode stores v in out, as encoding/json would store v's JSON text.
func decode(v safejs.Value, out reflect.Value, path string) error {
	if v.IsNull() || v.IsUndefined() || texts[out.Type()] {
		return nil
	}
	want := jsTypes[out.Kind()]
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
