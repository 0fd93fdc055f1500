// The lost-parcel claim form as a merchant would build it without
// parcel-desk: React state, an inline Uppy dashboard per document (uploads
// start as soon as a file is picked, through the same proxy), client-side
// required-field validation, JSON submit to the same proxy route.
import { useEffect, useRef, useState } from 'react';
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import XHRUpload from '@uppy/xhr-upload';
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';

const DOCUMENTS = [
  ['sales_invoice', 'Sales invoice'],
  ['purchase_invoice', 'Purchase invoice'],
  ['customer_confirmation', 'Signed statement that the parcel was not received'],
  ['carrier_claim_form', "Carrier's claim form"],
];
const ALLOWED_TYPES = ['image/*', 'video/*', 'text/*', '.pdf', '.rtf', '.doc', '.docx', '.xls', '.xlsx', '.odt', '.ods', '.json', '.xml', '.yaml'];
const CURRENCIES = ['EUR', 'GBP', 'USD'];
const RATES_REQUIRED = [
  'tracking_number', 'contents_sales_price', 'contents_description', 'parcel_exterior_description',
  'parcel_dimensions', 'additional_remarks', ...DOCUMENTS.map(([k]) => k),
];

function parseDecimal(s) {
  const t = s.trim();
  if (!t) return null;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : NaN;
}

/** One document field: an inline Uppy dashboard uploading to the proxy. */
function DocumentUpload({ id, label, proxyUrl, required, error, onToken }) {
  const target = useRef(null);
  useEffect(() => {
    const uppy = new Uppy({
      id,
      autoProceed: true,
      restrictions: { maxNumberOfFiles: 1, maxFileSize: 6_000_000, allowedFileTypes: ALLOWED_TYPES },
    })
      .use(Dashboard, { target: target.current, inline: true, height: 220, proudlyDisplayPoweredByUppy: false })
      // One part 'file' only: the proxy (like upstream) refuses extra parts.
      .use(XHRUpload, { endpoint: `${proxyUrl}/dsf/files`, fieldName: 'file', formData: true, allowedMetaFields: false });
    uppy.on('upload-success', (_file, response) => onToken(response.body?.file_token ?? null));
    uppy.on('file-removed', () => onToken(null));
    return () => uppy.destroy();
  }, [id, proxyUrl]);
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label id={`${id}-label`}>{label}{required && ' *'}</label>
      <div ref={target} aria-labelledby={`${id}-label`} />
      {error && <p className="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

function TextInput({ id, label, value, onChange, required, error, multiline, inputMode }) {
  const Tag = multiline ? 'textarea' : 'input';
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}{required && ' *'}</label>
      <Tag id={id} value={value} inputMode={inputMode} aria-required={required || undefined}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)} />
      {error && <p className="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

function Money({ id, legend, amount, currency, onAmount, onCurrency, required, error }) {
  return (
    <fieldset className={`field${error ? ' invalid' : ''}`}>
      <legend>{legend}{required && ' *'}</legend>
      <label htmlFor={`${id}-amount`}>Amount</label>
      <input id={`${id}-amount`} inputMode="decimal" value={amount} aria-invalid={error ? true : undefined}
        onChange={(e) => onAmount(e.target.value)} />
      <label htmlFor={`${id}-currency`}>Currency</label>
      <select id={`${id}-currency`} value={currency} onChange={(e) => onCurrency(e.target.value)}>
        {CURRENCIES.map((c) => <option key={c}>{c}</option>)}
      </select>
      {error && <p className="error">{error}</p>}
    </fieldset>
  );
}

const EMPTY = {
  tracking_number: '', carrier_contract_id: '', sales_price: '', sales_currency: 'EUR',
  purchase_price: '', purchase_currency: 'EUR', contents_description: '', exterior_description: '',
  length: '', width: '', height: '', remarks: '',
};

export function ClaimForm({ proxyUrl }) {
  const [values, setValues] = useState(EMPTY);
  const [kind, setKind] = useState('rates');
  const [portal, setPortal] = useState(false);
  const [tokens, setTokens] = useState({});
  const [errors, setErrors] = useState({});
  const [banner, setBanner] = useState(null);
  const [busy, setBusy] = useState(false);
  const [ticket, setTicket] = useState(null);
  const formRef = useRef(null);
  const set = (key) => (v) => setValues((old) => ({ ...old, [key]: v }));
  const required = (field) => (kind === 'rates' ? RATES_REQUIRED.includes(field) : field === 'tracking_number');

  function validate() {
    const errs = {};
    const body = { tracking_number: values.tracking_number.trim() };
    const money = (field, price, currency) => {
      const p = parseDecimal(price);
      if (p === null) return;
      if (Number.isNaN(p)) errs[field] = 'Enter a number.';
      else if (p <= 0) errs[field] = 'Enter an amount above 0.';
      else body[field] = { price: p, currency };
    };
    money('contents_sales_price', values.sales_price, values.sales_currency);
    money('contents_purchase_price', values.purchase_price, values.purchase_currency);
    if (kind === 'own' && values.carrier_contract_id.trim()) {
      if (!/^\d+$/.test(values.carrier_contract_id.trim())) errs.carrier_contract_id = 'Enter a whole number.';
      else body.carrier_contract_id = Number(values.carrier_contract_id.trim());
    }
    const dims = [values.length, values.width, values.height].map(parseDecimal);
    if (dims.some((d) => d !== null)) {
      if (dims.some((d) => Number.isNaN(d))) errs.parcel_dimensions = 'Enter a number.';
      else if (dims.some((d) => d === null)) errs.parcel_dimensions = 'This field is required.';
      else body.parcel_dimensions = { length: dims[0], width: dims[1], height: dims[2] };
    }
    const text = (field, v) => { if (v.trim()) body[field] = v.trim(); };
    text('contents_description', values.contents_description);
    text('parcel_exterior_description', values.exterior_description);
    text('additional_remarks', values.remarks);
    for (const [field] of DOCUMENTS) if (tokens[field]) body[field] = { file_token: tokens[field] };
    for (const field of RATES_REQUIRED) {
      if (required(field) && !(field in body) && !errs[field]) errs[field] = 'This field is required.';
    }
    if (!body.tracking_number) errs.tracking_number = 'This field is required.';
    return { body, errs };
  }

  async function onSubmit(e) {
    e.preventDefault();
    if (busy) return;
    const { body, errs } = validate();
    setErrors(errs);
    if (Object.keys(errs).length) {
      setBanner('Please correct the marked fields.');
      requestAnimationFrame(() => formRef.current?.querySelector('[aria-invalid="true"]')?.focus());
      return;
    }
    setBanner(null);
    setBusy(true);
    try {
      const res = await fetch(`${proxyUrl}/dsf/tickets/lost${portal ? '?is_portal_claim=true' : ''}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      const answer = await res.json().catch(() => ({}));
      if (res.ok) setTicket(answer.ticket_id);
      else setBanner(answer.errors?.[0]?.detail ?? `The claim could not be filed (${res.status}).`);
    } catch {
      setBanner('We could not reach the service. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  if (ticket) {
    return (
      <section className="success">
        <h2>Claim submitted</h2>
        <p>Reference: <strong>{ticket}</strong></p>
      </section>
    );
  }
  const err = (f) => errors[f];
  return (
    <form ref={formRef} className="claim" noValidate onSubmit={onSubmit} aria-labelledby="claim-title">
      <h2 id="claim-title">Report a lost parcel</h2>
      <p className="hint">Fields marked * are required.</p>
      <TextInput id="tracking_number" label="Tracking number" value={values.tracking_number}
        onChange={set('tracking_number')} required error={err('tracking_number')} />
      <fieldset className="field">
        <legend>How was the parcel sent?</legend>
        <label><input type="radio" name="kind" checked={kind === 'rates'} onChange={() => setKind('rates')} />
          {" With the shop's Sendcloud label"}</label>
        <label><input type="radio" name="kind" checked={kind === 'own'} onChange={() => setKind('own')} />
          {" On the shop's own carrier contract"}</label>
      </fieldset>
      {kind === 'own' && (
        <TextInput id="carrier_contract_id" label="Carrier contract ID" inputMode="numeric"
          value={values.carrier_contract_id} onChange={set('carrier_contract_id')} error={err('carrier_contract_id')} />
      )}
      <Money id="contents_sales_price" legend="Value of the contents (sales price)" amount={values.sales_price}
        currency={values.sales_currency} onAmount={set('sales_price')} onCurrency={set('sales_currency')}
        required={required('contents_sales_price')} error={err('contents_sales_price')} />
      <Money id="contents_purchase_price" legend="Purchase price" amount={values.purchase_price}
        currency={values.purchase_currency} onAmount={set('purchase_price')} onCurrency={set('purchase_currency')}
        error={err('contents_purchase_price')} />
      <TextInput id="contents_description" label="What was in the parcel?" multiline value={values.contents_description}
        onChange={set('contents_description')} required={required('contents_description')} error={err('contents_description')} />
      <TextInput id="parcel_exterior_description" label="What did the parcel look like?" multiline
        value={values.exterior_description} onChange={set('exterior_description')}
        required={required('parcel_exterior_description')} error={err('parcel_exterior_description')} />
      <fieldset className={`field${err('parcel_dimensions') ? ' invalid' : ''}`}>
        <legend>Parcel dimensions (cm){required('parcel_dimensions') && ' *'}</legend>
        {[['length', 'Length'], ['width', 'Width'], ['height', 'Height']].map(([k, l]) => (
          <span key={k}>
            <label htmlFor={`dim-${k}`}>{l}</label>
            <input id={`dim-${k}`} inputMode="decimal" value={values[k]} onChange={(e) => set(k)(e.target.value)}
              aria-invalid={err('parcel_dimensions') ? true : undefined} />
          </span>
        ))}
        {err('parcel_dimensions') && <p className="error">{err('parcel_dimensions')}</p>}
      </fieldset>
      <TextInput id="additional_remarks" label="Anything else the carrier should know?" multiline value={values.remarks}
        onChange={set('remarks')} required={required('additional_remarks')} error={err('additional_remarks')} />
      <fieldset className="field">
        <legend>Documents</legend>
        {DOCUMENTS.map(([field, label]) => (
          <DocumentUpload key={field} id={field} label={label} proxyUrl={proxyUrl} required={required(field)}
            error={err(field)} onToken={(t) => setTokens((old) => ({ ...old, [field]: t }))} />
        ))}
      </fieldset>
      <div className="field check">
        <input type="checkbox" id="is_portal_claim" checked={portal} onChange={(e) => setPortal(e.target.checked)} />
        <label htmlFor="is_portal_claim">File the claim through the carrier's portal</label>
      </div>
      {banner && <div className="banner" role="alert">{banner}</div>}
      <button type="submit" disabled={busy} aria-busy={busy || undefined}>{busy ? 'Submitting…' : 'Submit claim'}</button>
    </form>
  );
}
