// <parcel-desk> custom element: a thin wrapper around the WebAssembly
// widget's `mount(element, options)`. The WebAssembly module is loaded and
// initialised once per page, however many elements there are; its URL is
// resolved relative to this module, so the three files
// (parcel-desk-element.js, parcel-desk.js, parcel-desk_bg.wasm) only have to
// sit side by side.
import init, { mount } from './parcel-desk.js';

let ready;
const start = () => (ready ??= init());

// attribute -> option
const ATTRIBUTES = {
  'proxy-url': 'proxyUrl',
  view: 'view',
  lang: 'lang',
  'claim-type': 'claimType',
  'tracking-number': 'trackingNumber',
  ticket: 'ticket',
  'status-page-url': 'statusPageUrl',
};

// URL parameter -> option, for the standalone page (`options-from-url`).
// The proxy URL is deliberately not taken from the URL: a link must not be
// able to send a customer's claim to someone else's server.
const URL_PARAMETERS = {
  view: 'view',
  tracking: 'trackingNumber',
  lang: 'lang',
  claim: 'claimType',
  ticket: 'ticket',
};

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
      this.dispatchEvent(new CustomEvent('parcel-desk:error', {
        bubbles: true,
        composed: true,
        detail: { message: `parcel-desk could not start: ${error}` },
      }));
      return;
    }
    if (generation !== this.#generation || !this.isConnected) return;
    this.#unmount();
    this.#widget = mount(this, this.options());
    this.dispatchEvent(new CustomEvent('parcel-desk:ready', { bubbles: true, composed: true }));
  }
}

if (!customElements.get('parcel-desk')) {
  customElements.define('parcel-desk', ParcelDeskElement);
}
