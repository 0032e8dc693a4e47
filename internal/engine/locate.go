package engine

import (
	"encoding/json"
	"fmt"
	"strings"
)

// FrameSep separates the parts of a selector that reaches into frames and
// open shadow roots.
const FrameSep = ">>>"

// splitSelector splits a selector chain on FrameSep.
func splitSelector(selector string) ([]string, error) {
	parts := strings.Split(selector, FrameSep)
	for i, s := range parts {
		parts[i] = strings.TrimSpace(s)
		if parts[i] == "" {
			return nil, fmt.Errorf("selector %q: empty part", selector)
		}
	}
	return parts, nil
}

// locateJS returns an expression that scrolls the selected element into
// view and yields {x, y}, its centre in the top viewport, after checking
// that a click there would land on it (through every frame and shadow root
// on the way).
func locateJS(selector string) (string, error) {
	parts, err := splitSelector(selector)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(parts)
	if err != nil {
		return "", err
	}
	return `((parts) => {
const name = (i) => parts.slice(0, i + 1).join(" >>> ");
const describe = (el) => el ? "<" + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
	(typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") + ">" : "nothing";
// Each part but the last is a same-origin frame or an element with an open
// shadow root: the next part is looked for in its document or its root.
const steps = [];
let doc = document, el = null;
for (let i = 0; i < parts.length; i++) {
	el = doc.querySelector(parts[i]);
	if (!el) throw new Error("no element matches " + JSON.stringify(name(i)));
	if (i < parts.length - 1) {
		if (el.contentDocument) doc = el.contentDocument;
		else if (el.shadowRoot) doc = el.shadowRoot;
		else throw new Error(JSON.stringify(name(i)) + " is neither a same-origin frame nor a shadow host");
		steps.push(el);
	}
}
el.scrollIntoView({block: "center", inline: "center"});
let ox = 0, oy = 0;
for (const f of steps) {
	if (!f.contentDocument) continue;
	const r = f.getBoundingClientRect(), cs = f.ownerDocument.defaultView.getComputedStyle(f);
	ox += r.left + f.clientLeft + parseFloat(cs.paddingLeft);
	oy += r.top + f.clientTop + parseFloat(cs.paddingTop);
}
const r = el.getBoundingClientRect();
if (r.width === 0 || r.height === 0) throw new Error(JSON.stringify(name(parts.length - 1)) + " has no size");
const x = ox + r.left + r.width / 2, y = oy + r.top + r.height / 2;
let fx = 0, fy = 0, d = document;
for (let i = 0; i <= steps.length; i++) {
	const want = i < steps.length ? steps[i] : el;
	const hit = d.elementFromPoint(x - fx, y - fy);
	if (hit !== want && !(i === steps.length && want.contains(hit)))
		throw new Error(JSON.stringify(name(i === steps.length ? parts.length - 1 : i)) + " is covered by " + describe(hit) + " at its centre");
	if (i < steps.length) {
		const f = steps[i];
		if (f.contentDocument) {
			const fr = f.getBoundingClientRect(), cs = f.ownerDocument.defaultView.getComputedStyle(f);
			fx += fr.left + f.clientLeft + parseFloat(cs.paddingLeft);
			fy += fr.top + f.clientTop + parseFloat(cs.paddingTop);
			d = f.contentDocument;
		} else {
			d = f.shadowRoot;
		}
	}
}
return {x, y};
})(` + string(b) + `)`, nil
}
