// Type declarations for the `parcel-desk` package (hand-written; the
// implementation is dist/parcel-desk-element.js around the WebAssembly
// widget). Importing the package registers the <parcel-desk> custom element.

/** The widget's views (`staff`: registering parcels, for shop staff). */
export type ParcelDeskView = 'claim' | 'status' | 'track' | 'contact' | 'staff';

/** Supported languages; any other tag falls back (page `<html lang>`, browser, English). */
export type ParcelDeskLanguage = 'en' | 'de' | 'nl' | 'fr' | 'es' | 'it';

/** `light` or `dark`; absent: follow `prefers-color-scheme`. */
export type ParcelDeskTheme = 'light' | 'dark';

export type ParcelDeskClaimType = 'lost' | 'damage';

/** Options of one widget (the JS-side names of the element's attributes). */
export interface ParcelDeskOptions {
  /** Base URL of the merchant's proxy (default `/api`); relative URLs resolve against the page. Attribute `proxy-url`. */
  proxyUrl?: string;
  /** The view to open (default `claim`). Attribute `view`. */
  view?: ParcelDeskView;
  /** Language tag (`en`, `de`, …). Attribute `lang`. */
  lang?: ParcelDeskLanguage | (string & {});
  /** Attribute `theme`. */
  theme?: ParcelDeskTheme;
  /** For the claim view: `lost` (default) or `damage`. Attribute `claim-type`. */
  claimType?: ParcelDeskClaimType;
  /** Prefills the tracking number. Attribute `tracking-number`. */
  trackingNumber?: string;
  /** Prefills the order number (status lookup, contact). Attribute `order-number`. */
  orderNumber?: string;
  /** The customer's e-mail address, kept for the claim form. Attribute `email`. */
  email?: string;
  /** Prefills the customer's name (contact). Attribute `name`. */
  name?: string;
  /** The order's items, kept for the claim form: an array, or its JSON text (attribute `items`). */
  items?: ParcelDeskOrderItem[] | string;
  /** For the status view: the ticket number. Attribute `ticket`. */
  ticket?: string;
  /** URL of the merchant's status page, used in links customers can bookmark. Attribute `status-page-url`. */
  statusPageUrl?: string;
}

/** One item of the order (the `items` option). */
export interface ParcelDeskOrderItem {
  name: string;
  /** A whole number. */
  quantity: number;
}

/** Values for {@link ParcelDeskHandle.setOptions}: `null`, `undefined` or `''` removes an option. */
export type ParcelDeskOptionsUpdate = {
  [K in keyof ParcelDeskOptions]?: ParcelDeskOptions[K] | null;
};

/** The element's attributes and the option each one sets. */
export declare const ATTRIBUTES: Readonly<{
  'proxy-url': 'proxyUrl';
  view: 'view';
  lang: 'lang';
  theme: 'theme';
  'claim-type': 'claimType';
  'tracking-number': 'trackingNumber';
  'order-number': 'orderNumber';
  email: 'email';
  name: 'name';
  items: 'items';
  ticket: 'ticket';
  'status-page-url': 'statusPageUrl';
}>;

/** An attribute of `<parcel-desk>`. */
export type ParcelDeskAttribute = keyof typeof ATTRIBUTES;

/** Detail of `parcel-desk:ready`: the widget is mounted. */
export interface ParcelDeskReadyDetail {
  view: ParcelDeskView;
}

/** Detail of `parcel-desk:submitted`: a claim (or a message to the seller) was filed. */
export interface ParcelDeskSubmittedDetail {
  kind: 'claim' | 'contact';
  /** For claims. */
  claimType?: ParcelDeskClaimType;
  /** The new ticket's reference. */
  ticketId: string;
  /** The proxy's token for reading the ticket later (`null` if the proxy gave none). */
  accessToken?: string | null;
}

/** Detail of `parcel-desk:error`: a request failed, or the widget could not start (`status: null`). */
export interface ParcelDeskErrorDetail {
  /** HTTP status, or `null` for network failures and start-up errors. */
  status: number | null;
  /** The message shown to the customer (or the start-up error). */
  message: string;
}

/** Detail of `parcel-desk:view-change`: the customer moved to another view. */
export interface ParcelDeskViewChangeDetail {
  view: ParcelDeskView;
}

/** The events a `<parcel-desk>` fires. All bubble and are composed (they cross the shadow boundary). */
export interface ParcelDeskEventMap {
  'parcel-desk:ready': CustomEvent<ParcelDeskReadyDetail>;
  'parcel-desk:submitted': CustomEvent<ParcelDeskSubmittedDetail>;
  'parcel-desk:error': CustomEvent<ParcelDeskErrorDetail>;
  'parcel-desk:view-change': CustomEvent<ParcelDeskViewChangeDetail>;
}

/** The `<parcel-desk>` element. The widget renders in its open shadow root. */
export declare class ParcelDeskElement extends HTMLElement {
  static readonly observedAttributes: ParcelDeskAttribute[];
  /** The options the widget is (or will be) mounted with, read from the attributes. */
  options(): ParcelDeskOptions;
  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void;
}

/**
 * Registers `<parcel-desk>` (or the element under another name). Idempotent;
 * importing the package already registers `parcel-desk`.
 */
export declare function defineParcelDesk(name?: string): CustomElementConstructor;

/** What {@link mountParcelDesk} returns. */
export interface ParcelDeskHandle {
  /** The `<parcel-desk>` element; listen for the `parcel-desk:*` events on it. */
  readonly element: ParcelDeskElement;
  /** Prefills fields (`trackingNumber`, `orderNumber`, `email`, `name`, `items`, `ticket`, …). */
  prefill(values: ParcelDeskOptionsUpdate): void;
  /** Switches the language. */
  setLanguage(lang: ParcelDeskLanguage | (string & {})): void;
  /** Changes any options; the widget re-mounts and keeps what the customer typed. */
  setOptions(values: ParcelDeskOptionsUpdate): void;
  /** Removes the element and frees the widget's state. */
  destroy(): void;
}

/** Creates a `<parcel-desk>` with `options`, appends it to `target` and returns a handle. */
export declare function mountParcelDesk(target: Element, options?: ParcelDeskOptions): ParcelDeskHandle;

declare global {
  interface HTMLElementTagNameMap {
    'parcel-desk': ParcelDeskElement;
  }
  // The events bubble: typed on every element, the document and the window.
  interface HTMLElementEventMap extends ParcelDeskEventMap {}
  interface DocumentEventMap extends ParcelDeskEventMap {}
  interface WindowEventMap extends ParcelDeskEventMap {}
}
