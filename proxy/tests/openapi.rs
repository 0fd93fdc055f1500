//! The proxy publishes its contract: `GET {prefix}/openapi.json` is the
//! document generated from wire's route table, and `proxy/openapi.json` is a
//! committed copy of it (for the default prefix) that must not drift.

mod common;

use common::*;
use serde_json::Value;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

#[test]
fn committed_copy_is_the_generated_document() {
    let generated = parcel_desk_proxy::proxy::openapi_json("/api");
    if std::env::var_os("PD_UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).unwrap();
        return;
    }
    let committed = std::fs::read(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "proxy/openapi.json differs from the generated document: run \
         PD_UPDATE_OPENAPI=1 cargo test -p parcel-desk-proxy --test openapi, and commit it"
    );
}

#[tokio::test]
async fn the_proxy_serves_it_under_its_prefix() {
    let s = Stack::new(|c| c.api_prefix = "/parcel-desk-api".parse().unwrap()).await;
    let c = client();
    let url = format!("{}/parcel-desk-api/openapi.json", s.proxy.proxy.url());
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let doc: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/parcel-desk-api");
    for spec in parcel_desk_wire::ROUTES {
        assert!(doc["paths"][spec.path].is_object(), "{}", spec.path);
    }
    let r = c.get(format!("{url}?x=1")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = c.post(&url).send().await.unwrap();
    assert_eq!(r.status(), 404);
}
