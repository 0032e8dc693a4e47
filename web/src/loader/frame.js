/* The widget's frame: a same-origin srcdoc iframe, so that go-app owns a
 * document of its own and nothing of it touches the host page. Its
 * document carries the prerendered view to show at once, the templates of
 * the other views, placeholders and notices in the page's language, and
 * the catalogue; it loads nothing by itself: bootFrame styles it and starts
 * the programs. */
import { BUNDLE } from './bundle.js';

function attr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * srcdoc is the frame's document for a plan, in lang, the first layer at
 * position.
 * @param {string} lang
 * @param {Plan} p
 * @param {string} position
 * @param {Files} files
 * @returns {string}
 */
export function srcdoc(lang, p, position, files) {
  const view = p.view === NAMES.modeButton ? BUNDLE.buttons[lang] : BUNDLE.bodies[lang];
  return '<!doctype html><html lang="' + lang + '" ' + NAMES.attrView + '="' + p.view + '" data-start="' + p.start + '"' +
    (p.queued ? ' data-queued="' + p.queued + '"' : '') + (p.prefetch ? ' data-prefetch="true"' : '') +
    ' ' + NAMES.attrPosition + '="' + attr(position) + '" ' + NAMES.attrRevision + '="' + BUNDLE.revision + '"' +
    ' ' + NAMES.attrDigest + '="' + BUNDLE.digest + '">' +
    '<head><meta charset="utf-8"><title>' + attr(BUNDLE.titles[lang]) + '</title>' +
    '<script type="application/json" id="cc-catalogue">' + BUNDLE.catalogue.replace(/</g, '\\u003c') + '</script>' +
    '<script type="text/plain" id="cc-style-url">' + attr(files.css) + '</script>' +
    '<template id="' + NAMES.templateBanner + '">' + BUNDLE.bodies[lang] + '</template>' +
    '<template id="' + NAMES.templateButton + '">' + BUNDLE.buttons[lang] + '</template>' +
    BUNDLE.templates[lang] + '</head><body>' + view + '</body></html>';
}

/**
 * createFrame creates the frame for plan p and appends it, in its own
 * element, to the end of the page; onLoad runs with the frame each time
 * its document has loaded (a page that moves the element reloads it).
 * @param {string} lang
 * @param {Plan} p
 * @param {string} position
 * @param {Files} files
 * @param {Trust} trust
 * @param {(frame: HTMLIFrameElement) => void} onLoad
 * @returns {HTMLIFrameElement}
 */
export function createFrame(lang, p, position, files, trust, onLoad) {
  const host = document.createElement(NAMES.tagWidget);
  const frame = document.createElement('iframe');
  frame.title = BUNDLE.titles[lang];
  frame.setAttribute(NAMES.attrMode, NAMES.modePending);
  frame.addEventListener('load', () => {
    const w = frame.contentWindow;
    if (w && w.document.getElementById('cc-catalogue')) onLoad(frame);
  });
  // Inline !important styles win over any stylesheet of the host.
  host.style.setProperty('all', 'initial', 'important');
  host.style.setProperty('display', 'block', 'important');
  frame.style.setProperty('position', 'fixed', 'important');
  // Laid out at its final width from the start, so that showing the
  // first layer does not shift its content.
  frame.style.setProperty('left', '0', 'important');
  frame.style.setProperty('bottom', '0', 'important');
  frame.style.setProperty('width', '100%', 'important');
  frame.style.setProperty('height', '0', 'important');
  frame.style.setProperty('border', '0', 'important');
  frame.style.setProperty('visibility', 'hidden', 'important');
  frame.srcdoc = trust.html(srcdoc(lang, p, position, files));
  host.appendChild(frame);
  document.body.appendChild(host);
  return frame;
}
