// A shop page that embeds only the claim form: the claim-only build from the
// package's `parcel-desk/claim` entry, same API and types, in German (its
// language file comes through Vite's asset pipeline too).
import { mountParcelDesk, type ParcelDeskElement } from 'parcel-desk/claim';

const desk = mountParcelDesk(document.getElementById('app')!, { proxyUrl: '/api', lang: 'de' });
const element: ParcelDeskElement = desk.element;
element.addEventListener('parcel-desk:ready', (event) => {
  document.body.dataset.ready = event.detail.view;
});
element.addEventListener('parcel-desk:error', (event) => {
  document.body.dataset.error = event.detail.message;
});
