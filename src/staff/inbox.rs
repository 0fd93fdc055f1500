//! The inbox list: one filter per bucket with its count, the claims of the
//! chosen bucket (newest first, 50 a page), and one claim's detail.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::inbox::{Bucket, BucketCounts, InboxItem, InboxList};

use crate::{format, Ctx};

use super::claim::ClaimDetail;

/// The buckets in the order the filters show them.
pub const BUCKETS: [Bucket; 7] = [
    Bucket::WithShop,
    Bucket::Review,
    Bucket::Queued,
    Bucket::Filed,
    Bucket::NeedsAttention,
    Bucket::Resolved,
    Bucket::Rejected,
];

/// At most `max` characters of `s`, cut after a whole word where there is
/// one, with an ellipsis when cut.
pub fn short(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => {
            let head = &s[..i];
            let head = head.rfind(' ').filter(|&w| w > i / 2).map_or(head, |w| &head[..w]);
            format!("{}…", head.trim_end_matches([' ', ',', ':', ';']))
        }
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_reasons_end_after_a_whole_word() {
        assert_eq!(super::short("Sales invoice, Purchase invoice", 20), "Sales invoice…");
        assert_eq!(super::short("Sales invoice", 20), "Sales invoice");
        assert_eq!(super::short("Verkaufsrechnungsnummer", 10), "Verkaufsre…");
    }
}

#[component]
pub fn Inbox(token: Signal<String>, token_error: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let bucket = RwSignal::new(Bucket::WithShop);
    let page = RwSignal::new(1u32);
    let reload = RwSignal::new(0u32);
    let list = RwSignal::new(None::<Result<InboxList, String>>);
    let counts = RwSignal::new(None::<BucketCounts>);
    let loading = RwSignal::new(false);
    let open = RwSignal::new(None::<String>);
    let seq = StoredValue::new(0u32);
    let proxy = StoredValue::new(ctx.proxy.clone());

    Effect::new(move |_| {
        let token = token.get();
        let (b, p) = (bucket.get(), page.get());
        reload.track();
        if token.is_empty() {
            list.set(None);
            return;
        }
        let n = seq.get_value() + 1;
        seq.set_value(n);
        loading.set(true);
        let proxy = proxy.get_value();
        spawn_local(async move {
            let answer = proxy.inbox(&token, &b, p).await;
            if seq.try_get_value() != Some(n) {
                return;
            }
            loading.try_set(false);
            match answer {
                Ok(l) => {
                    super::remember_token(&token);
                    token_error.try_set(None);
                    counts.try_set(Some(l.counts.clone()));
                    list.try_set(Some(Ok(l)));
                }
                Err(f) if f.status() == Some(404) => {
                    token_error.try_set(Some(t.err_inbox_token.to_owned()));
                    counts.try_set(None);
                    list.try_set(Some(Err(t.err_inbox_token.to_owned())));
                }
                Err(f) => {
                    list.try_set(Some(Err(crate::api::failure_text(t, &f))));
                }
            }
        });
    });

    let filter = move |b: Bucket| {
        let word = t.word(t.inbox_buckets, b.as_str(), b.as_str()).to_owned();
        let pressed = {
            let b = b.clone();
            move || (bucket.get() == b).to_string()
        };
        let count = {
            let b = b.clone();
            move || counts.with(|c| c.as_ref().map(|c| c.get(&b).to_string()))
        };
        view! {
            <button type="button" class="pd-tab pd-bucket" aria-pressed=pressed
                on:click=move |_| { page.set(1); bucket.set(b.clone()); }>
                {word}" "<span class="pd-count">{count}</span>
            </button>
        }
    };

    let list_view = move || {
        view! {
            <nav class="pd-nav pd-buckets" aria-label=t.inbox_buckets_label>
                {BUCKETS.map(filter).collect_view()}
            </nav>
            <div class="pd-inbox-tools">
                <button type="button" class="pd-secondary" disabled=move || token.with(String::is_empty)
                    on:click=move |_| reload.update(|n| *n += 1)>{t.refresh}</button>
            </div>
            {move || loading.get().then(|| view! { <p class="pd-muted" role="status">{t.loading}</p> })}
            {move || match list.get() {
                None if token.with(String::is_empty) => Some(view! { <p class="pd-notice">{t.inbox_token_needed}</p> }.into_any()),
                None => None,
                Some(Err(message)) => Some(view! { <div class="pd-banner" part="banner" role="alert">{message}</div> }.into_any()),
                Some(Ok(l)) if l.claims.is_empty() => Some(view! { <p class="pd-notice">{t.inbox_empty}</p> }.into_any()),
                Some(Ok(l)) => {
                    let next = l.next_page;
                    let this = l.page;
                    Some(view! {
                        <ul class="pd-inbox" aria-label=t.word(t.inbox_buckets, l.state.as_str(), "")>
                            {l.claims.into_iter().map(|item| view! { <Item item=item open=open /> }).collect_view()}
                        </ul>
                        {(this > 1 || next.is_some()).then(|| view! {
                            <div class="pd-pager">
                                <button type="button" class="pd-secondary" disabled=this <= 1
                                    on:click=move |_| page.set(this.saturating_sub(1).max(1))>{t.previous_page}</button>
                                <span>{t.page_of.replace("{}", &this.to_string())}</span>
                                <button type="button" class="pd-secondary" disabled=next.is_none()
                                    on:click=move |_| if let Some(n) = next { page.set(n) }>{t.next_page}</button>
                            </div>
                        })}
                    }.into_any())
                }
            }}
        }
    };

    view! {
        <section class="pd-inbox-section" aria-label=t.inbox_tab>
            {move || match open.get() {
                Some(id) => view! {
                    <ClaimDetail token=token claim_id=id on_back=Callback::new(move |()| {
                        open.set(None);
                        reload.update(|n| *n += 1);
                    }) />
                }.into_any(),
                None => list_view().into_any(),
            }}
        </section>
    }
}

/// One line of the list: the reference opens the claim.
#[component]
fn Item(item: InboxItem, open: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    let id = item.claim_id.clone();
    let name = item.reference.as_ref().map(|r| r.to_string()).unwrap_or_else(|| t.no_reference.to_owned());
    let kind = t.word(t.claim_types, item.claim_type.as_str(), item.claim_type.as_str()).to_owned();
    let parcel = if item.tracking_number.is_empty() {
        item.order_number.clone().map(|o| format!("{} {o}", t.order_number))
    } else {
        Some(item.tracking_number.clone())
    };
    let who = [item.customer_name.clone(), parcel].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    view! {
        <li class="pd-inbox-item">
            <div class="pd-inbox-head">
                <button type="button" class="pd-link pd-inbox-open" on:click=move |_| open.set(Some(id.clone()))>
                    {name}
                </button>
                <span class="pd-inbox-type">{kind}</span>
                <time class="pd-muted pd-inbox-age" datetime=item.created_at.clone()
                    title=format::date_time(lang, &item.created_at)>{format::age(lang, &item.created_at)}</time>
            </div>
            {(!who.is_empty()).then(|| view! { <p class="pd-inbox-who">{who}</p> })}
            {item.reason.map(|r| {
                // Staff's own words (a rejection) as written; the proxy's in words.
                let r = if item.state == parcel_desk_wire::ClaimState::Rejected { r } else { super::needed::in_words(t, &r) };
                view! { <p class="pd-muted pd-inbox-reason">{short(&r, 160)}</p> }
            })}
        </li>
    }
}
