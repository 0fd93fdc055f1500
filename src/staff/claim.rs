//! One claim of the inbox: what the customer gave (with their photos),
//! what upstream still needs with one input per field, and the staff's
//! actions (save, approve, reject), the carrier's ticket and its open
//! requests once filed, and the history.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::claim::ClaimType;
use parcel_desk_wire::inbox::{parcel_kind_str, InboxClaim, InboxPhoto, NeededField, ShopCompletion, REASON_MAX};
use parcel_desk_wire::ClaimState;
use serde_json::{Map, Value};

use crate::api::{failure_text, ApiFailure};
use crate::fields::TextArea;
use crate::i18n::Texts;
use crate::{format, Ctx};

use super::needed::{control_id, in_words, label_of, missing_keys, value_of, Input, NeededInput};
use super::requests::StaffRequests;

/// States in which staff can still change, approve or reject a claim.
fn editable(state: &ClaimState) -> bool {
    matches!(state, ClaimState::WithShop | ClaimState::Review | ClaimState::NeedsAttention)
}

/// The text for a failed action: the field-free part of the proxy's
/// answer (`claim_incomplete` names the missing fields in words).
fn action_failure(t: &Texts, f: &ApiFailure, needed: &[NeededField]) -> String {
    match (f.status(), f.code()) {
        (Some(409), "claim_incomplete") => {
            let words: Vec<&str> = missing_keys(f.detail())
                .into_iter()
                .map(|k| {
                    needed.iter().find(|n| n.key == k).map(|n| label_of(t, n)).unwrap_or_else(|| {
                        match t.word(t.claim_fields, k, "") {
                            "" => Box::leak(k.to_owned().into_boxed_str()),
                            w => w,
                        }
                    })
                })
                .collect();
            t.err_claim_incomplete.replace("{}", &words.join(", "))
        }
        (Some(409), _) => t.err_claim_state.to_owned(),
        (Some(404), _) => t.err_inbox_token.to_owned(),
        _ => failure_text(t, f),
    }
}

#[component]
pub fn ClaimDetail(token: Signal<String>, claim_id: String, on_back: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let claim = RwSignal::new(None::<Result<InboxClaim, String>>);
    // The first read: what the customer gave never changes.
    let first = RwSignal::new(None::<InboxClaim>);
    let notice = RwSignal::new(None::<String>);
    let banner = RwSignal::new(None::<String>);
    let proxy = StoredValue::new(ctx.proxy.clone());
    let id = StoredValue::new(claim_id);
    let heading = NodeRef::<leptos::html::H3>::new();

    let load = move || {
        let (proxy, id, token) = (proxy.get_value(), id.get_value(), token.get_untracked());
        spawn_local(async move {
            let answer = proxy.inbox_claim(&token, &id).await;
            match answer {
                Ok(c) => {
                    if first.try_with_untracked(Option::is_none) == Some(true) {
                        first.try_set(Some(c.clone()));
                    }
                    claim.try_set(Some(Ok(c)));
                }
                Err(f) => {
                    let message =
                        if f.status() == Some(404) { t.err_inbox_token.to_owned() } else { failure_text(t, &f) };
                    claim.try_set(Some(Err(message)));
                }
            }
        });
    };
    load();
    // Focus the heading once the claim is shown, for keyboard and screen
    // reader users who opened it from the list.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match heading.get() {
            Some(h) => {
                let _ = h.focus();
                true
            }
            None => false,
        }
    });

    let updated = Callback::new(move |c: InboxClaim| {
        claim.set(Some(Ok(c)));
    });

    let header = move || {
        first.get().map(|c| {
            let item = &c.item;
            let name = item.reference.as_ref().map(|r| r.to_string()).unwrap_or_else(|| t.no_reference.to_owned());
            let kind = t.word(t.claim_types, item.claim_type.as_str(), item.claim_type.as_str()).to_owned();
            view! {
                <h3 class="pd-subtitle" id="pd-claim-title" tabindex="-1" node_ref=heading>{name}" · "{kind}</h3>
            }
        })
    };

    let state_line = move || {
        claim.get().and_then(Result::ok).map(|c| {
            let bucket = t.word(t.inbox_buckets, c.item.bucket.as_str(), c.item.bucket.as_str()).to_owned();
            // Staff's own words (a rejection) as written; the proxy's in words.
            // (While the shop's part is missing, the inputs below say what.)
            let reason = c
                .item
                .reason
                .clone()
                .filter(|_| c.item.state != ClaimState::WithShop || c.needed.is_empty())
                .map(|r| if c.item.state == ClaimState::Rejected { r } else { in_words(t, &r) });
            let lang = ctx.lang.tag();
            let money = |key: &'static str, m: &Option<parcel_desk_wire::claim::Money>| {
                m.as_ref().map(|m| {
                    let label = t.word(t.claim_fields, key, key);
                    view! { <div class="pd-dl-row"><dt>{label}</dt><dd>{format::money(lang, m.price, m.currency.as_str())}</dd></div> }
                })
            };
            let prices = (money("contents_sales_price", &c.body.contents_sales_price), money("contents_purchase_price", &c.body.contents_purchase_price));
            let contract = c.body.carrier_contract_id.map(|id| view! {
                <div class="pd-dl-row"><dt>{t.word(t.claim_fields, "carrier_contract_id", "")}</dt><dd>{id.to_string()}</dd></div>
            });
            let kind = c
                .parcel_kind
                .map(|k| t.word(t.parcel_kinds, parcel_kind_str(k), parcel_kind_str(k)).to_owned())
                .unwrap_or_else(|| t.not_known_yet.to_owned());
            view! {
                <dl class="pd-dl">
                    <div class="pd-dl-row"><dt>{t.inbox_state}</dt><dd><strong>{bucket}</strong></dd></div>
                    {reason.map(|r| view! { <div class="pd-dl-row"><dt>{t.inbox_reason}</dt><dd class="pd-reason pd-prewrap">{r}</dd></div> })}
                    <div class="pd-dl-row"><dt>{t.parcel_kind_label}</dt><dd>{kind}</dd></div>
                    {prices}
                    {contract}
                    {c.ticket_id.map(|id| view! {
                        <div class="pd-dl-row"><dt>{t.ticket_number}</dt><dd>{id.to_string()}</dd></div>
                    })}
                    {c.upstream_status.clone().map(|s| view! {
                        <div class="pd-dl-row"><dt>{t.upstream_status}</dt><dd>{s.replace('_', " ")}</dd></div>
                    })}
                </dl>
            }
        })
    };

    let work = move || {
        claim.get().and_then(Result::ok).map(|c| {
            let edit = editable(&c.item.state);
            let filed = c.ticket_id.is_some();
            view! {
                {edit.then(|| view! {
                    <NeededForm claim=c.clone() token=token notice=notice banner=banner on_saved=updated />
                    <Actions claim=c.clone() token=token notice=notice banner=banner on_done=updated />
                })}
                {filed.then(|| view! { <StaffRequests token=token claim_id=c.item.claim_id.clone() /> })}
                <History claim=c.clone() />
            }
        })
    };

    view! {
        <div class="pd-claim">
            <button type="button" class="pd-link pd-back" on:click=move |_| on_back.run(())>{t.back_to_list}</button>
            {header}
            {move || match claim.get() {
                None => Some(view! { <p class="pd-muted" role="status">{t.loading}</p> }.into_any()),
                Some(Err(m)) => Some(view! { <div class="pd-banner" part="banner" role="alert">{m}</div> }.into_any()),
                Some(Ok(_)) => None,
            }}
            {state_line}
            {move || first.get().map(|c| view! { <CustomerPart claim=c token=token /> })}
            {move || notice.get().map(|n| view! { <p class="pd-notice" role="status">{n}</p> })}
            {move || banner.get().map(|b| view! { <div class="pd-banner" part="banner" role="alert">{b}</div> })}
            {work}
        </div>
    }
}

/// What the customer gave: their words, wish, declaration and photos.
#[component]
fn CustomerPart(claim: InboxClaim, token: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let row = |label: &'static str, value: Option<String>| {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|v| view! { <div class="pd-dl-row"><dt>{label}</dt><dd class="pd-prewrap">{v}</dd></div> })
    };
    let item = &claim.item;
    let customer = [item.customer_name.clone(), item.customer_email.clone()].into_iter().flatten().collect::<Vec<_>>();
    let parcel = [
        (!item.tracking_number.is_empty()).then(|| item.tracking_number.clone()),
        item.order_number.clone().map(|o| format!("{} {o}", t.order_number)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let c = claim.customer.clone();
    let what = c.as_ref().map(|c| {
        let kind = t.word(t.claim_types, c.claim_type.as_str(), c.claim_type.as_str()).to_owned();
        match &c.subject {
            Some(s) if c.claim_type == ClaimType::Other => format!("{kind}: {s}"),
            _ => kind,
        }
    });
    let contents = c.as_ref().map(|c| {
        let mut lines: Vec<String> = c.items.iter().map(|i| format!("{} × {}", i.quantity, i.name)).collect();
        lines.extend(c.contents.clone());
        lines.join("\n")
    });
    let dims = c.as_ref().and_then(|c| c.dimensions.as_ref()).map(|d| {
        let n = |x: f64| js_sys::Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_default();
        format!("{} × {} × {} cm", n(d.length), n(d.width), n(d.height))
    });
    let wish = c.as_ref().and_then(|c| c.resolution).map(|r| {
        match r {
            parcel_desk_wire::customer::Resolution::Refund => t.resolution_refund,
            parcel_desk_wire::customer::Resolution::Replacement => t.resolution_replacement,
            parcel_desk_wire::customer::Resolution::Repair => t.resolution_repair,
        }
        .to_owned()
    });
    let declaration = c.as_ref().and_then(|c| c.declaration.as_ref()).map(|d| {
        if d.accepted && !d.signed_name.trim().is_empty() {
            t.declaration_signed.replace("{}", d.signed_name.trim())
        } else {
            t.declaration_not_signed.to_owned()
        }
    });
    view! {
        <section class="pd-part" aria-labelledby="pd-customer-gave">
            <h4 id="pd-customer-gave">{t.customer_gave}</h4>
            <dl class="pd-dl">
                {row(t.customer_word, (!customer.is_empty()).then(|| customer.join(" · ")))}
                {row(t.tracking_number, (!parcel.is_empty()).then(|| parcel.join(" · ")))}
                {row(t.what_happened, what)}
                {row(t.contents_word, contents)}
                {row(t.exterior_word, c.as_ref().and_then(|c| c.exterior.clone()))}
                {row(t.dimensions, dims)}
                {row(t.remarks_word, c.as_ref().and_then(|c| c.remarks.clone()))}
                {row(t.new_address_label, c.as_ref().and_then(|c| c.new_address.clone()))}
                {row(t.customer_wish, wish)}
                {row(t.declaration_word, declaration)}
                {row(t.received_on, Some(format::date_time(ctx.lang.tag(), &item.created_at)))}
            </dl>
            {(claim.declaration_pending && claim.ticket_id.is_none() && !matches!(item.state, ClaimState::Filed | ClaimState::Rejected))
                .then(|| view! { <p class="pd-muted">{t.declaration_pending_note}</p> })}
            {(!claim.photos.is_empty()).then(|| view! { <Photos photos=claim.photos.clone() token=token /> })}
        </section>
    }
}

/// A thumbnail's object URL once fetched; `Err`: not available.
type Thumb = RwSignal<Option<Result<String, ()>>>;

/// The customer's photos as thumbnails: fetched with the staff header
/// (an `<img src>` cannot send it), shown from object URLs that are
/// revoked when the detail closes.
#[component]
fn Photos(photos: Vec<InboxPhoto>, token: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let urls: Arc<Mutex<Option<Vec<String>>>> = Arc::new(Mutex::new(Some(Vec::new())));
    let keep = urls.clone();
    on_cleanup(move || {
        if let Some(list) = keep.lock().ok().and_then(|mut l| l.take()) {
            for url in list {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
        }
    });
    let shown: Vec<(InboxPhoto, Thumb)> = photos.into_iter().map(|p| (p, RwSignal::new(None))).collect();
    for (photo, src) in shown.iter().cloned() {
        let Some(path) = photo.path.clone() else {
            src.set(Some(Err(())));
            continue;
        };
        let (proxy, token, urls) = (ctx.proxy.clone(), token.get_untracked(), urls.clone());
        spawn_local(async move {
            let blob = proxy.inbox_file(&token, &path).await;
            let url = blob.ok().and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
            let mut kept = urls.lock().ok();
            match (url, kept.as_mut().and_then(|l| l.as_mut())) {
                (Some(url), Some(list)) => {
                    list.push(url.clone());
                    drop(kept);
                    src.try_set(Some(Ok(url)));
                }
                // Closed meanwhile: nothing shows it.
                (Some(url), None) => {
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
                (None, _) => {
                    src.try_set(Some(Err(())));
                }
            }
        });
    }
    view! {
        <ul class="pd-photos" aria-label=t.photos>
            {shown.into_iter().map(|(photo, src)| {
                let role = match photo.role {
                    parcel_desk_wire::customer::PhotoRole::Damage => t.photos_damage,
                    parcel_desk_wire::customer::PhotoRole::Contents => t.photos_contents,
                    parcel_desk_wire::customer::PhotoRole::Packaging => t.photos_packaging,
                };
                let alt = t.photo_alt.replace("{}", role);
                view! {
                    <li class="pd-photo">
                        {move || match src.get() {
                            None => view! { <span class="pd-photo-wait pd-muted">{t.loading}</span> }.into_any(),
                            Some(Ok(url)) => {
                                let href = url.clone();
                                view! {
                                    <a href=href target="_blank" rel="noopener">
                                        <img src=url alt=alt.clone() width="96" height="96" />
                                    </a>
                                }.into_any()
                            }
                            Some(Err(())) => view! { <span class="pd-photo-wait pd-muted">{t.photo_unavailable}</span> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// One input per field upstream still needs, and Save.
#[component]
fn NeededForm(
    claim: InboxClaim,
    token: Signal<String>,
    notice: RwSignal<Option<String>>,
    banner: RwSignal<Option<String>>,
    on_saved: Callback<InboxClaim>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let needed = claim.needed.clone();
    let inputs: Vec<(NeededField, Input)> = needed.iter().cloned().map(|f| (f, Input::new())).collect();
    let inputs = StoredValue::new(inputs);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let proxy = StoredValue::new(ctx.proxy.clone());
    let claim_id = StoredValue::new(claim.item.claim_id.clone());
    let form_ref = NodeRef::<leptos::html::Form>::new();

    let error_of = move |key: String| {
        Signal::derive(move || errors.with(|es| es.iter().find(|(k, _)| *k == key).map(|(_, m)| m.clone())))
    };
    let focus_first = move || {
        let first = errors.with_untracked(|es| es.first().map(|(k, _)| k.clone()));
        let target =
            first.and_then(|k| inputs.with_value(|i| i.iter().find(|(f, _)| f.key == k).map(|(f, _)| control_id(f))));
        if let (Some(id), Some(form)) = (target, form_ref.get_untracked()) {
            crate::fields::focus_by_id(&form, &id);
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        notice.set(None);
        let mut body = Map::new();
        let mut problems = Vec::new();
        let mut uploading = false;
        inputs.with_value(|list| {
            for (field, input) in list {
                uploading |= input.uploading();
                match value_of(field, &input.typed()) {
                    Ok(Some(v)) => {
                        body.insert(field.key.clone(), v);
                    }
                    Ok(None) => {}
                    Err(p) => problems.push((field.key.clone(), p.text(t).to_owned())),
                }
            }
        });
        if uploading {
            banner.set(Some(t.err_upload_pending.into()));
            return;
        }
        if !problems.is_empty() {
            errors.set(problems);
            banner.set(Some(t.err_fix_fields.into()));
            focus_first();
            return;
        }
        if body.is_empty() {
            errors.set(Vec::new());
            banner.set(Some(t.err_nothing_to_save.into()));
            return;
        }
        // The typed request: unknown keys (a field this version does not
        // know) are refused here as the proxy would.
        let Some(completion) = crate::json::convert::<ShopCompletion>(&Value::Object(body)) else {
            banner.set(Some(t.err_unexpected.into()));
            return;
        };
        errors.set(Vec::new());
        banner.set(None);
        busy.set(true);
        let (proxy, id, token) = (proxy.get_value(), claim_id.get_value(), token.get_untracked());
        spawn_local(async move {
            let answer = proxy.complete_claim(&token, &id, &completion).await;
            busy.try_set(false);
            match answer {
                Ok(c) => {
                    notice.try_set(Some(t.saved.into()));
                    on_saved.run(c);
                }
                Err(f) => {
                    let mut mapped: Vec<(String, String)> = Vec::new();
                    let known = |k: &str| inputs.with_value(|i| i.iter().any(|(f, _)| f.key == k));
                    for issue in f.validation_issues() {
                        if let Some(k) = issue.field().filter(|k| known(k)) {
                            if !mapped.iter().any(|(m, _)| m == k) {
                                mapped.push((k.to_owned(), issue.msg.clone()));
                            }
                        }
                    }
                    if mapped.is_empty() {
                        banner.try_set(Some(action_failure(t, &f, &[])));
                    } else {
                        errors.try_set(mapped);
                        banner.try_set(Some(t.err_fix_fields.into()));
                        focus_first();
                    }
                }
            }
        });
    };

    let waiting: Vec<&'static str> = claim
        .waiting_for
        .iter()
        .filter_map(|w| match w.as_str() {
            "order_facts" => Some(t.waiting_order_facts),
            "order_not_found" => Some(t.waiting_order_not_found),
            _ => None,
        })
        .collect();
    view! {
        <form class="pd-form pd-part" novalidate=true node_ref=form_ref on:submit=on_submit aria-labelledby="pd-needed-title">
            <h4 id="pd-needed-title">{t.still_needed}</h4>
            {waiting.into_iter().map(|w| view! { <p class="pd-notice">{w}</p> }).collect_view()}
            {if needed.is_empty() {
                view! { <p class="pd-notice">{t.nothing_needed}</p> }.into_any()
            } else {
                view! {
                    {inputs.with_value(|list| list.iter().map(|(field, input)| view! {
                        <NeededInput field=field.clone() input=*input error=error_of(field.key.clone()) />
                    }).collect_view())}
                    <button type="submit" class="pd-secondary" disabled=move || busy.get()>{t.save_fields}</button>
                }.into_any()
            }}
        </form>
    }
}

/// Approve, and reject with a reason after a confirm step.
#[component]
fn Actions(
    claim: InboxClaim,
    token: Signal<String>,
    notice: RwSignal<Option<String>>,
    banner: RwSignal<Option<String>>,
    on_done: Callback<InboxClaim>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let busy = RwSignal::new(false);
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let proxy = StoredValue::new(ctx.proxy.clone());
    let claim_id = StoredValue::new(claim.item.claim_id.clone());
    let needed = StoredValue::new(claim.needed.clone());
    let reason_ref = NodeRef::<leptos::html::Div>::new();

    let finish = move |answer: Result<InboxClaim, ApiFailure>, done: &'static str| {
        busy.try_set(false);
        match answer {
            Ok(c) => {
                banner.try_set(None);
                notice.try_set(Some(done.to_owned()));
                on_done.run(c);
            }
            Err(f) => {
                notice.try_set(None);
                banner.try_set(Some(needed.with_value(|n| action_failure(t, &f, n))));
            }
        }
    };
    let approve = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (proxy, id, token) = (proxy.get_value(), claim_id.get_value(), token.get_untracked());
        spawn_local(async move {
            let answer = proxy.approve_claim(&token, &id).await;
            finish(answer, t.approved);
        });
    };
    let confirm_reject = move |_| {
        if busy.get_untracked() {
            return;
        }
        let text = reason.get_untracked().trim().to_owned();
        let problem = if text.is_empty() {
            Some(t.err_required)
        } else if text.chars().count() > REASON_MAX {
            Some(t.err_reason_too_long)
        } else {
            None
        };
        reason_error.set(problem.map(str::to_owned));
        if problem.is_some() {
            if let Some(div) = reason_ref.get_untracked() {
                crate::fields::focus_by_id(&div, "reject-reason");
            }
            return;
        }
        busy.set(true);
        let (proxy, id, token) = (proxy.get_value(), claim_id.get_value(), token.get_untracked());
        spawn_local(async move {
            let answer = proxy.reject_claim(&token, &id, &text).await;
            finish(answer, t.rejected_done);
        });
    };
    let start_reject = move |_| {
        rejecting.set(true);
        request_animation_frame(move || {
            if let Some(div) = reason_ref.get_untracked() {
                crate::fields::focus_by_id(&div, "reject-reason");
            }
        });
    };

    view! {
        <div class="pd-part pd-actions">
            <div class="pd-row">
                <button type="button" class="pd-submit" part="submit" disabled=move || busy.get() on:click=approve>{t.approve}</button>
                <Show when=move || !rejecting.get()>
                    <button type="button" class="pd-secondary pd-danger" on:click=start_reject>{t.reject}</button>
                </Show>
            </div>
            <div node_ref=reason_ref>
                <Show when=move || rejecting.get()>
                    <div class="pd-reject">
                        <TextArea id="reject-reason" label=t.reject_reason hint=t.reject_reason_hint
                            value=reason required=true error=Signal::derive(move || reason_error.get()) />
                        <div class="pd-row">
                            <button type="button" class="pd-submit pd-danger-solid" disabled=move || busy.get()
                                on:click=confirm_reject>{t.confirm_reject}</button>
                            <button type="button" class="pd-secondary" on:click=move |_| {
                                rejecting.set(false);
                                reason_error.set(None);
                            }>{t.cancel}</button>
                        </div>
                    </div>
                </Show>
            </div>
        </div>
    }
}

/// Who did what, when (oldest first).
#[component]
fn History(claim: InboxClaim) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    view! {
        <section class="pd-part" aria-labelledby="pd-history-title">
            <h4 id="pd-history-title">{t.history_title}</h4>
            <ol class="pd-history">
                {claim.history.into_iter().map(|h| {
                    let actor = t.word(t.history_actors, &h.actor, &h.actor).to_owned();
                    let action = t.word(t.history_actions, &h.action, &h.action).to_owned();
                    // Staff's words (a rejection) as written; the proxy's field names in words.
                    let detail = h.detail.map(|d| if h.action == "rejected" { d } else { in_words(t, &d) });
                    view! {
                        <li>
                            <time datetime=h.at.clone()>{format::date_time(lang, &h.at)}</time>
                            " "<strong>{actor}</strong>": "{action}
                            {detail.map(|d| view! { <span class="pd-muted pd-prewrap">" — "{d}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
