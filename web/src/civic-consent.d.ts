/**
 * civic-consent: the JavaScript side of the widget, declared once.
 *
 * A page talks to the widget through `civicConsent` and the
 * `consent:change` event; the loader (consent.js) and the widget's two Go
 * programs talk through `civicFrame`, in the widget's own frame. The names
 * both sides share (modes, actions, elements, storage keys) are Go's
 * (package wasm/contract), given to the JavaScript at build time as
 * `NAMES`; everything else the build writes is `BUNDLE`.
 */

/** The page API: `window.civicConsent`. */
export interface CivicConsent {
  /** Opens the preferences (R14). */
  open(): void;
  /**
   * Whether a service or a category, by id, is allowed now. False until the
   * page program has read the stored choice; the first call starts it on a
   * page where it was waiting.
   */
  allowed(id: string): boolean;
}

/**
 * The detail of the `consent:change` event the widget dispatches on
 * `document` after it stores a choice. Any script can dispatch an event of
 * that name: a listener asks `civicConsent.allowed` before it acts on one.
 */
export interface ConsentChangeDetail {
  previous: ConsentState;
  current: ConsentState;
}

export interface ConsentState {
  services: Record<string, boolean>;
  categories: Record<string, boolean>;
}

/** Where a program stands: not asked for, starting, running, or off. */
export type ProgramState = 'idle' | 'starting' | 'live' | 'off';

/**
 * `civicFrame`, defined in the widget's frame by its boot (boot.js) before
 * any program runs; the programs add what they answer through `ready`.
 */
export interface CivicFrame {
  /** Where each program stands. */
  readonly programs: Readonly<{ page: ProgramState; dialog: ProgramState }>;
  /** What the page program answers, once it runs. */
  readonly page: PageProgram | null;
  /** What the dialog program answers, once it runs. */
  readonly dialog: DialogProgram | null;
  /** The catalogue, as the loader parsed it from the bundle, and its JSON. */
  readonly catalogue: object;
  readonly catalogueText: string;
  /** Places the frame for a mode (NAMES.mode*). */
  setMode(mode: string): void;
  /** Styles a shadow root of the host page; false where the browser cannot. */
  adoptStyles(shadowRoot: ShadowRoot): boolean;
  /**
   * The loader's Trusted Types policy: it makes a script URL or code only
   * if the page program approved that exact value just before.
   */
  readonly trust: Readonly<{ scriptURL(url: string): TrustedScriptURL | string; script(code: string): TrustedScript | string }>;
  /**
   * A program says it runs: name is 'page' or 'dialog', proof the token
   * the boot put in its environment (CIVIC_TOKEN). False if the boot did not
   * start it.
   */
  ready(name: 'page' | 'dialog', proof: string, handlers: object): boolean;
  /** The actions clicked on prerendered views that are a program's to take. */
  takeQueue(name: 'page' | 'dialog'): string[];
  /** The page's control that opened the preferences, once. */
  takeOpener(): Element | null;
  /** Starts the page program. */
  start(): void;
  /** Opens the preferences, starting the dialog program if need be. */
  open(opener?: Element | null): void;
  /** As civicConsent.allowed. */
  allowed(id: string): boolean;
}

/** What the page program answers (Go: wasm/main.go). */
export interface PageProgram {
  /** A choice of the prerendered first layer: NAMES.actionAccept or actionRefuse. */
  act(action: string): void;
  /** Stores the choice allowing exactly these optional services; '' or why not. */
  record(allowed: string[]): string;
  /** The choice in force. */
  state(): { allowed: string[]; recordId: string; ask: boolean };
  /** As civicConsent.allowed. */
  allowed(id: string): boolean;
  /** The dialog program shows this mode now. */
  shown(mode: string): void;
}

/** What the dialog program answers (Go: wasm/dialog). */
export interface DialogProgram {
  /** Opens the preferences. */
  open(): void;
  /** The page program stored a choice of its own (a placeholder's). */
  stored(): void;
}

/** The frame's <iframe> element in the host page carries, with Consent Mode, the loader's gtag. */
export interface CivicFrameElement extends HTMLIFrameElement {
  civicGtag?: (...args: unknown[]) => void;
}

/** What the loader knows of the plan for this page view (plan.js). */
export interface Plan {
  /** The mode shown first: NAMES.modeBanner, modeButton or modePending. */
  view: string;
  /** When the page program starts. */
  start: 'now' | 'later';
  /** A choice clicked on an earlier page that no program stored yet. */
  queued?: string;
  /** Whether to prefetch the page program once the page is idle. */
  prefetch?: boolean;
}

/** The bundle's files, as absolute URLs. */
export interface Files {
  page: string;
  dialog: string;
  exec: string;
  css: string;
  warm: string;
}

/** The loader's Trusted Types policy (policy.js). */
export interface Trust {
  html(html: string): TrustedHTML | string;
  scriptURL(url: string): TrustedScriptURL | string;
  script(code: string): TrustedScript | string;
  importsFor(memory: () => WebAssembly.Memory): { approve(kind: number, ptr: number, len: number): void };
}

/** What the loader hands the frame's boot. */
export interface BootContext {
  files: Files;
  css: string;
  sheet(): CSSStyleSheet;
  trust: Trust;
  nonce: string;
  catalogue: object;
  /** The catalogue's JSON, for the warm-up worker. */
  catalogueText: string;
  remember(action: string): void;
  forget(): void;
  shown(mode: string): void;
}

declare global {
  interface Window {
    civicConsent: CivicConsent;
    civicFrame: CivicFrame;
  }
  interface DocumentEventMap {
    'consent:change': CustomEvent<ConsentChangeDetail>;
  }
  /** The names Go and JavaScript share, replaced at build time (wasm/contract). */
  const NAMES: {
    modePending: string; modeButton: string; modeBanner: string; modeModal: string; modeOff: string;
    actionAccept: string; actionRefuse: string; actionCustomise: string; actionOpen: string;
    actionSave: string; actionAllow: string;
    tagWidget: string; tagButton: string; tagPlaceholder: string;
    attrOpen: string; attrAction: string; attrView: string; attrMode: string; attrPosition: string; attrRevision: string; attrDigest: string;
    pendingKey: string; policyName: string; changeEvent: string; loaderName: string; recordCookie: string;
    themeProperties: string[]; positions: string[]; templateBanner: string; templateButton: string;
  };
  /** What the build writes into the loader (web/bundle). */
  const __BUNDLE__: Bundle;
}

/** What the build writes into the loader. */
export interface Bundle {
  /** File names, relative to consent.js. */
  files: { page: string; dialog: string; exec: string; css: string; warm: string };
  /** The stylesheet, for constructed stylesheets. */
  css: string;
  /** The catalogue, as JSON. */
  catalogue: string;
  languages: string[];
  titles: Record<string, string>;
  /** The first layer, prerendered, by language. */
  bodies: Record<string, string>;
  /** The button, prerendered, by language. */
  buttons: Record<string, string>;
  /** The frame's templates but the views' (alert, placeholders, notices), by language. */
  templates: Record<string, string>;
  revision: string;
  /** The digest of the catalogue's JSON (consent.CatalogueDigest). */
  digest: string;
  /** How every record of this revision begins. */
  recordPrefix: string;
  /** A selector of the content that depends on the choice. */
  gated: string;
  /** Every page depends on the choice. */
  gatedAlways: boolean;
  /** Google Consent Mode's default, with Consent Mode. */
  consentDefault?: Record<string, string>;
}
