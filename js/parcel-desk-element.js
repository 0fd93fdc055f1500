// <parcel-desk> custom element and the small JS API around it.
//
// The element is a thin wrapper around the WebAssembly widget's
// `mount(element, options)`. The WebAssembly module is loaded and
// initialised once per page, however many elements there are; its URL is
// resolved relative to this module, so the three files
// (parcel-desk-element.js, parcel-desk.js, parcel-desk_bg.wasm) only have to
// sit side by side (bundlers pick the .wasm up through `new URL(…,
// import.meta.url)` in parcel-desk.js).
import init, { mount } from './parcel-desk.js';

let ready;
const start = () => (ready ??= init());

/** attribute name -> option name */
export const ATTRIBUTES = Object.freeze({
  'proxy-url': 'proxyUrl',
  view: 'view',
  lang: 'lang',
  theme: 'theme',
  'claim-type': 'claimType',
  'tracking-number': 'trackingNumber',
  'order-number': 'orderNumber',
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
};

function emit(target, name, detail = {}) {
  target.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
}

export class ParcelDeskElement extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);

  #widget = null;
  #generation = 0;

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
    if (oldValue !== newValue && this.isConnected && this.#widget) this.#render();
  }

  #unmount() {
    if (this.#widget) {
      this.#widget.unmount();
      this.#widget.free();
      this.#widget = null;
    }
  }

  async #render() {
    const generation = ++this.#generation;
    try {
      await start();
    } catch (error) {
      emit(this, 'parcel-desk:error', { status: null, message: `parcel-desk could not start: ${error}` });
      return;
    }
    if (generation !== this.#generation || !this.isConnected) return;
    this.#unmount();
    try {
      this.#widget = mount(this, this.options());
    } catch (error) {
      emit(this, 'parcel-desk:error', { status: null, message: String(error) });
      return;
    }
    emit(this, 'parcel-desk:ready', { view: this.options().view ?? 'claim' });
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
