//! An example shop that is itself a Leptos CSR app and uses parcel-desk as
//! a component library: an order list; "Report a problem" opens
//! `<ClaimForm>` prefilled from the order; the status page shows the claim
//! with `<ClaimStatus>`. The shop hears of a filed claim through the typed
//! `on_submitted` callback.
//!
//! The orders are the sandbox proxy's demo parcels, so that
//! `parcel-desk-proxy --sandbox --static examples/leptos-shop/dist` runs it.

use leptos::prelude::*;
use parcel_desk::{ClaimForm, ClaimStatus, OrderItem, ParcelDesk, ParcelDeskOptions, Prefill, Submitted};

/// One of the shop's orders, as its own database would have it.
#[derive(Clone, Debug, PartialEq)]
struct Order {
    number: &'static str,
    date: &'static str,
    tracking_number: &'static str,
    items: &'static [(&'static str, u32)],
}

const ORDERS: &[Order] = &[
    Order {
        number: "ORD-0003",
        date: "2026-11-24",
        tracking_number: "PD-OWN-0003",
        items: &[("Electric kettle", 1), ("Descaling tablets", 2)],
    },
    Order { number: "ORD-0001", date: "2026-11-20", tracking_number: "PD-TRANSIT-0001", items: &[("Desk lamp", 1)] },
];

/// The signed-in customer (a real shop knows this from its session).
const CUSTOMER_EMAIL: &str = "ann@example.com";
const CUSTOMER_NAME: &str = "Ann Example";

#[derive(Clone, Debug, PartialEq)]
enum Page {
    Orders,
    Report(Order),
    Status(Option<String>),
}

#[component]
fn App() -> impl IntoView {
    let page = RwSignal::new(Page::Orders);
    let last_claim = RwSignal::new(None::<String>);
    let options = ParcelDeskOptions::default()
        .proxy_url("/api")
        .prefill(Prefill::default().email(CUSTOMER_EMAIL).name(CUSTOMER_NAME))
        .on_submitted(move |s: Submitted| last_claim.set(s.reference));
    view! {
        <header>
            <h1>"Example Shop"</h1>
            <button on:click=move |_| page.set(Page::Orders)>"My orders"</button>
            <button on:click=move |_| page.set(Page::Status(last_claim.get_untracked()))>"Claim status"</button>
        </header>
        <main>
            {move || last_claim.get().map(|r| view! {
                <p class="notice" role="status">{format!("We received your claim {r}.")}</p>
            })}
            {move || match page.get() {
                Page::Orders => view! { <OrderList page=page /> }.into_any(),
                Page::Report(order) => {
                    let items: Vec<OrderItem> = order
                        .items
                        .iter()
                        .map(|(name, quantity)| OrderItem { name: (*name).to_owned(), quantity: *quantity })
                        .collect();
                    view! {
                        <h2>{format!("A problem with order {}", order.number)}</h2>
                        <div class="widget">
                            <ParcelDesk options=options.clone()>
                                <ClaimForm
                                    tracking_number=order.tracking_number
                                    order_number=order.number
                                    items=items.clone()
                                />
                            </ParcelDesk>
                        </div>
                    }
                    .into_any()
                }
                Page::Status(reference) => view! {
                    <h2>"Your claim"</h2>
                    <div class="widget">
                        <ParcelDesk options=options.clone()>
                            {match reference.clone() {
                                Some(r) => view! { <ClaimStatus reference=r /> }.into_any(),
                                None => view! { <ClaimStatus /> }.into_any(),
                            }}
                        </ParcelDesk>
                    </div>
                }
                .into_any(),
            }}
        </main>
    }
}

#[component]
fn OrderList(page: RwSignal<Page>) -> impl IntoView {
    view! {
        <h2>"My orders"</h2>
        <table>
            <thead>
                <tr><th>"Order"</th><th>"Date"</th><th>"Items"</th><th></th></tr>
            </thead>
            <tbody>
                {ORDERS
                    .iter()
                    .map(|o| {
                        let order = o.clone();
                        let items = o.items.iter().map(|(n, q)| format!("{q} × {n}")).collect::<Vec<_>>().join(", ");
                        view! {
                            <tr>
                                <td>{o.number}</td>
                                <td>{o.date}</td>
                                <td>{items}</td>
                                <td>
                                    <button
                                        aria-label=format!("Report a problem with order {}", o.number)
                                        on:click=move |_| page.set(Page::Report(order.clone()))
                                    >
                                        "Report a problem"
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
