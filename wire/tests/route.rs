//! The route table: every route survives build → parse, and hostile raw
//! paths parse to nothing (or to the "invalid parameter" variant that the
//! proxy answers like a missing resource).

use parcel_desk_wire::route::{
    examples, raw_path_is_clean, ChannelAttachmentRef, ChannelTicketRef, ClaimIdRef, FileTokenRef, Method, Route,
    TicketRef, TrackingRef, ROUTES,
};
use parcel_desk_wire::ClaimType;

/// Every variant, with valid and invalid parameters.
fn variants() -> Vec<Route> {
    let mut all = examples();
    all.extend([
        Route::GetTicket(TicketRef::Id(0)),
        Route::GetTicket(TicketRef::Id(i64::MAX)),
        Route::GetTicket(TicketRef::Uuid("b99c8ea5-3156-442e-8dfe-c746218a3fbe".into())),
        Route::GetTicket(TicketRef::Invalid("abc".into())),
        Route::GetTicket(TicketRef::Invalid("99999999999999999999".into())),
        Route::GetTicket(TicketRef::from_input("a b/c?d#e")),
        Route::GetTicket(TicketRef::from_input("ünïcödé")),
        Route::GetTicket(TicketRef::Invalid("%31%32".into())),
        Route::Tracking(TrackingRef::Number("3SABCD0123456789".into())),
        Route::Tracking(TrackingRef::Number("a".repeat(64))),
        Route::Tracking(TrackingRef::parse("has.dot")),
        Route::Tracking(TrackingRef::parse("-leading-dash")),
        Route::Tracking(TrackingRef::parse(&"a".repeat(65))),
        Route::Tracking(TrackingRef::parse("PD 1/2")),
        Route::Tracking(TrackingRef::Number("1Z 999 AA1 01 2345 678 4".into())),
        Route::Tracking(TrackingRef::Number("Über-Päckchen-Nr. 7".into())),
        Route::Tracking(TrackingRef::Number("a+b?c#d%e&f".into())),
        Route::Tracking(TrackingRef::Number("a".repeat(255))),
        Route::Tracking(TrackingRef::Number("ü".repeat(255))),
        Route::Tracking(TrackingRef::parse(&"a".repeat(256))),
        Route::Tracking(TrackingRef::parse(".")),
        Route::Tracking(TrackingRef::parse("..")),
        Route::Tracking(TrackingRef::parse("a\\b")),
        Route::Tracking(TrackingRef::parse("a\u{7}b")),
        Route::ChannelMessages(ChannelTicketRef::Invalid("x".into())),
        Route::ChannelMessages(ChannelTicketRef::Invalid("PD-ABC".into())),
        Route::ChannelAttachment(ChannelTicketRef::Invalid("x".into()), ChannelAttachmentRef::Invalid("y".into())),
        Route::ChannelAttachment(
            ChannelTicketRef::Id(format!("PD-{}", "a".repeat(32))),
            ChannelAttachmentRef::parse("0123456789ABCDEF"),
        ),
        Route::ChannelAttachment(
            ChannelTicketRef::Id(format!("PD-{}", "a".repeat(32))),
            ChannelAttachmentRef::parse("a b/c?d#e"),
        ),
        Route::StaffClaim(ClaimIdRef::parse("B99C8EA5-3156-442E-8DFE-C746218A3FBE")),
        Route::StaffClaim(ClaimIdRef::parse("complete")),
        Route::StaffApprove(ClaimIdRef::parse("a b/c?d#e")),
        Route::StaffReject(ClaimIdRef::Invalid("x".into())),
        Route::StaffClaimFile(ClaimIdRef::parse("x"), FileTokenRef::parse("a b/c")),
        Route::StaffClaimFile(ClaimIdRef::parse("x"), FileTokenRef::parse("..")),
        Route::StaffRequestedData(ClaimIdRef::parse("ü")),
    ]);
    all
}

#[test]
fn every_route_round_trips() {
    for route in variants() {
        let path = route.path();
        assert_eq!(Route::parse(route.method(), &path), Some(route.clone()), "{path}");
        let url = route.url("https://shop.example/api", &[]);
        assert_eq!(url, format!("https://shop.example/api{path}"));
    }
}

#[test]
fn every_spec_has_an_example_and_the_examples_cover_every_spec() {
    let specs: Vec<_> = examples().iter().map(|r| r.spec() as *const _).collect();
    for spec in ROUTES {
        assert!(specs.contains(&(spec as *const _)), "{} {} has no example", spec.method.as_str(), spec.path);
    }
    assert_eq!(specs.len(), ROUTES.len());
}

#[test]
fn the_other_method_is_not_a_route() {
    for route in variants() {
        let other = if route.method() == Method::Get { Method::Post } else { Method::Get };
        let parsed = Route::parse(other, &route.path());
        // Only requested-data has both methods, as two routes.
        match route {
            Route::GetRequestedData => assert_eq!(parsed, Some(Route::AnswerRequestedData)),
            Route::AnswerRequestedData => assert_eq!(parsed, Some(Route::GetRequestedData)),
            Route::StaffRequestedData(c) => assert_eq!(parsed, Some(Route::StaffAnswerRequestedData(c))),
            Route::StaffAnswerRequestedData(c) => assert_eq!(parsed, Some(Route::StaffRequestedData(c))),
            _ => assert_eq!(parsed, None, "{} {}", other.as_str(), route.path()),
        }
    }
}

#[test]
fn query_values_are_encoded_and_only_allowed_keys_are_sent() {
    let r = Route::Tracking(TrackingRef::Number("PD-TRANSIT-0001".into()));
    assert_eq!(
        r.url("/api/", &[("postal_code", "1011 AB&x=1"), ("redirect", "https://evil.example")]),
        "/api/parcels/tracking/PD-TRANSIT-0001?postal_code=1011%20AB%26x%3D1"
    );
    let r = Route::GetRequestedData;
    assert_eq!(
        r.url("", &[("ticket", "1002"), ("order_number", "ORD-1002")]),
        "/dsf/tickets/requested-data?ticket=1002&order_number=ORD-1002"
    );
    assert_eq!(
        Route::CreateClaim(ClaimType::Lost).url("", &[("is_portal_claim", "true")]),
        "/dsf/tickets/lost?is_portal_claim=true"
    );
}

#[test]
fn typed_input_becomes_a_typed_parameter() {
    assert_eq!(TicketRef::from_input(" 1001 "), TicketRef::Id(1001));
    assert_eq!(
        TicketRef::from_input("B99C8EA5-3156-442E-8DFE-C746218A3FBE"),
        TicketRef::Uuid("b99c8ea5-3156-442e-8dfe-c746218a3fbe".into())
    );
    assert_eq!(TicketRef::from_input("-1"), TicketRef::Invalid("-1".into()));
    assert_eq!(TicketRef::from_input("a/b"), TicketRef::Invalid("a%2Fb".into()));
    // The spec's 1–255 characters: spaces, dots, letters beyond ASCII.
    assert_eq!(TrackingRef::parse("a b"), TrackingRef::Number("a b".into()));
    assert_eq!(TrackingRef::parse(" PD-OWN-0003\n"), TrackingRef::Number("PD-OWN-0003".into()));
    assert_eq!(TrackingRef::parse("has.dot"), TrackingRef::Number("has.dot".into()));
    assert_eq!(TrackingRef::parse("Ärger-42"), TrackingRef::Number("Ärger-42".into()));
    assert_eq!(TrackingRef::parse(&"ü".repeat(255)), TrackingRef::Number("ü".repeat(255)));
    // Never a path separator, a control character, `.` or `..`, or more than 255.
    assert_eq!(TrackingRef::parse("a/b"), TrackingRef::Invalid("a%2Fb".into()));
    assert_eq!(TrackingRef::parse("a\\b"), TrackingRef::Invalid("a%5Cb".into()));
    assert_eq!(TrackingRef::parse("a\tb"), TrackingRef::Invalid("a%09b".into()));
    assert_eq!(TrackingRef::parse(".."), TrackingRef::Invalid("%2E%2E".into()));
    assert_eq!(TrackingRef::parse(""), TrackingRef::Invalid("".into()));
    assert!(matches!(TrackingRef::parse(&"a".repeat(256)), TrackingRef::Invalid(_)));
    // In a path: encoded, and decoded again by the parser.
    let r = Route::Tracking(TrackingRef::Number("1Z 999 Ü".into()));
    assert_eq!(r.path(), "/parcels/tracking/1Z%20999%20%C3%9C");
    assert_eq!(
        Route::parse(Method::Get, "/parcels/tracking/%31Z+9"),
        Some(Route::Tracking(TrackingRef::Number("1Z+9".into())))
    );
}

/// The raw paths the proxy's allowlist tests send (below the `/api` prefix):
/// each is refused as unclean, or parses to no route, or to the invalid
/// variant, never to a valid resource.
#[test]
fn hostile_paths_parse_to_nothing_valid() {
    let hostile = [
        (Method::Get, "/../../v2/user"),
        (Method::Get, "/dsf/../../v2/user"),
        (Method::Get, "/dsf/tickets/..%2F..%2Fv2%2Fuser"),
        (Method::Get, "/dsf/tickets/%2e%2e"),
        (Method::Get, "/dsf/tickets/%2E%2E/%2E%2E/v2/user"),
        (Method::Get, "/dsf/tickets/1%2F2"),
        (Method::Get, "/dsf/tickets/1/2"),
        (Method::Get, "/v2/user"),
        (Method::Get, ""),
        (Method::Get, "/"),
        (Method::Get, "//dsf/files"),
        (Method::Get, "/./dsf/tickets/1001"),
        (Method::Post, "/dsf/tickets/damage/"),
        (Method::Get, "/parcels/tracking/..%2F..%2Fv2%2Fuser"),
        (Method::Get, "/parcels/tracking/a%2Fb"),
        (Method::Get, "/parcels/tracking/"),
        (Method::Get, "/parcels/tracking/."),
        (Method::Get, "/parcels/tracking/%2e"),
        (Method::Get, "/parcels/tracking/%2E%2E"),
        (Method::Get, "/parcels/tracking/a%5Cb"),
        (Method::Get, "/parcels/tracking/a\\b"),
        (Method::Get, "/parcels/tracking/a%00b"),
        (Method::Get, "/parcels/tracking/a%0Ab"),
        (Method::Get, "/parcels/tracking/a%1Fb"),
        (Method::Get, "/parcels/tracking/a%7Fb"),
        (Method::Get, "/parcels/tracking/a%C2%9Fb"),
        (Method::Get, "/parcels/tracking/%ZZ"),
        (Method::Get, "/parcels/tracking/a%4"),
        (Method::Get, "/parcels/tracking/%C3%28"),
        (Method::Post, "/dsf/tickets/lost/"),
        (Method::Post, "/dsf/tickets/lost/../../../v2/user"),
        (Method::Post, "/dsf/files%2f..%2f..%2fv2"),
        (Method::Get, "/dsf/files"),
        (Method::Post, "/dsf/tickets/1001"),
        (Method::Get, "/dsf/tickets/"),
        (Method::Get, "/dsf/files/"),
        (Method::Get, "/dsf/tickets/99999999999999999999"),
        (Method::Get, "/dsf/tickets/-1"),
        (Method::Get, "/channel/ticket/a/b/messages"),
        (Method::Get, "/channel/ticket//messages"),
        (Method::Get, "/channel/ticket/"),
        (Method::Get, "/channel/event"),
        (Method::Get, "/channel/ticket/x/messages"),
        (Method::Post, "/channel/ticket/PD-0123456789abcdef0123456789abcdef/messages"),
        (Method::Post, "/claims/"),
        (Method::Post, "/claims/lookup/"),
        (Method::Post, "/claims/..%2Flookup"),
        (Method::Post, "/claims/%6Cookup"),
        (Method::Post, "/claims/lookup/../../v2/user"),
        (Method::Post, "/claims/PD-4K7Q-2M"),
        (Method::Post, "/CLAIMS"),
        (Method::Get, "/claims"),
        (Method::Get, "/claims/lookup"),
        (Method::Post, "/claims//lookup"),
    ];
    let too_long = format!("/parcels/tracking/{}", "a".repeat(256));
    let too_long_unicode = format!("/parcels/tracking/{}", "%C3%BC".repeat(256));
    let hostile =
        hostile.into_iter().chain([(Method::Get, too_long.as_str()), (Method::Get, too_long_unicode.as_str())]);
    for (method, rest) in hostile {
        let full = format!("/api{rest}");
        if !raw_path_is_clean(&full) {
            continue;
        }
        match Route::parse(method, rest) {
            None
            | Some(Route::GetTicket(TicketRef::Invalid(_)))
            | Some(Route::Tracking(TrackingRef::Invalid(_)))
            | Some(Route::ChannelMessages(ChannelTicketRef::Invalid(_)))
            | Some(Route::ChannelAttachment(ChannelTicketRef::Invalid(_), _))
            | Some(Route::ChannelAttachment(_, ChannelAttachmentRef::Invalid(_))) => {}
            Some(other) => panic!("{} {rest} parsed as {other:?}", method.as_str()),
        }
    }
    // And these are exactly the valid ones.
    assert_eq!(Route::parse(Method::Post, "/claims"), Some(Route::CustomerClaim));
    assert_eq!(Route::parse(Method::Post, "/claims/lookup"), Some(Route::ClaimLookup));
    for (raw, number) in [
        ("/parcels/tracking/-leading-dash", "-leading-dash".to_owned()),
        ("/parcels/tracking/has.dot", "has.dot".to_owned()),
        ("/parcels/tracking/1Z%20999%20AA1", "1Z 999 AA1".to_owned()),
        ("/parcels/tracking/%C3%9Cber", "Über".to_owned()),
        (&format!("/parcels/tracking/{}", "%C3%BC".repeat(255)), "ü".repeat(255)),
    ] {
        assert!(raw_path_is_clean(&format!("/api{raw}")), "{raw}");
        assert_eq!(Route::parse(Method::Get, raw), Some(Route::Tracking(TrackingRef::Number(number))), "{raw}");
    }
    assert_eq!(Route::parse(Method::Get, "/dsf/tickets/0042"), Some(Route::GetTicket(TicketRef::Id(42))));
    assert_eq!(
        Route::parse(Method::Get, "/channel/ticket/PD-0123456789abcdef0123456789abcdef/messages"),
        Some(Route::ChannelMessages(ChannelTicketRef::Id("PD-0123456789abcdef0123456789abcdef".into())))
    );
    assert_eq!(
        Route::parse(Method::Get, "/channel/ticket/PD-0123456789abcdef0123456789abcdef/attachments/0123456789abcdef"),
        Some(Route::ChannelAttachment(
            ChannelTicketRef::Id("PD-0123456789abcdef0123456789abcdef".into()),
            ChannelAttachmentRef::Id("0123456789abcdef".into())
        ))
    );
    for rest in [
        "/channel/ticket/PD-0123456789abcdef0123456789abcdef/attachments/",
        "/channel/ticket//attachments/0123456789abcdef",
        "/channel/ticket/PD-0123456789abcdef0123456789abcdef/attachments/0123456789abcdef/x",
    ] {
        assert_eq!(Route::parse(Method::Get, rest), None, "{rest}");
    }
    assert_eq!(
        Route::parse(Method::Post, "/channel/ticket/PD-0123456789abcdef0123456789abcdef/attachments/0123456789abcdef"),
        None
    );
}

#[test]
fn raw_path_checks() {
    for ok in ["/", "/api/dsf/files", "/index.html", "/assets/"] {
        assert!(raw_path_is_clean(ok), "{ok}");
    }
    for bad in [
        "/api/../../v2/user",
        "/api/dsf/tickets/%2e%2e",
        "/api/dsf/tickets/..%2F..%2Fv2%2Fuser",
        "/api/dsf/tickets/1%2F2",
        "/api//dsf/files",
        "/api/claims/%2e%2e",
        "/api/claims/..%2Flookup",
        "/api/./dsf/files",
        "/a\\b",
        "/x%00",
        "api",
    ] {
        assert!(!raw_path_is_clean(bad), "{bad}");
    }
}

/// The README's route table is the generated one
/// (`PD_UPDATE_README=1 cargo test -p parcel-desk-wire --test route` rewrites it).
#[test]
fn readme_route_table_is_generated_from_the_route_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let begin = readme.find("<!-- routes:begin").expect("README has no routes:begin marker");
    let begin = begin + readme[begin..].find("-->\n").unwrap() + 4;
    let end = readme.find("<!-- routes:end -->").expect("README has no routes:end marker");
    let generated = parcel_desk_wire::route::markdown_table();
    if std::env::var_os("PD_UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &readme[..begin], generated, &readme[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[begin..end],
        generated,
        "README's route table differs: run PD_UPDATE_README=1 cargo test -p parcel-desk-wire --test route"
    );
}

#[test]
fn matched_method_and_query_keys_agree_with_the_table() {
    for route in variants() {
        assert_eq!(route.method(), route.spec().method, "{route:?}");
        assert_eq!(route.query_keys(), route.spec().query, "{route:?}");
    }
}
