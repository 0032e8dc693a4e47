package domtest

import "strings"

// declaration is one property of an inline style attribute.
type declaration struct{ name, value, priority string }

// declarations reads the element's style attribute as the browser's CSSOM
// shows it: "name: value [!important]" separated by ";".
func (e *Element) declarations() []declaration {
	style, _ := e.Attr("style")
	var out []declaration
	for _, part := range strings.Split(style, ";") {
		name, value, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		d := declaration{name: strings.TrimSpace(strings.ToLower(name)), value: strings.TrimSpace(value)}
		if v, found := strings.CutSuffix(d.value, "!important"); found {
			d.value, d.priority = strings.TrimSpace(v), "important"
		}
		out = append(out, d)
	}
	return out
}

func (e *Element) writeDeclarations(ds []declaration) error {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		s := d.name + ": " + d.value
		if d.priority != "" {
			s += " !" + d.priority
		}
		parts = append(parts, s+";")
	}
	if len(parts) == 0 {
		return e.RemoveAttr("style")
	}
	return e.SetAttr("style", strings.Join(parts, " "))
}

// Style returns an inline style property's value and priority.
func (e *Element) Style(name string) (value, priority string) {
	for _, d := range e.declarations() {
		if d.name == name {
			return d.value, d.priority
		}
	}
	return "", ""
}

// SetStyle sets an inline style property.
func (e *Element) SetStyle(name, value, priority string) error {
	ds := e.declarations()
	for i, d := range ds {
		if d.name == name {
			ds[i] = declaration{name, value, priority}
			return e.writeDeclarations(ds)
		}
	}
	return e.writeDeclarations(append(ds, declaration{name, value, priority}))
}

// RemoveStyle removes an inline style property.
func (e *Element) RemoveStyle(name string) error {
	ds := e.declarations()
	for i, d := range ds {
		if d.name == name {
			return e.writeDeclarations(append(ds[:i], ds[i+1:]...))
		}
	}
	return nil
}
