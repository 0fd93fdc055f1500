//! Staff only, reachable as `?view=staff` on the standalone page (and as
//! [`crate::StaffDesk`]): the staff token, then two sections — the claims
//! inbox (`/staff/claims…`: customers' claims by state, one claim with what
//! upstream still needs, approve, reject, answer the carrier's requests)
//! and the registration of parcels shipped outside Sendcloud. The proxy
//! answers these routes only with a staff token, never with customer
//! access; the token stays in this tab's sessionStorage.

use leptos::prelude::*;

use crate::fields::TextField;
use crate::Ctx;

mod claim;
mod inbox;
pub mod needed;
mod register;
mod requests;

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

const TOKEN_KEY: &str = "parcel-desk:staff-token";

/// Keeps a token the proxy accepted for this tab.
pub(crate) fn remember_token(token: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(TOKEN_KEY, token);
    }
}

/// The staff view's sections.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Inbox,
    Register,
}

#[component]
pub fn StaffView() -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let stored = session().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten()).unwrap_or_default();
    let token = RwSignal::new(stored.clone());
    // The token the inbox uses: set by "Open inbox" (or Enter), not by
    // every keystroke.
    let active = RwSignal::new(stored);
    let token_error = RwSignal::new(None::<String>);
    let section = RwSignal::new(Section::Inbox);
    let open = move || {
        let typed = token.get_untracked().trim().to_owned();
        token_error.set(typed.is_empty().then(|| t.err_required.to_owned()));
        section.set(Section::Inbox);
        active.set(typed);
    };
    let tab = move |s: Section, label: &'static str| {
        view! {
            <button type="button" class="pd-tab" aria-pressed=move || (section.get() == s).to_string()
                on:click=move |_| section.set(s)>{label}</button>
        }
    };
    view! {
        <div class="pd-staff">
            <h2 class="pd-title" part="title">{t.staff_desk_title}</h2>
            <p class="pd-intro">{t.staff_desk_intro}</p>
            <div class="pd-token-row">
                <TextField id="staff_token" label=t.staff_token hint=t.staff_token_hint value=token required=true
                    input_type="password" autocomplete="off" error=Signal::derive(move || token_error.get())
                    on_enter=Callback::new(move |()| open()) />
                <button type="button" class="pd-secondary" on:click=move |_| open()>{t.open_inbox}</button>
            </div>
            <nav class="pd-nav pd-subnav" aria-label=t.staff_sections>
                {tab(Section::Inbox, t.inbox_tab)}
                {tab(Section::Register, t.register_tab)}
            </nav>
            {move || match section.get() {
                Section::Inbox => view! {
                    <inbox::Inbox token=active.into() token_error=token_error />
                }.into_any(),
                Section::Register => view! {
                    <register::RegisterParcel token=token token_error=token_error />
                }.into_any(),
            }}
        </div>
    }
}
