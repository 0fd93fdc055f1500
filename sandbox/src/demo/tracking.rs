//! Tracking histories of the demo parcels, relative to the moment the
//! sandbox started, each with a sender and a recipient with full (fake)
//! personal data.

use std::time::{Duration, SystemTime};

use parcel_desk_wire::time::rfc3339_utc;
use serde_json::{json, Value};

const D: u64 = 86_400;
const H: u64 = 3_600;

/// Recipient postal code of each demo parcel (what proves access to the
/// personal data), for the README and the banner.
pub const DEMO_RECIPIENT_POSTAL_CODES: &[(&str, &str)] = &[
    ("PD-TRANSIT-0001", "10435"),
    ("PD-DELIVERED-0002", "1011 AB"),
    ("PD-OWN-0003", "1011 AB"),
    ("PD-OWN-NOCONTACT-0004", "1011 AB"),
    ("PD-PORTAL-0005", "75011"),
    ("PD-RECENT-0006", "1011 AB"),
    ("PD-EXCEPTION-0007", "1011 AB"),
    ("PD-OWN-DELIVERED-0008", "1011 AB"),
    ("PD-OWN-LATE-0009", "50667"),
    ("PD-RETURNED-0010", "1011 AB"),
];

/// The shop: every demo parcel's sender.
fn sender() -> Value {
    json!({
        "name": "Sanne de Vries",
        "company_name": "Parcel Desk Demo Shop B.V.",
        "address_line_1": "Stratumseind",
        "house_number": "32",
        "address_line_2": "Unit 4",
        "city": "Eindhoven",
        "postal_code": "5611 ET",
        "country_code": "NL",
        "email": "sanne.devries@demo-shop.example",
        "phone_number": "+31401234567"
    })
}

#[allow(clippy::too_many_arguments)]
fn recipient(
    name: &str,
    company: Option<&str>,
    street: &str,
    number: &str,
    line2: &str,
    city: &str,
    postal: &str,
    country: &str,
    email: &str,
    phone: &str,
) -> Value {
    let mut v = json!({
        "name": name,
        "address_line_1": street,
        "house_number": number,
        "address_line_2": line2,
        "city": city,
        "postal_code": postal,
        "country_code": country,
        "email": email,
        "phone_number": phone,
        "po_box": null,
        "state_province_code": null
    });
    if let Some(c) = company {
        v["company_name"] = json!(c);
    }
    v
}

/// `(seconds before start, status_code, status_type, event_type, description, sub_status_code)`
type Ev = (u64, &'static str, &'static str, &'static str, &'static str, &'static str);

fn parcel(
    start: SystemTime,
    tn: &str,
    carrier: &str,
    service_point: bool,
    to: Value,
    events: &[Ev],
    eta_days: i64,
) -> Value {
    let at = |ago: u64| rfc3339_utc(start - Duration::from_secs(ago));
    let first = events.first().map(|e| e.0).unwrap_or(0);
    let eta = if eta_days >= 0 {
        start + Duration::from_secs(eta_days as u64 * D)
    } else {
        start - Duration::from_secs((-eta_days) as u64 * D)
    };
    json!({
        "announced_at": at(first),
        "created_at": at(first),
        "details": {
            "brand_id": 3,
            "expected_delivery_date": rfc3339_utc(eta)[..10].to_owned(),
            "integration_id": 456,
            "is_mail_box": false,
            "is_return": false,
            "is_to_service_point": service_point
        },
        "events": events.iter().map(|(ago, code, kind, source, text, sub)| json!({
            "event_at": at(*ago),
            "event_type": source,
            "status_code": code,
            "status_description": text,
            "status_type": kind,
            "sub_status_code": sub
        })).collect::<Vec<_>>(),
        "from_address": sender(),
        "parcel_items": [{
            "description": "Ceramic table lamp",
            "quantity": 1,
            "hs_code": "940520",
            "origin_country": "NL",
            "sku": "LAMP-01",
            "price": {"value": "49.95", "currency": "EUR"},
            "weight": {"value": 1.2, "unit": "kg"}
        }],
        "ship_with": {"type": "shipping_option_code", "properties": {"shipping_option_code": format!("{carrier}:standard"), "contract_id": 517}},
        "source_id": format!("parcel-{tn}"),
        "to_address": to,
        "tracking_numbers": [{
            "carrier_code": carrier,
            "tracking_number": tn,
            "tracking_url": format!("https://tracking.example/{carrier}/{tn}")
        }],
        "updated_at": at(first)
    })
}

/// Tracking answers of the demo parcels, times relative to `start`.
pub fn demo_tracking(start: SystemTime) -> std::collections::BTreeMap<String, Value> {
    let nl = |name: &str, company: Option<&str>, street: &str, number: &str, email: &str, phone: &str| {
        recipient(name, company, street, number, "2nd floor", "Amsterdam", "1011 AB", "NL", email, phone)
    };
    let mut m = std::collections::BTreeMap::new();
    let mut add = |tn: &str, v: Value| {
        m.insert(tn.to_owned(), v);
    };
    add(
        "PD-TRANSIT-0001",
        parcel(
            start,
            "PD-TRANSIT-0001",
            "dhl",
            false,
            recipient(
                "Lena Hoffmann",
                None,
                "Kastanienallee",
                "12",
                "Hinterhaus",
                "Berlin",
                "10435",
                "DE",
                "lena.hoffmann@mail.example",
                "+4930123456789",
            ),
            &[
                (10 * D + 2 * H, "announcing", "success", "internal", "The label is being created.", "none"),
                (10 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (
                    9 * D + 20 * H,
                    "ready_to_send",
                    "success",
                    "internal",
                    "The parcel is ready to be handed to the carrier.",
                    "none",
                ),
                (
                    9 * D + 6 * H,
                    "accepted",
                    "success",
                    "carrier",
                    "The parcel has been accepted by the carrier.",
                    "none",
                ),
                (
                    8 * D + 20 * H,
                    "sorted",
                    "success",
                    "carrier",
                    "The parcel has been sorted at the distribution centre.",
                    "none",
                ),
                (8 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
            ],
            -6,
        ),
    );
    add(
        "PD-DELIVERED-0002",
        parcel(
            start,
            "PD-DELIVERED-0002",
            "dhl",
            false,
            nl("Jan Jansen", None, "Prinsengracht", "263", "jan.jansen@mail.example", "+31612345678"),
            &[
                (6 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (
                    5 * D + 8 * H,
                    "accepted",
                    "success",
                    "carrier",
                    "The parcel has been accepted by the carrier.",
                    "none",
                ),
                (
                    5 * D,
                    "sorted",
                    "success",
                    "carrier",
                    "The parcel has been sorted at the distribution centre.",
                    "none",
                ),
                (4 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
                (3 * D + 4 * H, "in_delivery", "success", "carrier", "The parcel is out for delivery.", "none"),
                (3 * D, "attempted", "warning", "carrier", "Delivery attempt failed: nobody was at home.", "not_home"),
                (2 * D + 3 * H, "in_delivery", "success", "carrier", "The parcel is out for delivery again.", "none"),
                (2 * D, "delivered", "success", "carrier", "The parcel has been delivered.", "none"),
            ],
            -2,
        ),
    );
    add(
        "PD-OWN-0003",
        parcel(
            start,
            "PD-OWN-0003",
            "postnl",
            false,
            nl("Fatima el Amrani", None, "Damrak", "70", "fatima.elamrani@mail.example", "+31687654321"),
            &[
                (9 * D + 4 * H, "no_label", "warning", "internal", "No label has been created yet.", "none"),
                (9 * D, "labelled", "success", "internal", "The label has been created.", "none"),
                (
                    8 * D + 2 * H,
                    "dropped",
                    "success",
                    "carrier",
                    "The parcel was dropped off at a service point.",
                    "none",
                ),
                (8 * D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (
                    7 * D,
                    "sorted",
                    "success",
                    "carrier",
                    "The parcel has been sorted at the distribution centre.",
                    "none",
                ),
                (6 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
            ],
            -3,
        ),
    );
    add(
        "PD-OWN-NOCONTACT-0004",
        parcel(
            start,
            "PD-OWN-NOCONTACT-0004",
            "dpd",
            false,
            nl(
                "Pieter Bakker",
                Some("Bakker Fietsen"),
                "Nieuwendijk",
                "5",
                "pieter@bakker-fietsen.example",
                "+31205551234",
            ),
            &[
                (7 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (6 * D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (5 * D, "customs", "warning", "carrier", "The parcel is held at customs.", "customs_hold"),
                (4 * D, "in_transit", "success", "carrier", "Customs cleared; the parcel is on its way.", "none"),
            ],
            1,
        ),
    );
    add(
        "PD-PORTAL-0005",
        parcel(
            start,
            "PD-PORTAL-0005",
            "colissimo",
            true,
            recipient(
                "Camille Martin",
                None,
                "Rue Oberkampf",
                "48",
                "Bâtiment B",
                "Paris",
                "75011",
                "FR",
                "camille.martin@mail.example",
                "+33612345678",
            ),
            &[
                (12 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (11 * D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (10 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
                (9 * D, "pup", "warning", "carrier", "The parcel is waiting at the pick-up point.", "none"),
            ],
            -8,
        ),
    );
    add(
        "PD-RECENT-0006",
        parcel(
            start,
            "PD-RECENT-0006",
            "postnl",
            false,
            nl("Emma Visser", None, "Warmoesstraat", "99", "emma.visser@mail.example", "+31698765432"),
            &[
                (3 * D, "announced", "success", "internal", "The carrier has received the shipment data.", "none"),
                (2 * D + 20 * H, "cancelled", "warning", "internal", "The label was cancelled.", "none"),
                (2 * D + 19 * H, "announced", "success", "internal", "A new label was announced.", "none"),
                (D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (
                    20 * H,
                    "sorted",
                    "success",
                    "carrier",
                    "The parcel has been sorted at the distribution centre.",
                    "none",
                ),
                (3 * H, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
            ],
            1,
        ),
    );
    add(
        "PD-EXCEPTION-0007",
        parcel(
            start,
            "PD-EXCEPTION-0007",
            "dpd",
            false,
            nl("Daan Smit", None, "Zeedijk", "21", "daan.smit@mail.example", "+31611122233"),
            &[
                (7 * D, "none", "success", "internal", "No status yet.", "none"),
                (6 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (5 * D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (4 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
                (
                    2 * D,
                    "unknown",
                    "error",
                    "carrier",
                    "Shipment exception: the parcel was damaged in the sorting centre.",
                    "exception",
                ),
            ],
            -1,
        ),
    );
    add(
        "PD-OWN-DELIVERED-0008",
        parcel(
            start,
            "PD-OWN-DELIVERED-0008",
            "postnl",
            false,
            nl("Noor Visser", None, "Herengracht", "140", "noor.visser@mail.example", "+31622233344"),
            &[
                (5 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (4 * D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (3 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
                (2 * D + 4 * H, "in_delivery", "success", "carrier", "The parcel is out for delivery.", "none"),
                (2 * D, "delivered", "success", "carrier", "The parcel has been delivered.", "none"),
            ],
            -2,
        ),
    );
    add(
        "PD-OWN-LATE-0009",
        parcel(
            start,
            "PD-OWN-LATE-0009",
            "dhl",
            false,
            recipient(
                "Jonas Becker",
                None,
                "Ehrenstraße",
                "7",
                "3. OG",
                "Köln",
                "50667",
                "DE",
                "jonas.becker@mail.example",
                "+4922198765432",
            ),
            &[
                (7 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (6 * D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (
                    5 * D,
                    "sorted",
                    "success",
                    "carrier",
                    "The parcel has been sorted at the distribution centre.",
                    "none",
                ),
                (4 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
                (
                    D,
                    "in_transit",
                    "warning",
                    "carrier",
                    "The parcel is delayed: it missed its connection at the hub.",
                    "delayed",
                ),
            ],
            -3,
        ),
    );
    add(
        "PD-RETURNED-0010",
        parcel(
            start,
            "PD-RETURNED-0010",
            "postnl",
            false,
            nl("Sem de Boer", None, "Spuistraat", "12", "sem.deboer@mail.example", "+31633344455"),
            &[
                (7 * D, "announced", "success", "carrier", "The carrier has received the shipment data.", "none"),
                (6 * D, "accepted", "success", "carrier", "The parcel has been accepted by the carrier.", "none"),
                (5 * D, "in_transit", "success", "carrier", "The parcel is on its way.", "none"),
                (4 * D + 4 * H, "in_delivery", "success", "carrier", "The parcel is out for delivery.", "none"),
                (
                    4 * D,
                    "attempted",
                    "warning",
                    "carrier",
                    "Delivery attempt failed: the address could not be found.",
                    "address_unknown",
                ),
                (
                    2 * D,
                    "in_transit",
                    "warning",
                    "carrier",
                    "Returned to sender: recipient address unknown",
                    "returned_to_sender",
                ),
            ],
            -3,
        ),
    );
    m
}
