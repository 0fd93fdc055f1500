//! The proxy's OpenAPI 3.1 document, generated from the route table
//! ([`crate::route::ROUTES`]) and the wire types' JSON Schemas (schemars).
//! Nothing in it is written by hand but the words: change a route or a
//! type, and the document follows.
//!
//! This is the document a merchant implements when they write their own
//! proxy; the reference proxy serves it at `GET {prefix}/openapi.json`.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::route::{Body, RouteSpec, ROUTES};

/// The document for a proxy whose API lives at `prefix` (e.g. `/api`).
pub fn document(prefix: &str, version: &str) -> Value {
    let mut gen = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut paths = Map::new();
    for spec in ROUTES {
        let item = paths.entry(spec.path.to_owned()).or_insert_with(|| json!({}));
        item[spec.method.as_str().to_ascii_lowercase()] = operation(spec, &mut gen);
    }
    gen.subschema_for::<crate::ErrorEnvelope>();
    let mut schemas = gen.take_definitions(true);
    if let Some(Value::Object(envelope)) = schemas.get_mut("ErrorEnvelope") {
        envelope.insert(
            "examples".into(),
            json!([{"errors": [{"code": "not_found", "detail": "Ticket not found", "title": "Not Found", "status": 404}]}]),
        );
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "parcel-desk proxy",
            "version": version,
            "description": "The contract between the parcel-desk widget and the merchant's proxy. \
                The widget calls only these routes, below the proxy URL; the proxy holds the \
                Sendcloud (and JTL-SCX) credentials and forwards nothing else. Every error the \
                proxy produces itself is the Support API's envelope `{\"errors\": [...]}`; answers \
                of the Tracking API are relayed as that API sends them. Generated from \
                parcel-desk-wire's route table."
        },
        "servers": [{"url": prefix, "description": "the proxy's API prefix (`api_prefix`)"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "string", "pattern": "^[0-9]+$"}
                },
                "X-Ticket-Token": {
                    "description": "A fresh access token for the ticket (after a look-up by order number).",
                    "schema": {"type": "string"}
                }
            }
        }
    })
}

/// A schema reference for a wire type named in the route table.
fn schema_of(name: &str, gen: &mut SchemaGenerator) -> Value {
    fn of<T: JsonSchema>(gen: &mut SchemaGenerator) -> Value {
        gen.subschema_for::<T>().to_value()
    }
    match name {
        "ClaimRequest" => of::<crate::ClaimRequest>(gen),
        "ClaimCreated" => of::<crate::ClaimCreated>(gen),
        "FileTokenResponse" => of::<crate::FileTokenResponse>(gen),
        "TicketResponse" => of::<crate::TicketResponse>(gen),
        "TicketPending" => of::<crate::TicketPending>(gen),
        "RequestedDataList" => of::<crate::requested_data::RequestedDataList>(gen),
        "RequestedDataAnswer" => of::<crate::requested_data::RequestedDataAnswer>(gen),
        "RequestedDataAnswerCreated" => of::<crate::requested_data::RequestedDataAnswerCreated>(gen),
        "ParcelTrackingResponse" => of::<crate::tracking::ParcelTrackingResponse>(gen),
        "RegisterParcelRequest" => of::<crate::tracking::RegisterParcelRequest>(gen),
        "RegisterParcelResponse" => of::<crate::tracking::RegisterParcelResponse>(gen),
        "ContactRequest" => of::<crate::jtl::ContactRequest>(gen),
        "ContactCreated" => of::<crate::jtl::ContactCreated>(gen),
        "Conversation" => of::<crate::jtl::Conversation>(gen),
        "DetailMessage" => of::<crate::tracking::DetailMessage>(gen),
        "HttpValidationError" => of::<crate::tracking::HttpValidationError>(gen),
        "CustomerClaim" => of::<crate::customer::CustomerClaim>(gen),
        "CustomerClaimCreated" => of::<crate::customer::CustomerClaimCreated>(gen),
        "ClaimLookup" => of::<crate::customer::ClaimLookup>(gen),
        "ClaimFound" => of::<crate::customer::ClaimFound>(gen),
        "InboxList" => of::<crate::inbox::InboxList>(gen),
        "InboxClaim" => of::<crate::inbox::InboxClaim>(gen),
        "ShopCompletion" => of::<crate::inbox::ShopCompletion>(gen),
        "RejectClaim" => of::<crate::inbox::RejectClaim>(gen),
        "OpenApiDocument" => json!({"type": "object", "description": "This document."}),
        "AttachmentFile" => json!({"type": "string", "contentMediaType": "application/octet-stream",
            "description": "The file's bytes, in its own content type."}),
        other => panic!("route table names a type the OpenAPI generator does not know: {other}"),
    }
}

fn envelope_ref() -> Value {
    json!({"$ref": "#/components/schemas/ErrorEnvelope"})
}

fn operation(spec: &RouteSpec, gen: &mut SchemaGenerator) -> Value {
    let mut parameters = Vec::new();
    for name in path_parameters(spec.path) {
        parameters.push(path_parameter(spec.path, name));
    }
    for key in spec.query {
        parameters.push(query_parameter(spec, key));
    }
    for header in spec.headers {
        parameters.push(header_parameter(header));
    }
    let mut op = json!({
        "operationId": operation_id(spec),
        "summary": summary(spec),
        "description": spec.notes,
        "parameters": parameters,
        "responses": responses(spec, gen),
    });
    match spec.request {
        Body::None => {}
        Body::Json(t) => {
            let mut media = json!({"schema": schema_of(t, gen)});
            if let Some(example) = example(t) {
                media["example"] = example;
            }
            op["requestBody"] = json!({"required": true, "content": {"application/json": media}});
        }
        Body::MultipartFile => {
            op["requestBody"] = json!({
                "required": true,
                "content": {"multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream",
                            "description": "The file, with its filename and its own Content-Type."}},
                        "required": ["file"]
                    }
                }}
            });
        }
    }
    op
}

fn operation_id(spec: &RouteSpec) -> String {
    let mut id = spec.method.as_str().to_ascii_lowercase();
    for part in spec.path.split(['/', '-', '{', '}']).filter(|p| !p.is_empty()) {
        for word in part.split('_') {
            let mut c = word.chars();
            if let Some(first) = c.next() {
                id.push(first.to_ascii_uppercase());
                id.extend(c);
            }
        }
    }
    id
}

fn summary(spec: &RouteSpec) -> String {
    let first = spec.notes.split(['.', ';']).next().unwrap_or(spec.notes).trim();
    first.trim_start_matches("**Staff only** ").to_owned()
}

fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect()
}

fn path_parameter(path: &str, name: &str) -> Value {
    let (schema, description) = match (path, name) {
        ("/dsf/tickets/{id}", _) => (
            json!({"type": "string", "examples": ["1001", "b99c8ea5-3156-442e-8dfe-c746218a3fbe"]}),
            "The int64 ticket id (1–19 digits) or the UUID the creation answered. Any other value answers \
             the same 404 as a missing ticket.",
        ),
        ("/parcels/tracking/{tracking_number}", _) => (
            json!({"type": "string", "minLength": 1, "maxLength": 255, "examples": ["PD-TRANSIT-0001", "1Z 999 AA1"]}),
            "The tracking number, percent-encoded: 1–255 characters (Sendcloud's limit) once decoded, none \
             of them `/`, `\\` or a control character, and not `.` or `..`; any other value answers 404.",
        ),
        (_, "claim_id") => (
            json!({"type": "string", "examples": ["b99c8ea5-3156-442e-8dfe-c746218a3fbe"]}),
            "The proxy's claim id (a UUID, as the inbox lists it); any other value answers the same 404 as an \
             unknown claim.",
        ),
        (_, "file_token") => (
            json!({"type": "string", "pattern": "^[A-Za-z0-9._-]{1,200}$", "examples": ["f_0123456789abcdef"]}),
            "A file token the claim references (as `GET /staff/claims/{claim_id}` lists it); any other value \
             answers 404.",
        ),
        (_, "attachment_id") => (
            json!({"type": "string", "pattern": "^[0-9a-f]{16}$", "examples": ["0123456789abcdef"]}),
            "A seller attachment's `id` as the conversation answered it; any other value answers the same \
             404 as an unknown ticket.",
        ),
        _ => (
            json!({"type": "string", "examples": ["PD-0123456789abcdef0123456789abcdef"]}),
            "The contact ticket's id as its creation answered: `PD-` and 32 lower-case hex digits; any \
             other value answers the same 404 as an unknown ticket.",
        ),
    };
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema})
}

fn query_parameter(spec: &RouteSpec, key: &str) -> Value {
    let (schema, required, description) = match key {
        "is_portal_claim" => (
            json!({"type": "string", "enum": ["true", "false"]}),
            false,
            "File the claim in the carrier's own portal (own-contract parcels whose carrier supports it).",
        ),
        "order_number" => (
            json!({"type": "string", "examples": ["ORD-1001"]}),
            false,
            "The ticket's order number: read access without a token (rate-limited per client).",
        ),
        "ticket" => (
            json!({"type": "string", "examples": ["1002"]}),
            true,
            "The ticket (int id or creation UUID) whose data requests are meant.",
        ),
        "state" => (
            json!({"type": "string", "enum": ["with_shop", "review", "queued", "filed", "needs_attention", "resolved", "rejected"]}),
            false,
            "The bucket to list (default `with_shop`).",
        ),
        "page" => (
            json!({"type": "string", "pattern": "^[1-9][0-9]{0,5}$", "examples": ["1"]}),
            false,
            "The page, from 1 (50 claims per page).",
        ),
        "postal_code" => (
            json!({"type": "string", "examples": ["10435"]}),
            false,
            "The recipient's postal code: with it the answer keeps names and addresses.",
        ),
        other => panic!("query key {other} of {} has no description", spec.path),
    };
    json!({"name": key, "in": "query", "required": required, "description": description, "schema": schema})
}

fn header_parameter(name: &str) -> Value {
    let (canonical, required, description) = match name {
        crate::route::headers::IDEMPOTENCY_KEY => (
            "Idempotency-Key",
            false,
            "A key the client chooses per request: the same key again replays the first answer.",
        ),
        crate::route::headers::TICKET_TOKEN => {
            ("X-Ticket-Token", false, "The ticket's access token, as its creation (or a look-up) answered.")
        }
        crate::route::headers::AUTHORIZATION => {
            ("Authorization", true, "`Bearer <staff token>` (`staff.token` or one of `staff.tokens`). Without this header the route does not exist (404).")
        }
        other => panic!("header {other} has no description"),
    };
    json!({"name": canonical, "in": "header", "required": required, "description": description,
        "schema": {"type": "string"}})
}

/// Every answer a route can give: its success, the proxy's own errors, and
/// what upstream's answers are relayed as.
fn responses(spec: &RouteSpec, gen: &mut SchemaGenerator) -> Value {
    let mut r = Map::new();
    let (status, t) = spec.response;
    let mut ok = json!({"description": "Success.", "content": {"application/json": {"schema": schema_of(t, gen)}}});
    if t == "AttachmentFile" {
        ok = json!({"description": "The file, as a download.",
            "headers": {
                "Content-Disposition": {"description": "`attachment; filename=\"…\"` with the filename sanitised (and `filename*` in UTF-8).",
                    "schema": {"type": "string"}},
                "X-Content-Type-Options": {"description": "Always `nosniff`.", "schema": {"type": "string", "const": "nosniff"}}
            },
            "content": {"*/*": {"schema": schema_of(t, gen)}}});
    }
    if let Some(example) = example(t) {
        ok["content"]["application/json"]["example"] = example;
    }
    if spec.path == "/dsf/tickets/{id}" {
        ok["headers"] = json!({"X-Ticket-Token": {"$ref": "#/components/headers/X-Ticket-Token"}});
    }
    r.insert(status.to_string(), ok);
    let tracking = spec.path.starts_with("/parcels/tracking");
    let error = |description: &str| json!({"description": description, "content": {"application/json": {"schema": envelope_ref()}}});
    let relayed = |description: &str, gen: &mut SchemaGenerator| {
        // The Tracking API's own error shapes are relayed unchanged; the
        // proxy's own errors are the envelope.
        let schema = if tracking {
            json!({"anyOf": [envelope_ref(), schema_of("DetailMessage", gen), schema_of("HttpValidationError", gen)]})
        } else {
            envelope_ref()
        };
        json!({"description": description, "content": {"application/json": {"schema": schema}}})
    };
    if spec.path == "/dsf/tickets/{id}" {
        r.insert(
            "202".into(),
            json!({"description": "Received, not yet registered upstream: ask again in a few seconds.",
                "content": {"application/json": {"schema": schema_of("TicketPending", gen),
                    "example": {"ticket_id": "b99c8ea5-3156-442e-8dfe-c746218a3fbe", "pending": true}}}}),
        );
    }
    if spec.path == "/channel/ticket" {
        r.insert(
            "202".into(),
            json!({"description": "Kept: the seller's ticket service could not be reached; the proxy sends the message and its attachments as soon as it answers (`queued: true`).",
                "content": {"application/json": {"schema": schema_of("ContactCreated", gen)}}}),
        );
    }
    r.insert("400".into(), relayed("A query key or header the route does not take, or a body that breaks the rules (detail in upstream's `Validation Error. Errors: [...]` format).", gen));
    if spec.headers.contains(&crate::route::headers::AUTHORIZATION) {
        r.insert("401".into(), error("The staff token is wrong."));
    }
    r.insert(
        "404".into(),
        relayed("Not a route, or nothing the caller may read (every such case answers the same).", gen),
    );
    match spec.request {
        Body::Json(_) => {
            r.insert("406".into(), error("The body is not JSON."));
            r.insert("413".into(), error("The body is larger than the proxy accepts."));
            r.insert("415".into(), error("Content-Type is not application/json."));
        }
        Body::MultipartFile => {
            r.insert("413".into(), error("The file or the body is larger than the route accepts."));
            r.insert("415".into(), error("Not multipart/form-data, or a file type the route does not accept."));
        }
        Body::None => {}
    }
    if spec.path.starts_with("/staff/claims/") && spec.method == crate::route::Method::Post {
        r.insert(
            "409".into(),
            error("The claim is not in a state for this action (`claim_state`), or still lacks what upstream needs (`claim_incomplete`, naming the fields)."),
        );
    }
    if spec.path == "/parcels/tracking" {
        r.insert("409".into(), relayed("Upstream: the parcel or tracking number exists already.", gen));
    }
    if !matches!(
        spec.path,
        "/channel/ticket/{id}/messages"
            | "/channel/ticket/attachment-upload"
            | "/openapi.json"
            | "/channel/ticket/{id}/attachments/{attachment_id}"
    ) {
        r.insert(
            "422".into(),
            relayed("Upstream refused it (for a claim: e.g. a parcel that is already delivered).", gen),
        );
    }
    r.insert(
        "429".into(),
        json!({"description": "Too many requests from this client (or upstream's limit): wait `Retry-After` seconds.",
            "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
            "content": {"application/json": {"schema": envelope_ref()}}}),
    );
    if !matches!(spec.path, "/channel/ticket/{id}/messages" | "/channel/ticket/attachment-upload" | "/openapi.json") {
        r.insert("502".into(), error("Upstream could not be reached, or answered something unreadable."));
        r.insert("503".into(), relayed("Upstream is unavailable for a while.", gen));
        r.insert("504".into(), error("Upstream did not answer in time."));
    }
    Value::Object(r)
}

/// Examples of the bodies, from the sandbox's demo data.
fn example(type_name: &str) -> Option<Value> {
    Some(match type_name {
        "ClaimRequest" => json!({"tracking_number": "PD-OWN-0003", "contents_description": "Two shirts"}),
        "ClaimCreated" => json!({"ticket_id": "b99c8ea5-3156-442e-8dfe-c746218a3fbe", "access_token": "v1.…"}),
        "FileTokenResponse" => json!({"file_token": "f_0123456789abcdef"}),
        "RequestedDataAnswer" => json!({"request_id": 301, "comment": "The invoice is attached.",
            "attachments": [{"file_token": "f_0123456789abcdef"}]}),
        "RequestedDataAnswerCreated" => json!({"request_id": 301}),
        "ContactRequest" => json!({"topic": "DELIVERY", "buyer_name": "Jan Jansen", "subject": "Where is my parcel?",
            "message": "It was due yesterday.", "order_reference": {"type": "ORDERID", "value": "ORD-1001"},
            "reply_wanted": true, "attachments": []}),
        "CustomerClaim" => json!({"claim_type": "lost", "tracking_number": "PD-OWN-0003",
            "contents": "A blue vase", "email": "jan@example.com", "name": "Jan Jansen", "resolution": "refund",
            "declaration": {"accepted": true, "signed_name": "Jan Jansen"}}),
        "CustomerClaimCreated" => json!({"reference": "PD-4K7Q-2M", "claim_id": "b99c8ea5-3156-442e-8dfe-c746218a3fbe",
            "access_token": "v1.…", "state": "received"}),
        "ClaimLookup" => json!({"reference": "PD-4K7Q-2M", "email_or_postal_code": "jan@example.com"}),
        "ShopCompletion" => json!({"parcel_kind": "sendcloud_rates",
            "contents_sales_price": {"price": 49.9, "currency": "EUR"},
            "contents_purchase_price": {"price": 20.0, "currency": "EUR"},
            "purchase_invoice": {"file_token": "f_0123456789abcdef"}}),
        "RejectClaim" => json!({"reason": "The parcel was delivered to your neighbour, Mrs. Weber."}),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_an_operation_with_its_schemas() {
        let doc = document("/api", "0.0.0");
        for spec in ROUTES {
            let method = spec.method.as_str().to_ascii_lowercase();
            let op = &doc["paths"][spec.path][&method];
            assert!(op.is_object(), "{} {}", method, spec.path);
            assert!(op["responses"][spec.response.0.to_string()].is_object(), "{}", spec.path);
        }
        let text = doc.to_string();
        // Every reference resolves.
        for r in text.split("\"$ref\":\"").skip(1) {
            let target = &r[..r.find('"').unwrap()];
            let name = target.rsplit('/').next().unwrap();
            let section = if target.contains("/headers/") { "headers" } else { "schemas" };
            assert!(doc["components"][section][name].is_object(), "unresolved {target}");
        }
    }

    #[test]
    fn operation_ids_are_unique() {
        let ids: Vec<String> = ROUTES.iter().map(operation_id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "{ids:?}");
    }
}
