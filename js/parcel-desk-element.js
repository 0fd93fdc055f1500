// <parcel-desk> custom element and the small JS API around it.
//
// The element is a thin wrapper around the WebAssembly widget's
// `mount(element, options)`. The WebAssembly module is loaded and
// initialised once per page, however many elements there are; its URL is
// resolved relative to this module, so the files (parcel-desk-element.js,
// parcel-desk.js, parcel-desk_bg.wasm, i18n/*.json) only have to sit side
// by side (bundlers pick the .wasm and the language files up through
// `new URL(…, import.meta.url)`).
//
// Start-up: the first element fetches the glue script and the .wasm at the
// same time (and a language file, when the page needs one), instead of one
// after the other: one round trip less on a slow phone network.

let ready;
function start() {
  ready ??= (async () => {
    const wasm = fetch(new URL('./parcel-desk_bg.wasm', import.meta.url));
    wasm.catch(() => {}); // reported through init below
    const glue = await import('./parcel-desk.js');
    await glue.default({ module_or_path: wasm });
    return glue;
  })().catch((error) => {
    ready = undefined; // the next element tries again
    throw error;
  });
  return ready;
}

// Every language is a small file fetched when a page needs it, English
// too (the release build's WebAssembly has no texts compiled in; a build
// with English compiled in never asks for it). Literal URLs, so bundlers
// see them.
const LANGUAGE_FILES = {
  en: () => new URL('./i18n/en.json', import.meta.url),
  de: () => new URL('./i18n/de.json', import.meta.url),
  nl: () => new URL('./i18n/nl.json', import.meta.url),
  fr: () => new URL('./i18n/fr.json', import.meta.url),
  es: () => new URL('./i18n/es.json', import.meta.url),
  it: () => new URL('./i18n/it.json', import.meta.url),
};
const languageTexts = new Map();

function fetchLanguage(tag) {
  if (!languageTexts.has(tag)) {
    const text = fetch(LANGUAGE_FILES[tag]()).then((r) => {
      if (!r.ok) throw new Error(`${r.status} ${r.statusText}`.trim());
      return r.text();
    });
    text.catch(() => languageTexts.delete(tag));
    languageTexts.set(tag, text);
  }
  return languageTexts.get(tag);
}

// The language the widget will pick (the `lang` option, else the page's,
// else the browser's: the first one it supports), guessed before the
// WebAssembly is there so its file can load alongside; the widget's own
// answer (`languageToLoad`) decides.
function guessLanguage(lang) {
  for (const tag of [lang, document.documentElement.lang, navigator.language]) {
    const primary = (tag ?? '').split(/[-_]/)[0].toLowerCase();
    if (Object.hasOwn(LANGUAGE_FILES, primary)) return primary;
  }
  return 'en';
}

/** attribute name -> option name */
export const ATTRIBUTES = Object.freeze({
  'proxy-url': 'proxyUrl',
  view: 'view',
  lang: 'lang',
  theme: 'theme',
  'claim-type': 'claimType',
  'tracking-number': 'trackingNumber',
  'order-number': 'orderNumber',
  email: 'email',
  name: 'name',
  items: 'items',
  ticket: 'ticket',
  'status-page-url': 'statusPageUrl',
});

// URL parameter -> option, for the standalone page (`options-from-url`).
// The proxy URL is deliberately not taken from the URL: a link must not be
// able to send a customer's claim to someone else's server.
const URL_PARAMETERS = {
  view: 'view',
  tracking: 'trackingNumber',
  order: 'orderNumber',
  lang: 'lang',
  theme: 'theme',
  claim: 'claimType',
  ticket: 'ticket',
  // The status view's claim (a reference such as PD-4K7Q-2M, or a claim
  // id): the widget keeps it here itself (see syncUrl below).
  ref: 'reference',
};

function emit(target, name, detail = {}) {
  target.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
}

export class ParcelDeskElement extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);

  #widget = null;
  #generation = 0;
  #rendering = 0; // renders in flight
  #failure = null; // the paragraph saying why it could not start

  /** The options the widget is mounted with. */
  options() {
    const options = {};
    for (const [attribute, key] of Object.entries(ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value !== null && value !== '') options[key] = value;
    }
    if (this.hasAttribute('options-from-url')) {
      const params = new URLSearchParams(window.location.search);
      for (const [param, key] of Object.entries(URL_PARAMETERS)) {
        const value = params.get(param);
        if (value) options[key] = value;
      }
      // A status link carries the ticket's access token in the fragment,
      // which browsers never send to a server.
      const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
      if (token && options.ticket) options.token = token;
      // This page's URL is the widget's: the status view keeps
      // `view=status&ref=…` in it (history.replaceState, never the token)
      // so that a reload or a shared link opens the same claim. Embedded
      // without options-from-url, the widget leaves the page's URL alone.
      options.syncUrl = 'true';
    }
    if (options.proxyUrl) {
      options.proxyUrl = new URL(options.proxyUrl, document.baseURI).href;
    }
    return options;
  }

  connectedCallback() {
    this.#render();
  }

  disconnectedCallback() {
    this.#generation += 1;
    this.#unmount();
  }

  attributeChangedCallback(_name, oldValue, newValue) {
    // Re-mount with the new options; what the customer typed comes back
    // from the widget's draft.
    // (Also while the first render still waits for the WebAssembly or a
    // language file: it is superseded.)
    if (oldValue !== newValue && this.isConnected && (this.#widget || this.#failure || this.#rendering > 0)) this.#render();
  }

  #unmount() {
    if (this.#widget) {
      this.#widget.unmount();
      this.#widget.free();
      this.#widget = null;
    }
    this.#failure?.remove();
    this.#failure = null;
  }

  /** Shows why the widget could not start, in place of the widget (the
   *  host page also gets it as `parcel-desk:error`): a blank box helps
   *  nobody. Plain text, no styles (a strict CSP allows that). */
  #fail(message) {
    emit(this, 'parcel-desk:error', { status: null, message });
    this.#failure?.remove();
    this.#failure = document.createElement('p');
    this.#failure.setAttribute('role', 'alert');
    this.#failure.setAttribute('part', 'error');
    this.#failure.textContent = message;
    (this.shadowRoot ?? this.attachShadow({ mode: 'open' })).append(this.#failure);
  }

  async #render() {
    this.#rendering += 1;
    try {
      await this.#renderNow(++this.#generation);
    } finally {
      this.#rendering -= 1;
    }
  }

  async #renderNow(generation) {
    // Read once: a change to the attributes starts a newer render, and this
    // one then stops at the next generation check.
    const options = this.options();
    const { lang } = options;
    const guess = guessLanguage(lang);
    if (guess) fetchLanguage(guess).catch(() => {});
    let glue;
    try {
      glue = await start();
    } catch (error) {
      if (generation === this.#generation) this.#fail(`parcel-desk could not start: ${error}`);
      return;
    }
    if (generation !== this.#generation) return;
    const tag = glue.languageToLoad(lang);
    if (tag) {
      const add = async (t) => {
        try {
          glue.addLanguage(t, await fetchLanguage(t));
          return null;
        } catch (error) {
          return error;
        }
      };
      const error = await add(tag);
      // English is the fallback; a build without it compiled in fetches it.
      const english = error && tag !== 'en' && glue.languageToLoad('en') ? await add('en') : null;
      if (generation !== this.#generation) return;
      if (error && glue.languageToLoad('en')) {
        // Neither the page's language nor English: nothing to show.
        this.#unmount();
        const also = english ? `; i18n/en.json: ${english}` : '';
        this.#fail(`parcel-desk could not load its texts: i18n/${tag}.json: ${error}${also}`);
        return;
      }
      if (error) {
        // The widget still works, in English; tell the host page why.
        emit(this, 'parcel-desk:error', {
          status: null,
          message: `parcel-desk could not load language "${tag}", showing English: ${error}`,
        });
      }
    }
    if (generation !== this.#generation || !this.isConnected) return;
    this.#unmount();
    try {
      this.#widget = glue.mount(this, options);
    } catch (error) {
      this.#fail(String(error));
      return;
    }
    emit(this, 'parcel-desk:ready', { view: options.view ?? 'claim' });
  }
}

/** Registers `<parcel-desk>` (idempotent). */
export function defineParcelDesk(name = 'parcel-desk') {
  if (!customElements.get(name)) customElements.define(name, class extends ParcelDeskElement {});
  return customElements.get(name);
}

function setOptions(element, options) {
  for (const [attribute, key] of Object.entries(ATTRIBUTES)) {
    if (!(key in options)) continue;
    const value = options[key];
    if (value === null || value === undefined || value === '') element.removeAttribute(attribute);
    // The order's items: an array of { name, quantity }, kept as JSON.
    else if (key === 'items' && typeof value === 'object') element.setAttribute(attribute, JSON.stringify(value));
    else element.setAttribute(attribute, String(value));
  }
}

/**
 * Mounts a widget into `target` (an element) for hosts that build the page
 * themselves. Returns a handle: `prefill`, `setLanguage`, `setOptions`,
 * `destroy`. Listen for the `parcel-desk:*` events on `handle.element`.
 */
export function mountParcelDesk(target, options = {}) {
  defineParcelDesk();
  const element = document.createElement('parcel-desk');
  setOptions(element, options);
  target.appendChild(element);
  return {
    element,
    prefill(values) {
      setOptions(element, values);
    },
    setLanguage(lang) {
      setOptions(element, { lang });
    },
    setOptions(values) {
      setOptions(element, values);
    },
    destroy() {
      element.remove();
    },
  };
}

defineParcelDesk();
