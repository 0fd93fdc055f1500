//! The JTL-SCX and contact rules, against the documented examples.

use super::*;

fn ticket() -> ChannelTicket {
    serde_json::from_str(
        r#"{"sellerId":"4711","ticketId":"CASE-01071982","topic":"QUESTION","createdAt":"2023-11-07T05:31:56Z",
            "from":{"role":"BUYER","name":"Dave"},"subject":"Pod bay door seems to be locked.",
            "message":"Open the pod bay doors HAL.","reference":{"type":"ORDERID","id":"19820701"},
            "replyRequested":true,"attachment":[{"filename":"RedDot.png","contentType":"image/png"}]}"#,
    )
    .unwrap()
}

fn fields(issues: &[ValidationIssue]) -> Vec<String> {
    issues.iter().map(|i| i.loc.join(".")).collect()
}

#[test]
fn doc_example_round_trips_and_is_valid() {
    let t = ticket();
    assert!(t.validate().is_empty(), "{:?}", t.validate());
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(v["from"]["role"], "BUYER");
    assert_eq!(v["reference"]["type"], "ORDERID");
    assert_eq!(v["attachment"][0]["contentType"], "image/png");
    assert_eq!(serde_json::from_value::<ChannelTicket>(v).unwrap(), t);
}

#[test]
fn reply_requested_defaults_true_and_reference_type_to_orderid() {
    let t: ChannelTicket = serde_json::from_str(
        r#"{"sellerId":"1","ticketId":"x","topic":"FEEDBACK","createdAt":"2023-11-07T05:31:56+01:00",
            "from":{"role":"BUYER","name":"D"},"subject":"s","message":"m","reference":{"id":"1"}}"#,
    )
    .unwrap();
    assert!(t.reply_requested);
    assert_eq!(t.reference.as_ref().unwrap().kind, ReferenceType::OrderId);
    assert!(t.validate().is_empty());
    let v = serde_json::to_value(&t).unwrap();
    assert!(v.get("attachment").is_none());
}

#[test]
fn every_enum_value() {
    let topics: Vec<&str> = Topic::ALL.iter().map(Topic::as_str).collect();
    assert_eq!(topics, ["QUESTION", "FEEDBACK", "DELIVERY", "RETURN", "REFUND", "INCIDENT"]);
    let refs: Vec<&str> = ReferenceType::ALL.iter().map(ReferenceType::as_str).collect();
    assert_eq!(refs, ["ORDERID", "OFFER", "CHANNELOFFER", "ORDERITEMID"]);
    let mut t = ticket();
    t.topic = Topic::from_wire("COMPLAINT");
    t.from.role = Role::from_wire("ROBOT");
    t.reference.as_mut().unwrap().kind = ReferenceType::from_wire("SKU");
    let issues = t.validate();
    assert_eq!(fields(&issues), ["topic", "from.role", "reference.type"]);
    assert_eq!(issues[0].msg, "Input should be 'QUESTION', 'FEEDBACK', 'DELIVERY', 'RETURN', 'REFUND' or 'INCIDENT'");
}

#[test]
fn seller_id_pattern() {
    for ok in ["4711", "a", "EA4590MitName", "_", &"x".repeat(50)] {
        assert!(is_valid_seller_id(ok), "{ok}");
    }
    for bad in ["", &"x".repeat(51), "47 11", "a-b", "ä", "a.b", "4711\n"] {
        assert!(!is_valid_seller_id(bad), "{bad:?}");
    }
    let mut t = ticket();
    t.seller_id = "no-dashes".into();
    assert_eq!(fields(&t.validate()), ["sellerId"]);
    assert_eq!(t.validate()[0].kind, "string_pattern_mismatch");
}

#[test]
fn text_lengths_in_characters() {
    let mut t = ticket();
    t.subject = "ä".repeat(1024);
    t.message = "m".repeat(1024);
    t.from.name = "n".repeat(1024);
    t.ticket_id = "t".repeat(256);
    assert!(t.validate().is_empty());
    t.subject = "ä".repeat(1025);
    t.message = String::new();
    t.from.name = "n".repeat(1025);
    t.ticket_id = "t".repeat(257);
    let issues = t.validate();
    assert_eq!(fields(&issues), ["ticketId", "from.name", "subject", "message"]);
    assert_eq!(issues[2].kind, "string_too_long");
    assert_eq!(issues[2].msg, "String should have at most 1024 characters");
    assert_eq!(issues[3].kind, "string_too_short");
    t = ticket();
    t.ticket_id = String::new();
    assert_eq!(fields(&t.validate()), ["ticketId"]);
}

#[test]
fn created_at_must_be_a_date_time() {
    for ok in ["2023-11-07T05:31:56Z", "2023-11-07T05:31:56.123Z", "2026-03-15T10:30:00+00:00"] {
        assert!(is_rfc3339(ok), "{ok}");
    }
    for bad in [
        "",
        "2023-11-07",
        "2023-13-07T05:31:56Z",
        "2023-11-07 05:31:56Z",
        "2023-11-07T05:31:56",
        "2023-11-07T05:31:56+0100",
    ] {
        assert!(!is_rfc3339(bad), "{bad}");
    }
    let mut t = ticket();
    t.created_at = "yesterday".into();
    assert_eq!(fields(&t.validate()), ["createdAt"]);
}

#[test]
fn at_most_ten_attachments_unique_names_allowed_types() {
    let mut t = ticket();
    t.attachment = (0..10)
        .map(|i| TicketAttachment { filename: format!("f{i}.pdf"), content_type: "application/pdf".into() })
        .collect();
    assert!(t.validate().is_empty());
    t.attachment.push(TicketAttachment { filename: "f10.pdf".into(), content_type: "application/pdf".into() });
    let issues = t.validate();
    assert_eq!(fields(&issues), ["attachment"]);
    assert_eq!(issues[0].msg, "List should have at most 10 items after validation, not 11");
    t.attachment.truncate(2);
    t.attachment[1].filename = "f0.pdf".into();
    t.attachment[0].content_type = "application/zip".into();
    assert_eq!(fields(&t.validate()), ["attachment.0.contentType", "attachment.1.filename"]);
    t.attachment[1].filename = "../etc/passwd".into();
    t.attachment[0].content_type = "application/pdf".into();
    assert_eq!(fields(&t.validate()), ["attachment.1.filename"]);
}

#[test]
fn reference_id_length() {
    let mut t = ticket();
    t.reference.as_mut().unwrap().id = String::new();
    assert_eq!(fields(&t.validate()), ["reference.id"]);
    t.reference.as_mut().unwrap().id = "1".repeat(257);
    assert_eq!(fields(&t.validate()), ["reference.id"]);
}

#[test]
fn attachment_types() {
    for ok in [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
        "IMAGE/JPEG",
        "image/webp",
    ] {
        assert!(is_allowed_attachment_type(ok), "{ok}");
    }
    for bad in ["text/html", "image/svg+xml", "application/zip", "application/octet-stream", "video/mp4", ""] {
        assert!(!is_allowed_attachment_type(bad), "{bad}");
    }
}

#[test]
fn filenames() {
    assert_eq!(filename_problem("invoice.pdf"), None);
    assert_eq!(filename_problem(&"a".repeat(255)), None);
    assert!(filename_problem("").is_some());
    assert!(filename_problem("  ").is_some());
    assert!(filename_problem(&"a".repeat(256)).is_some());
    assert!(filename_problem("a/b.pdf").is_some());
    assert!(filename_problem("a\\b.pdf").is_some());
    assert!(filename_problem("..").is_some());
    assert!(filename_problem("a\nb").is_some());
    let d = AttachmentData { seller_id: "4711".into(), ticket_id: "T".into(), filename: "a/b".into() };
    assert_eq!(fields(&d.validate()), ["filename"]);
    let v = serde_json::to_value(AttachmentData { filename: "x.png".into(), ..d }).unwrap();
    assert_eq!(v, serde_json::json!({"sellerId": "4711", "ticketId": "T", "filename": "x.png"}));
}

#[test]
fn auth_events_and_errors_parse() {
    let a: AuthResponse =
        serde_json::from_str(r#"{"authToken":"t","tokenExpireAt":"2023-11-07T06:31:56Z","expiresIn":3600}"#).unwrap();
    assert_eq!((a.auth_token.as_str(), a.expires_in), ("t", 3600));
    let l: EventList = serde_json::from_str(
        r#"{"eventList":[{"id":"e1","type":"Seller:Ticket.Reply","createdAt":"2023-11-07T06:00:00+00:00",
            "event":{"sellerId":"4711","ticketId":"T1","createdAt":"2023-11-07T06:00:00Z","from":{"role":"SELLER","name":"Shop"},
            "message":"Hello","attachment":[{"filename":"a.pdf","contentType":"application/pdf"}]}},
           {"id":"e2","type":"Seller:Meta.SellerAttributesUpdateRequest","event":{"sellerId":"1"}}]}"#,
    )
    .unwrap();
    let r = l.event_list[0].ticket_reply().unwrap();
    assert_eq!((r.ticket_id.as_str(), r.message.as_str()), ("T1", "Hello"));
    assert_eq!(r.from.unwrap().role, Role::Seller);
    assert!(l.event_list[1].ticket_reply().is_none());
    let ack = serde_json::to_value(EventAck { event_id_list: vec!["e1".into()] }).unwrap();
    assert_eq!(ack, serde_json::json!({"eventIdList": ["e1"]}));
    let e: ErrorList = serde_json::from_str(
        r#"{"errorList":[{"code":"VAL100","message":"Required field sellerId not found","severity":"error","hint":"h"}]}"#,
    )
    .unwrap();
    assert_eq!(e.error_list[0].code, "VAL100");
}

fn contact() -> ContactRequest {
    decode_contact(
        br#"{"topic":"QUESTION","buyer_name":"Dave","subject":"Door","message":"Open it",
             "order_reference":{"type":"ORDERID","value":"19820701"},"reply_wanted":true,
             "attachments":[{"file_token":"jtlf_0123456789abcdef0123456789abcdef","filename":"a.png"}]}"#,
    )
    .unwrap()
}

#[test]
fn contact_request_valid_and_defaults() {
    assert!(contact().validate().is_empty());
    let c =
        decode_contact(br#"{"topic":"REFUND","buyer_name":"D","subject":"s","message":"m","order_reference":null}"#)
            .unwrap();
    assert!(c.validate().is_empty());
    assert_eq!(c.reply_wanted, None);
    let c = decode_contact(
        br#"{"topic":"REFUND","buyer_name":"D","subject":"s","message":"m","order_reference":{"value":"1"}}"#,
    )
    .unwrap();
    assert_eq!(c.order_reference.unwrap().kind, ReferenceType::OrderId);
}

#[test]
fn contact_request_reports_every_missing_field() {
    let issues = decode_contact(b"{}").unwrap().validate();
    assert_eq!(fields(&issues), ["topic", "buyer_name", "subject", "message"]);
    assert!(issues.iter().all(|i| i.kind == "missing" && i.msg == "Field required"));
    let text = crate::error::format_validation_detail(&issues);
    assert!(
        text.starts_with("Validation Error. Errors: [{'type': 'missing', 'loc': ('topic',), 'msg': 'Field required'}")
    );
    assert_eq!(crate::error::parse_validation_detail(&text), issues);
}

#[test]
fn contact_request_lengths_and_blanks() {
    let mut c = contact();
    c.subject = Some("x".repeat(1025));
    c.message = Some("   ".into());
    c.buyer_name = Some("ü".repeat(1024));
    let issues = c.validate();
    assert_eq!(fields(&issues), ["subject", "message"]);
    assert_eq!(issues[0].kind, "string_too_long");
    assert_eq!(issues[1].kind, "string_too_short");
    c = contact();
    c.order_reference.as_mut().unwrap().value = String::new();
    c.topic = Some(Topic::from_wire("SPAM"));
    assert_eq!(fields(&c.validate()), ["topic", "order_reference.value"]);
    c = contact();
    c.order_reference = Some(OrderReference { kind: ReferenceType::from_wire("X"), value: "1".repeat(257) });
    assert_eq!(fields(&c.validate()), ["order_reference.type", "order_reference.value"]);
}

#[test]
fn contact_request_attachments() {
    let mut c = contact();
    c.attachments = (0..11)
        .map(|i| ContactAttachment { file_token: format!("jtlf_{i:032x}"), filename: format!("{i}.pdf") })
        .collect();
    assert_eq!(fields(&c.validate()), ["attachments"]);
    c.attachments.truncate(10);
    assert!(c.validate().is_empty());
    c.attachments.truncate(3);
    c.attachments[1].file_token = "not-a-token".into();
    c.attachments[2].file_token = c.attachments[0].file_token.clone();
    c.attachments[2].filename = "0.pdf".into();
    assert_eq!(
        fields(&c.validate()),
        ["attachments.1.file_token", "attachments.2.file_token", "attachments.2.filename"]
    );
    assert!(is_file_token("jtlf_0123456789abcdef0123456789abcdef"));
    assert!(!is_file_token("jtlf_0123456789ABCDEF0123456789abcdef"));
    assert!(!is_file_token("jtlf_../../etc/passwd"));
}

#[test]
fn contact_request_refuses_seller_id_and_unknown_fields() {
    for body in [&br#"{"topic":"QUESTION","sellerId":"evil"}"#[..], br#"{"topic":"QUESTION","seller_id":"evil"}"#] {
        let issues = decode_contact(body).unwrap_err().unwrap();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, "extra_forbidden");
        assert!(issues[0].loc[0].to_ascii_lowercase().starts_with("seller"));
    }
    let issues = decode_contact(br#"{"subject":5,"attachments":[{"file_token":"x","filename":"y","url":"z"}]}"#)
        .unwrap_err()
        .unwrap();
    assert_eq!(fields(&issues), ["attachments", "subject"]);
    assert_eq!(issues[0].kind, "extra_forbidden");
    assert_eq!(issues[1].kind, "invalid_type");
    assert!(decode_contact(b"nope").unwrap_err().is_none());
    assert!(decode_contact(b"[]").unwrap_err().is_some());
}
