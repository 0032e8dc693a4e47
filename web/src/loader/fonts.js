/* A document does not see its parent's fonts: the frame gets the page's
 * @font-face rules (as FontFaces, their URLs resolved as the page resolves
 * them) for the families the widget's font names, such as the DSFR theme's
 * Marianne, which only a site may serve. Another origin's stylesheet
 * cannot be read; without a rule the next font of the list shows. */

function unquote(s) {
  return s.trim().replace(/^["']|["']$/g, '');
}

const descriptorNames = { style: 'font-style', weight: 'font-weight', stretch: 'font-stretch', unicodeRange: 'unicode-range', display: 'font-display' };

/**
 * copyFonts adds to the document of frame window w the page's font faces
 * of the families its .cc-root (or body) asks for.
 * @param {Window} w
 */
export function copyFonts(w) {
  const parent = w.parent;
  const document = w.document;
  const first = document.querySelector('.cc-root') || document.body;
  const families = w.getComputedStyle(first).fontFamily.split(',').map(unquote);
  // The page's rules are read only when the first family the widget asks
  // for is no generic family, which every browser has.
  if (!families[0] || /^(serif|sans-serif|monospace|cursive|fantasy|math|system-ui|ui-[a-z-]+|-apple-system)$/i.test(families[0])) return;
  const wanted = families.map((f) => f.toLowerCase());
  function read(rules, base) {
    Array.prototype.forEach.call(rules, (r) => {
      if (r.cssRules) {
        read(r.cssRules, base);
        return;
      }
      const family = unquote(r.style ? r.style.getPropertyValue('font-family') : '');
      if (!(r instanceof parent.CSSFontFaceRule) || wanted.indexOf(family.toLowerCase()) < 0) return;
      const src = r.style.getPropertyValue('src').replace(/url\(\s*(["']?)([^"')]+)\1\s*\)/g, (m, q, u) => 'url("' + new URL(u, base).href + '")');
      const descriptors = {};
      Object.keys(descriptorNames).forEach((d) => { descriptors[d] = r.style.getPropertyValue(descriptorNames[d]) || undefined; });
      document.fonts.add(new w.FontFace(family, src, descriptors));
    });
  }
  // WebKit lists a document's adopted stylesheets in styleSheets too.
  const sheets = Array.prototype.slice.call(parent.document.styleSheets).concat(parent.document.adoptedStyleSheets || []);
  sheets.forEach((sheet, i) => {
    if (sheets.indexOf(sheet) !== i) return;
    try {
      read(sheet.cssRules, sheet.href || parent.document.baseURI);
    } catch (err) { /* a stylesheet of another origin, or no FontFace: the next font */ }
  });
}
