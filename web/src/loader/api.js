/* civicConsent, the page's own code's way to the widget (declared in
 * civic-consent.d.ts):
 *  - open() opens the preferences;
 *  - allowed(id) tells whether a service or a category (by id) is allowed:
 *    false until the page program has read the stored choice, and the
 *    first call starts it on a page where it was waiting.
 * The widget also dispatches a 'consent:change' event on document after it
 * stores a choice; any script can dispatch an event of that name, so a
 * listener asks allowed() before it acts on one. */

/**
 * api freezes the page API around the loader's functions.
 * @param {{open: () => void, allowed: (id: string) => boolean}} f
 * @returns {CivicConsent}
 */
export function api(f) {
  return Object.freeze({
    open() { f.open(); },
    allowed(id) { return !!f.allowed(String(id)); }
  });
}
