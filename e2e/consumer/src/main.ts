// A shop front end consuming the npm package, typed by its declarations.
import {
  ATTRIBUTES,
  mountParcelDesk,
  type ParcelDeskElement,
  type ParcelDeskSubmittedDetail,
} from 'parcel-desk';

declare global {
  interface Window {
    parcelDeskEvents: { type: string; detail: unknown }[];
  }
}

window.parcelDeskEvents = [];
const app = document.getElementById('app')!;
const desk = mountParcelDesk(app, { proxyUrl: '/api', lang: 'en' });
const element: ParcelDeskElement = desk.element;
// The tag name map knows the element.
const same: ParcelDeskElement | null = document.querySelector('parcel-desk');
console.assert(same === element && 'proxy-url' in ATTRIBUTES);

const log = document.getElementById('log')!;
element.addEventListener('parcel-desk:ready', (event) => {
  window.parcelDeskEvents.push({ type: event.type, detail: event.detail });
  document.body.dataset.ready = event.detail.view;
});
// Events bubble: typed on any ancestor too.
app.addEventListener('parcel-desk:submitted', (event) => {
  const detail: ParcelDeskSubmittedDetail = event.detail;
  window.parcelDeskEvents.push({ type: event.type, detail });
  log.textContent = `Ticket ${detail.ticketId} (${detail.kind}, ${detail.claimType ?? '-'})`;
});
element.addEventListener('parcel-desk:error', (event) => {
  window.parcelDeskEvents.push({ type: event.type, detail: event.detail });
});
