//! Contact the seller: a question about an order, sent as a JTL-SCX channel
//! ticket through the proxy, with attachments; the seller's replies appear
//! in the conversation below it.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::jtl::{
    ContactAttachment, ContactRequest, Conversation, OrderReference, ReferenceType, Role, Topic, MAX_ATTACHMENTS,
};
use serde::{Deserialize, Serialize};

use crate::api::ApiFailure;
use crate::fields::{ErrorSummary, LabelText, TextArea, TextField};
use crate::upload::prepare::JTL;
use crate::upload::{FileList, Picked, Upload};
use crate::{draft, format, Ctx};

const MAX_CHARS: usize = 1024;
/// Replies are read from the proxy's store, not from JTL: polling is cheap.
const POLL: Duration = Duration::from_secs(5);

/// The conversation a customer started here (kept in localStorage).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Thread {
    ticket_id: String,
    token: String,
    failed: Vec<String>,
    /// The proxy kept the message: the shop's service was not reachable.
    #[serde(default)]
    queued: bool,
}

/// What a contact draft keeps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Saved {
    topic: String,
    name: String,
    subject: String,
    message: String,
    reference_type: String,
    reference: String,
    no_reply: bool,
    files: Vec<(String, String)>,
}

#[component]
pub fn ContactView(#[prop(optional, into)] order_number: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let base = ctx.proxy.base().to_owned();
    let thread_key = StoredValue::new(format!("parcel-desk:contact:v1:{base}"));
    let thread = RwSignal::new(thread_key.with_value(|k| draft::load::<Thread>(k)));
    let on_sent = Callback::new(move |t: Thread| {
        thread_key.with_value(|k| draft::save(k, &t));
        thread.set(Some(t));
    });
    let new_message = Callback::new(move |_| {
        thread_key.with_value(|k| draft::clear(k));
        thread.set(None);
    });
    move || match thread.get() {
        Some(t) => view! { <ConversationView thread=t new_message=new_message /> }.into_any(),
        None => view! { <ContactForm order_number=order_number.clone() on_sent=on_sent /> }.into_any(),
    }
}

fn field_of(loc: &[String]) -> &str {
    loc.first().map(String::as_str).unwrap_or("")
}

#[component]
fn ContactForm(order_number: String, on_sent: Callback<Thread>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let draft_key = StoredValue::new(draft::key(ctx.proxy.base(), "contact"));
    let topic = RwSignal::new("QUESTION".to_owned());
    let name = RwSignal::new(ctx.customer_name.clone().unwrap_or_default());
    let subject = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let reference_type = RwSignal::new("ORDERID".to_owned());
    let reference = RwSignal::new(order_number);
    let reply = RwSignal::new(true);
    let files = RwSignal::new(Vec::<Picked>::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let banner = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The message last sent and its Idempotency-Key, kept until it is
    // answered: the same message sent again (after a lost answer, even
    // after a reload) reuses the key, so the shop gets it once.
    let attempt_key = StoredValue::new(draft::key(ctx.proxy.base(), "contact-attempt"));
    let attempt = StoredValue::new(attempt_key.with_value(|k| draft::load::<(String, String)>(k)));

    // Drafts: nothing typed is lost on a reload.
    if let Some(s) = draft_key.with_value(|k| draft::load::<Saved>(k)) {
        topic.set(s.topic);
        if !s.name.is_empty() {
            name.set(s.name);
        }
        subject.set(s.subject);
        message.set(s.message);
        reference_type.set(s.reference_type);
        if !s.reference.is_empty() {
            reference.set(s.reference);
        }
        reply.set(!s.no_reply);
        files.set(
            s.files
                .into_iter()
                .take(MAX_ATTACHMENTS)
                .zip(0..)
                .map(|((n, token), key)| Picked::done(key, n, token))
                .collect(),
        );
    }
    Effect::new(move |_| {
        let saved = Saved {
            topic: topic.get(),
            name: name.get(),
            subject: subject.get(),
            message: message.get(),
            reference_type: reference_type.get(),
            reference: reference.get(),
            no_reply: !reply.get(),
            files: files.with(|f| {
                f.iter()
                    .filter_map(|p| {
                        p.slot.state.with(|u| match u {
                            Upload::Done { name, token } => Some((name.clone(), token.clone())),
                            _ => None,
                        })
                    })
                    .collect()
            }),
        };
        let empty =
            saved.name.is_empty() && saved.subject.is_empty() && saved.message.is_empty() && saved.files.is_empty();
        draft_key.with_value(|k| if empty { draft::clear(k) } else { draft::save(k, &saved) });
    });

    let error_of = move |field: &'static str| {
        Signal::derive(move || errors.with(|es| es.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())))
    };
    let message_for = move |kind: &str, msg: &str| -> String {
        match kind {
            "missing" | "string_too_short" => t.err_required.into(),
            "string_too_long" | "too_long" => t.err_too_long.into(),
            _ => msg.to_owned(),
        }
    };

    let build = move || ContactRequest {
        topic: Some(Topic::from_wire(&topic.get_untracked())),
        buyer_name: Some(name.get_untracked()),
        subject: Some(subject.get_untracked()),
        message: Some(message.get_untracked()),
        order_reference: {
            let value = reference.get_untracked();
            (!value.trim().is_empty()).then(|| OrderReference {
                kind: ReferenceType::from_wire(&reference_type.get_untracked()),
                value: value.trim().to_owned(),
            })
        },
        reply_wanted: Some(reply.get_untracked()),
        attachments: files.with_untracked(|f| {
            f.iter()
                .filter_map(|p| {
                    p.slot.state.with_untracked(|u| match u {
                        Upload::Done { name, token } => {
                            Some(ContactAttachment { file_token: token.clone(), filename: name.clone() })
                        }
                        _ => None,
                    })
                })
                .collect()
        }),
    };

    // A shown error goes as soon as its field is valid (and otherwise says
    // what is wrong now); nothing new is flagged before the next submit. An
    // error the shop's service gave stays until its field changes.
    let entered = move |field: &str| -> String {
        match field {
            "topic" => topic.get(),
            "buyer_name" => name.get(),
            "subject" => subject.get(),
            "message" => message.get(),
            "order_reference" => format!("{} {}", reference_type.get(), reference.get()),
            // Which files, and which are done (not `Debug`: that would bring
            // Rust's float printer into the wasm).
            _ => files.with(|f| {
                let each =
                    |p: &Picked| p.slot.state.with(|u| format!("{}:{}:{}", p.key, u.busy(), u.token().unwrap_or("")));
                f.iter().map(each).collect::<Vec<_>>().join(" ")
            }),
        }
    };
    Effect::new(move |previous: Option<Vec<(String, String)>>| {
        let now: Vec<(String, String)> =
            ["topic", "buyer_name", "subject", "message", "order_reference", "attachments"]
                .iter()
                .map(|f| (f.to_string(), entered(f)))
                .collect();
        let before = errors.get_untracked();
        if let (Some(previous), false) = (previous, before.is_empty()) {
            let mut problems: Vec<(String, String)> = untrack(build)
                .validate()
                .into_iter()
                .map(|i| (field_of(&i.loc).to_owned(), message_for(&i.kind, &i.msg)))
                .collect();
            if files.with_untracked(|f| f.iter().any(|p| p.slot.state.with_untracked(Upload::busy))) {
                problems.push(("attachments".into(), t.err_upload_pending.into()));
            }
            let after: Vec<(String, String)> = before
                .iter()
                .filter_map(|(field, msg)| {
                    if let Some(p) = problems.iter().find(|(f, _)| f == field) {
                        return Some(p.clone());
                    }
                    let changed = previous.iter().zip(&now).any(|((f, was), (_, is))| f == field && was != is);
                    let local = ["buyer_name", "subject", "message"].contains(&field.as_str())
                        || (field == "attachments" && msg == t.err_upload_pending);
                    (!changed && !local).then(|| (field.clone(), msg.clone()))
                })
                .collect();
            if after != before {
                if after.is_empty() && banner.get_untracked().as_deref() == Some(t.err_fix_fields) {
                    banner.set(None);
                }
                errors.set(after);
            }
        }
        now
    });

    let proxy = StoredValue::new(ctx.proxy.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return; // one message per click, however many clicks
        }
        let body = build();
        let mut problems: Vec<(String, String)> =
            body.validate().into_iter().map(|i| (field_of(&i.loc).to_owned(), message_for(&i.kind, &i.msg))).collect();
        if files.with_untracked(|f| f.iter().any(|p| p.slot.state.with_untracked(Upload::busy))) {
            problems.push(("attachments".into(), t.err_upload_pending.into()));
        }
        problems.dedup_by(|a, b| a.0 == b.0);
        if !problems.is_empty() {
            errors.set(problems);
            banner.set(Some(t.err_fix_fields.into()));
            return;
        }
        errors.set(Vec::new());
        banner.set(None);
        busy.set(true);
        let sent = crate::json::to_string(&body).unwrap_or_default();
        let (sent, key) = crate::api::attempt(attempt.get_value(), sent);
        attempt_key.with_value(|k| draft::save(k, &(&sent, &key)));
        attempt.set_value(Some((sent, key.clone())));
        let proxy = proxy.get_value();
        spawn_local(async move {
            let answer = proxy.create_contact(&body, &key).await;
            busy.set(false);
            match answer {
                Ok(created) => {
                    draft_key.with_value(|k| draft::clear(k));
                    attempt_key.with_value(|k| draft::clear(k));
                    attempt.set_value(None);
                    crate::events::submitted(crate::events::Submitted {
                        kind: crate::events::SubmittedKind::Contact,
                        claim_type: None,
                        reference: None,
                        ticket_id: created.ticket_id.clone(),
                        access_token: created.access_token.clone(),
                    });
                    // Queued attachments are not failed ones: they go with the message.
                    let failed = created
                        .attachments
                        .iter()
                        .filter(|a| !a.uploaded && !created.queued)
                        .map(|a| a.filename.clone())
                        .collect();
                    on_sent.run(Thread {
                        ticket_id: created.ticket_id,
                        token: created.access_token,
                        failed,
                        queued: created.queued,
                    });
                }
                Err(failure) => {
                    let issues = failure.validation_issues();
                    let mapped: Vec<(String, String)> = issues
                        .iter()
                        .filter(|i| {
                            ["topic", "buyer_name", "subject", "message", "order_reference", "attachments"]
                                .contains(&field_of(&i.loc))
                        })
                        .map(|i| (field_of(&i.loc).to_owned(), message_for(&i.kind, &i.msg)))
                        .collect();
                    let text = match &failure {
                        ApiFailure::Http { status: 502..=504, .. } => t.err_shop_unavailable.to_owned(),
                        ApiFailure::Http { status: 429, retry_after, .. } => {
                            t.err_message_rate.replace("{}", &t.seconds(retry_after.unwrap_or(60)))
                        }
                        // JTL refused the ticket: its (English) reason, after our words.
                        f if f.code() == "jtl_validation" => format!("{} {}", t.err_shop_refused, f.detail()),
                        f => crate::api::failure_text(t, f),
                    };
                    failure.emit(&text);
                    if mapped.is_empty() {
                        banner.set(Some(format!("{text} {}", t.kept_note)));
                    } else {
                        errors.set(mapped);
                        banner.set(Some(t.err_fix_fields.into()));
                    }
                }
            }
        });
    };

    let counter = move |value: RwSignal<String>, id: &'static str| {
        view! {
            <p class="pd-hint pd-counter" id=id aria-live="polite"
                class:pd-over=move || value.with(|v| v.chars().count() > MAX_CHARS)>
                {move || t.chars_left.replace("{}", &value.with(|v| v.chars().count()).to_string())}
            </p>
        }
    };
    let select = move |id: &'static str,
                       label: &'static str,
                       value: RwSignal<String>,
                       table: &'static [(&'static str, &'static str)]| {
        view! {
            <div class="pd-field">
                <label for=id>{label}</label>
                <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                    {table.iter().map(|(wire, text)| view! { <option value=*wire>{*text}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let attachments_error = error_of("attachments");
    let summary_links = Signal::derive(move || {
        errors.with(|es| {
            es.iter()
                .filter_map(|(field, _)| {
                    Some(match field.as_str() {
                        "topic" => ("topic".to_owned(), t.topic),
                        "buyer_name" => ("buyer_name".to_owned(), t.buyer_name),
                        "subject" => ("subject".to_owned(), t.subject),
                        "message" => ("message".to_owned(), t.message),
                        "order_reference" => ("reference".to_owned(), t.reference_value),
                        "attachments" => ("attachments".to_owned(), t.attachments),
                        _ => return None,
                    })
                })
                .collect::<Vec<_>>()
        })
    });

    view! {
        <form class="pd-form" novalidate=true on:submit=on_submit aria-labelledby="pd-contact-title">
            <h2 id="pd-contact-title" class="pd-title" part="title">{t.contact_title}</h2>
            <p class="pd-intro">{t.contact_intro}</p>
            <p class="pd-hint">{t.required_note}</p>
            {select("topic", t.topic, topic, t.topics)}
            <TextField id="buyer_name" label=t.buyer_name value=name required=true error=error_of("buyer_name") autocomplete="name" />
            <div class="pd-with-counter">
                <TextField id="subject" label=t.subject value=subject required=true error=error_of("subject") />
                {counter(subject, "subject-count")}
            </div>
            <div class="pd-with-counter">
                <TextArea id="message" label=t.message value=message required=true error=error_of("message") />
                {counter(message, "message-count")}
            </div>
            <fieldset class="pd-field">
                <legend>{t.reference_value}</legend>
                <p class="pd-hint">{t.reference_hint}</p>
                <div class="pd-row">
                    <div>{select("reference_type", t.reference_type, reference_type, t.reference_types)}</div>
                    <div class="pd-grow">
                        <TextField id="reference" label=t.reference_value value=reference error=error_of("order_reference") />
                    </div>
                </div>
            </fieldset>
            <div class="pd-field pd-check">
                <input type="checkbox" id="reply_wanted" prop:checked=move || reply.get()
                    on:change=move |ev| reply.set(event_target_checked(&ev)) />
                <label for="reply_wanted">{t.reply_wanted}</label>
            </div>
            <fieldset class="pd-field pd-documents" class:pd-invalid=move || attachments_error.with(Option::is_some)>
                <legend><LabelText text=t.attachments required=false /></legend>
                <p class="pd-hint">{t.attachments_hint}</p>
                <FileList id="attachments" label=t.attachment files=files max_files=MAX_ATTACHMENTS
                    error=attachments_error upload_route=parcel_desk_wire::Route::ChannelUpload limits=&JTL />
            </fieldset>
            {move || banner.get().map(|b| view! { <ErrorSummary text=b links=summary_links /> })}
            <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get() aria-busy=move || busy.get().then_some("true")>
                {move || if busy.get() { t.sending } else { t.send_message }}
            </button>
        </form>
    }
}

#[component]
fn ConversationView(thread: Thread, new_message: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    let conversation = RwSignal::new(None::<Result<Conversation, String>>);
    let proxy = StoredValue::new(ctx.proxy.clone());
    let reference = StoredValue::new(thread.clone());
    let heading = NodeRef::<leptos::html::H2>::new();
    let load = move || {
        let proxy = proxy.get_value();
        let r = reference.get_value();
        spawn_local(async move {
            let answer = proxy.conversation(&r.ticket_id, &r.token).await;
            conversation.set(Some(answer.map_err(|f| crate::api::failure_text(t, &f))));
        });
    };
    load();
    let handle = set_interval_with_handle(load, POLL).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    request_animation_frame(move || {
        if let Some(h) = heading.get_untracked() {
            let _ = h.focus();
        }
    });

    view! {
        <section class="pd-form" aria-labelledby="pd-conversation-title">
            <h2 id="pd-conversation-title" class="pd-title" part="title" tabindex="-1" node_ref=heading>
                {if thread.queued { t.message_saved } else { t.message_sent }}
            </h2>
            {thread.queued.then(|| view! {
                <p class="pd-notice" part="notice" role="status">{t.message_queued}</p>
            })}
            {thread.failed.iter().map(|f| view! {
                <div class="pd-banner" part="banner" role="alert">{t.attachment_failed.replace("{}", f)}</div>
            }).collect_view()}
            <h3>{t.conversation}</h3>
            {move || match conversation.get() {
                None => view! { <p class="pd-muted">{t.looking_up}</p> }.into_any(),
                Some(Err(msg)) => view! { <div class="pd-banner" part="banner" role="alert">{msg}</div> }.into_any(),
                Some(Ok(c)) => {
                    let seller_answered = c.messages.iter().any(|m| m.from == Role::Seller);
                    view! {
                        <ol class="pd-messages" aria-live="polite">
                            {c.messages.into_iter().map(|m| {
                                let seller = m.from == Role::Seller;
                                view! {
                                    <li class="pd-message" class:pd-from-seller=seller>
                                        <p class="pd-message-meta">
                                            <strong>{if seller { t.from_seller } else { t.from_you }}</strong>" · "
                                            <time datetime=m.created_at.clone()>{format::date_time(lang, &m.created_at)}</time>
                                        </p>
                                        <p class="pd-message-text">{m.text}</p>
                                        {(!m.attachments.is_empty()).then(|| view! {
                                            <ul class="pd-message-files">
                                                {m.attachments.into_iter().map(|a| match a.id {
                                                    Some(id) => view! { <li><Download reference=reference name=a.filename id=id /></li> }.into_any(),
                                                    None => view! { <li>{a.filename}</li> }.into_any(),
                                                }).collect_view()}
                                            </ul>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        {(!seller_answered).then(|| view! { <p class="pd-muted" role="status">{t.waiting_reply}</p> })}
                    }.into_any()
                }
            }}
            <button type="button" class="pd-secondary" part="secondary-button" on:click=move |_| new_message.run(())>{t.new_message}</button>
        </section>
    }
}

/// One seller attachment: a button that fetches it through the proxy (with
/// the conversation's token in a header) and saves it under its name.
#[component]
fn Download(reference: StoredValue<Thread>, name: String, id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let proxy = StoredValue::new(ctx.proxy.clone());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let label = format!("{} {name}", t.download);
    let file = name.clone();
    let fetch = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (proxy, r, id, file) = (proxy.get_value(), reference.get_value(), id.clone(), file.clone());
        spawn_local(async move {
            let answer = proxy.seller_attachment(&r.ticket_id, &r.token, &id).await;
            busy.try_set(false);
            match answer {
                Ok(blob) => {
                    error.try_set(None);
                    save(button, &blob, &file);
                }
                Err(f) => {
                    error.try_set(Some(crate::api::failure_text(t, &f)));
                }
            }
        });
    };
    view! {
        <button type="button" class="pd-link" node_ref=button aria-label=label aria-busy=move || busy.get().then_some("true")
            on:click=fetch>{name}</button>
        {move || error.get().map(|e| view! { <span class="pd-field-error" role="alert">{e}</span> })}
    }
}

/// Saves `blob` as `name` through a temporary link next to `at`.
fn save(at: NodeRef<leptos::html::Button>, blob: &web_sys::Blob, name: &str) {
    use wasm_bindgen::JsCast;
    let (Some(button), Ok(url)) = (at.get_untracked(), web_sys::Url::create_object_url_with_blob(blob)) else { return };
    let Some(link) = button
        .owner_document()
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    if let Some(parent) = button.parent_node() {
        let _ = parent.append_child(&link);
        link.click();
        let _ = parent.remove_child(&link);
    }
    // Revoked once the browser has started the download.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
}
