/* What the build writes into the loader: the bundle's file names, the
 * catalogue, the prerendered views and templates in each language, the
 * stylesheet. NAMES (the names JavaScript and Go share, from Go's package
 * contract) are replaced by the build wherever they are used;
 * civic-consent.d.ts declares both. */
export const BUNDLE = __BUNDLE__;
