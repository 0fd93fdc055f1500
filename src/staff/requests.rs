//! The open data requests of a filed claim's ticket (the shop's and the
//! customer's), each answerable by staff with a comment, several files and,
//! for a `sales_data` request, one row per item.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::ticket::DataType;
use parcel_desk_wire::FileRef;
use serde_json::{Map, Value};

use crate::api::{failure_text, DataAnswer, DataRequest};
use crate::fields::{TextArea, TextField};
use crate::upload::{prepare, FileList, Picked, Upload};
use crate::Ctx;

use super::needed::CURRENCIES;

/// Files per answer.
const MAX_FILES: usize = 5;

#[component]
pub fn StaffRequests(token: Signal<String>, claim_id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let requests = RwSignal::new(None::<Result<Vec<DataRequest>, String>>);
    let reload = RwSignal::new(0u32);
    let proxy = StoredValue::new(ctx.proxy.clone());
    let claim_id = StoredValue::new(claim_id);
    Effect::new(move |_| {
        reload.track();
        let (proxy, id, token) = (proxy.get_value(), claim_id.get_value(), token.get_untracked());
        spawn_local(async move {
            let answer = proxy.inbox_requests(&token, &id).await;
            requests.try_set(Some(answer.map_err(|f| failure_text(t, &f))));
        });
    });
    view! {
        <section class="pd-part pd-requests" aria-labelledby="pd-shop-requests-title">
            <h4 id="pd-shop-requests-title">{t.shop_requests_title}</h4>
            {move || match requests.get() {
                None => view! { <p class="pd-muted">{t.loading}</p> }.into_any(),
                Some(Err(m)) => view! { <div class="pd-banner" part="banner" role="alert">{m}</div> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="pd-muted">{t.no_requests}</p> }.into_any(),
                Some(Ok(list)) => list.into_iter().map(|r| view! {
                    <RequestForm request=r token=token claim_id=claim_id.get_value()
                        on_answered=Callback::new(move |()| reload.update(|n| *n += 1)) />
                }).collect_view().into_any(),
            }}
        </section>
    }
}

/// One row of sales data.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    name: RwSignal<String>,
    quantity: RwSignal<String>,
    price: RwSignal<String>,
    currency: RwSignal<String>,
}

impl Row {
    fn new(key: u32) -> Row {
        Row {
            key,
            name: RwSignal::new(String::new()),
            quantity: RwSignal::new("1".into()),
            price: RwSignal::new(String::new()),
            currency: RwSignal::new(CURRENCIES[0].into()),
        }
    }

    fn blank(&self) -> bool {
        self.name.with_untracked(|n| n.trim().is_empty()) && self.price.with_untracked(|p| p.trim().is_empty())
    }

    /// `{"name", "quantity", "unit_price", "currency"}`, or the text of its problem.
    fn value(&self, t: &crate::i18n::Texts) -> Result<Value, &'static str> {
        let name = self.name.get_untracked().trim().to_owned();
        if name.is_empty() {
            return Err(t.err_required);
        }
        let quantity = self.quantity.get_untracked();
        let quantity: u32 = quantity.trim().parse().map_err(|_| t.err_whole_number)?;
        if quantity == 0 {
            return Err(t.err_positive);
        }
        let price = match crate::claim::model::parse_decimal(&self.price.get_untracked()) {
            None => return Err(t.err_required),
            Some(Err(_)) => return Err(t.err_number),
            Some(Ok(p)) if p <= 0.0 => return Err(t.err_positive),
            Some(Ok(p)) => p,
        };
        let mut row = Map::new();
        row.insert("name".into(), Value::String(name));
        row.insert("quantity".into(), Value::Number(quantity.into()));
        row.insert("unit_price".into(), serde_json::Number::from_f64(price).map_or(Value::Null, Value::Number));
        row.insert("currency".into(), Value::String(self.currency.get_untracked()));
        Ok(Value::Object(row))
    }
}

#[component]
fn RequestForm(
    request: DataRequest,
    token: Signal<String>,
    claim_id: String,
    on_answered: Callback<()>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let id = request.request_id;
    let sales = request.data_type == DataType::SalesData;
    let comment = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<Picked>::new());
    let rows = RwSignal::new(if sales { vec![Row::new(0)] } else { Vec::new() });
    let next_row = StoredValue::new(1u32);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let proxy = StoredValue::new(ctx.proxy.clone());
    let claim_id = StoredValue::new(claim_id);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if files.with_untracked(|f| f.iter().any(|p| p.slot.state.with_untracked(Upload::busy))) {
            error.set(Some(t.err_upload_pending.into()));
            return;
        }
        let text = comment.get_untracked().trim().to_owned();
        let tokens: Vec<FileRef> = files.with_untracked(|f| {
            f.iter()
                .filter_map(|p| {
                    p.slot
                        .state
                        .with_untracked(|s| s.token().map(|file_token| FileRef { file_token: file_token.to_owned() }))
                })
                .collect()
        });
        let mut sales_data = Vec::new();
        for row in rows.get_untracked().iter().filter(|r| !r.blank()) {
            match row.value(t) {
                Ok(v) => sales_data.push(v),
                Err(problem) => {
                    error.set(Some(format!("{}: {problem}", t.sales_rows)));
                    return;
                }
            }
        }
        if text.is_empty() && tokens.is_empty() && sales_data.is_empty() {
            error.set(Some(t.err_answer_empty.into()));
            return;
        }
        error.set(None);
        busy.set(true);
        let answer = DataAnswer {
            request_id: id,
            comment: (!text.is_empty()).then_some(text),
            attachments: (!tokens.is_empty()).then_some(tokens),
            sales_data: (!sales_data.is_empty()).then_some(sales_data),
        };
        let (proxy, claim, token) = (proxy.get_value(), claim_id.get_value(), token.get_untracked());
        spawn_local(async move {
            let result = proxy.answer_inbox_request(&token, &claim, &answer).await;
            busy.try_set(false);
            match result {
                Ok(()) => {
                    sent.try_set(true);
                    on_answered.run(());
                }
                Err(f) => {
                    error.try_set(Some(failure_text(t, &f)));
                }
            }
        });
    };

    let word = t.word(t.data_types, request.data_type.as_str(), request.data_type.as_str()).to_owned();
    let title = if request.title.is_empty() { word.clone() } else { format!("{} ({word})", request.title) };
    view! {
        <form class="pd-request" novalidate=true on:submit=on_submit aria-label=title.clone()>
            <h5>{title.clone()}</h5>
            {(!request.description.is_empty()).then(|| view! { <p class="pd-prewrap">{request.description.clone()}</p> })}
            <Show when=move || !sent.get() fallback=move || view! { <p class="pd-notice" role="status">{t.answer_sent}</p> }>
                <TextArea id=format!("staff-answer-{id}") label=t.answer_comment value=comment
                    error=Signal::derive(|| None::<String>) />
                <FileList id=format!("staff-answer-files-{id}") label=t.answer_files files=files max_files=MAX_FILES
                    error=Signal::derive(|| None::<String>) upload_route=parcel_desk_wire::Route::UploadFile
                    limits=&prepare::SUPPORT />
                {sales.then(|| view! {
                    <fieldset class="pd-field pd-sales">
                        <legend>{t.sales_rows}</legend>
                        <For each=move || rows.get() key=|r| r.key let:row>
                            {
                                let k = row.key;
                                let cid = format!("sales-{id}-{k}");
                                view! {
                                    <div class="pd-row pd-sales-row">
                                        <div class="pd-grow">
                                            <TextField id=format!("{cid}-name") label=t.item_name value=row.name error=Signal::derive(|| None::<String>) />
                                        </div>
                                        <div class="pd-narrow">
                                            <TextField id=format!("{cid}-qty") label=t.quantity value=row.quantity inputmode="numeric" error=Signal::derive(|| None::<String>) />
                                        </div>
                                        <div class="pd-narrow">
                                            <TextField id=format!("{cid}-price") label=t.unit_price value=row.price inputmode="decimal" error=Signal::derive(|| None::<String>) />
                                        </div>
                                        <div class="pd-field pd-narrow">
                                            <label for=format!("{cid}-currency")>{t.currency}</label>
                                            <select id=format!("{cid}-currency") prop:value=move || row.currency.get()
                                                on:change=move |ev| row.currency.set(event_target_value(&ev))>
                                                {CURRENCIES.map(|c| view! { <option value=c>{c}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <button type="button" class="pd-link" on:click=move |_| rows.update(|r| r.retain(|x| x.key != k))>
                                            {t.remove_row}
                                        </button>
                                    </div>
                                }
                            }
                        </For>
                        <button type="button" class="pd-secondary" on:click=move |_| {
                            let k = next_row.get_value();
                            next_row.set_value(k + 1);
                            rows.update(|r| r.push(Row::new(k)));
                        }>{t.add_row}</button>
                    </fieldset>
                })}
                {move || error.get().map(|e| view! { <div class="pd-banner" part="banner" role="alert">{e}</div> })}
                <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get()>{t.send_answer}</button>
            </Show>
        </form>
    }
}
