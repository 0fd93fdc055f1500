//! The allowlist: raw paths and the route table. Never a panic; a parsed
//! route builds to a path that parses to the same route; a path the proxy
//! calls clean never parses into a route with `..` or an encoded slash in a
//! parameter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcel_desk_wire::route::{raw_path_is_clean, Method, Route};

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else { return };
    let clean = raw_path_is_clean(path);
    for method in [Method::Get, Method::Post] {
        let Some(route) = Route::parse(method, path) else { continue };
        assert_eq!(route.method(), method);
        let built = route.path();
        assert_eq!(Route::parse(method, &built), Some(route.clone()), "{path} -> {built}");
        if clean {
            assert!(raw_path_is_clean(&built), "{path} -> {built}");
        }
        let _ = route.url("https://shop.example/api", &[("postal_code", path), ("order_number", path)]);
    }
});
