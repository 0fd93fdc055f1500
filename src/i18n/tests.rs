//! Every language file has every text: no missing, extra or empty
//! field, the same `{}` placeholders as English, and every value table
//! covering exactly the wire values of its enum.

use super::*;
use parcel_desk_wire::claim::{ClaimField, ClaimType, ParcelKind};
use parcel_desk_wire::{inbox, jtl, ticket, tracking};
use serde_json::Value;
use std::collections::BTreeSet;

/// The wire values each value table must cover, by field name.
fn wire_values(table: &str) -> Option<Vec<String>> {
    fn all<T>(values: &[T], as_str: impl Fn(&T) -> &str) -> Vec<String> {
        values.iter().map(|v| as_str(v).to_owned()).collect()
    }
    Some(match table {
        "ticket_types" => all(ticket::TicketType::ALL, ticket::TicketType::as_str),
        "data_types" => all(ticket::DataType::ALL, ticket::DataType::as_str),
        "customer_outcomes" => all(ticket::Outcome::ALL, ticket::Outcome::as_str),
        "tracking_phases" => all(tracking::TrackingStatus::ALL, tracking::TrackingStatus::as_str),
        "status_types" => all(tracking::StatusType::ALL, tracking::StatusType::as_str),
        "topics" => all(jtl::Topic::ALL, jtl::Topic::as_str),
        "reference_types" => all(jtl::ReferenceType::ALL, jtl::ReferenceType::as_str),
        "inbox_buckets" => all(inbox::Bucket::ALL, inbox::Bucket::as_str),
        "claim_types" => all(&ClaimType::ALL, |t| t.as_str()),
        // What `needed[].key` can be: a claim field or the parcel kind.
        "claim_fields" => {
            let mut keys = all(ClaimField::ALL, |f| f.wire_name());
            keys.push("parcel_kind".into());
            keys
        }
        "parcel_kinds" => all(&[ParcelKind::OwnContract, ParcelKind::SendcloudRates], |k| inbox::parcel_kind_str(*k)),
        // The history's actions and actors as the inbox contract lists them
        // (plain strings on the wire; a staff token's own name is shown as is).
        "history_actions" => [
            "accepted",
            "completed",
            "approved",
            "rejected",
            "filed",
            "needs_attention",
            "answered_request",
            "ticket_known",
            "order_facts",
            "mail_sent",
            "mail_failed",
            "upstream_status",
        ]
        .map(String::from)
        .to_vec(),
        "history_actors" => ["customer", "proxy", "staff", "mail"].map(String::from).to_vec(),
        _ => return None,
    })
}

/// A language file as field name → value.
fn fields(lang: Lang) -> serde_json::Map<String, Value> {
    let path = format!("{}/i18n/{}.json", env!("CARGO_MANIFEST_DIR"), lang.tag());
    match serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap() {
        Value::Object(map) => map,
        other => panic!("{path}: not an object: {other}"),
    }
}

#[test]
fn every_file_has_exactly_the_fields_of_texts_and_parses() {
    let expected: BTreeSet<&str> = Texts::TEXT_FIELDS.iter().chain(Texts::TABLE_FIELDS).copied().collect();
    assert!(expected.len() > 200, "only {} fields", expected.len());
    for lang in Lang::ALL {
        let names: BTreeSet<String> = fields(lang).keys().cloned().collect();
        let names: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(names, expected, "{lang:?}: fields differ from Texts");
        let texts = lang.loaded().expect("native builds load every language");
        assert!(!texts.submit.is_empty());
    }
}

#[test]
fn seconds_in_words() {
    let en = Lang::En.texts();
    assert_eq!(en.seconds(1), "1 second");
    assert_eq!(en.seconds(30), "30 seconds");
    assert_eq!(
        en.err_rate_limited_secs.replace("{}", &en.seconds(1)),
        "Too many requests are arriving right now. Please try again in 1 second."
    );
    for lang in Lang::ALL {
        let t = lang.loaded().expect("native builds load every language");
        assert!(t.seconds(1).starts_with('1') && !t.seconds(1).contains("{}"), "{lang:?}");
        assert!(t.seconds(7).starts_with('7') && t.seconds(7) != t.seconds(1).replace('1', "7"), "{lang:?}");
    }
}

#[test]
fn every_field_holds_its_own_text() {
    for lang in Lang::ALL {
        let file = fields(lang);
        let t = lang.loaded().unwrap();
        let text = |name: &str| file[name].as_str().unwrap().to_owned();
        // The first and last text and table, and a few between.
        assert_eq!(t.claim_title, text("claim_title"), "{lang:?}");
        assert_eq!(t.submit, text("submit"), "{lang:?}");
        assert_eq!(t.err_rate_limited_secs, text("err_rate_limited_secs"), "{lang:?}");
        assert_eq!(t.err_part_not_loaded, text("err_part_not_loaded"), "{lang:?}");
        assert_eq!(Texts::TEXT_FIELDS.last(), Some(&"err_part_not_loaded"));
        assert_eq!(t.word(t.topics, "DELIVERY", "?"), file["topics"]["DELIVERY"].as_str().unwrap(), "{lang:?}");
        assert_eq!(t.status_types.len(), file["status_types"].as_object().unwrap().len(), "{lang:?}");
        assert_eq!(
            t.word(t.status_types, "success", "?"),
            file["status_types"]["success"].as_str().unwrap(),
            "{lang:?}"
        );
        assert_eq!(Texts::TABLE_FIELDS.last(), Some(&"history_actors"));
    }
}

#[test]
fn the_parser_walks_the_same_names_in_the_same_order() {
    for (fields, is_view, core, views) in [
        (Texts::TEXT_FIELDS, &TEXT_IS_VIEW[..], CORE_TEXT_NAMES, VIEW_TEXT_NAMES),
        (Texts::TABLE_FIELDS, &TABLE_IS_VIEW[..], CORE_TABLE_NAMES, VIEW_TABLE_NAMES),
    ] {
        let mut walked = vec![""; fields.len()];
        walk(core, is_view, false, |i, name| walked[i] = name);
        walk(views, is_view, true, |i, name| walked[i] = name);
        assert_eq!(walked, fields);
        assert_eq!(is_view.iter().filter(|v| **v).count(), views.split_terminator(' ').count());
    }
}

#[test]
fn a_file_with_missing_or_malformed_fields_is_refused_naming_them() {
    let mut broken = fields(Lang::De);
    broken.remove("submit");
    broken.insert("customer_outcomes".into(), Value::String("nope".into()));
    broken.insert("cancel".into(), Value::Bool(true));
    let err = Texts::parse(&Value::Object(broken).to_string()).expect_err("refused");
    assert_eq!(err, "missing or not text: submit, cancel, customer_outcomes");
    assert_eq!(Texts::parse("[1]").err().as_deref(), Some("not a JSON object"));
    assert!(Texts::parse("{").err().unwrap().starts_with("not JSON"));
}

fn placeholders(s: &str) -> usize {
    s.matches("{}").count()
}

/// Empty, blank, or padded text (French keeps one trailing no-break
/// space before a colon the code adds).
fn blank_or_padded(s: &str) -> bool {
    let s = s.strip_suffix('\u{a0}').unwrap_or(s);
    s.trim().is_empty() || s.trim() != s
}

#[test]
fn every_language_has_every_text_with_the_placeholders_of_english() {
    let english = fields(Lang::En);
    assert!(english.len() > 200, "only {} fields found", english.len());
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        let texts = fields(lang);
        assert_eq!(
            texts.keys().collect::<Vec<_>>(),
            english.keys().collect::<Vec<_>>(),
            "{lang:?}: fields differ from English"
        );
        for (name, value) in &texts {
            let Value::String(text) = value else { continue };
            let Value::String(en) = &english[name] else { unreachable!() };
            if blank_or_padded(text) {
                problems.push(format!("{lang:?}.{name}: empty or padded {text:?}"));
            }
            if placeholders(text) != placeholders(en) {
                problems.push(format!(
                    "{lang:?}.{name}: {} `{{}}` placeholder(s), English has {}: {text:?}",
                    placeholders(text),
                    placeholders(en)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_value_table_covers_exactly_the_wire_values_in_every_language() {
    let mut problems = Vec::new();
    let mut tables_seen = BTreeSet::new();
    for lang in Lang::ALL {
        for (name, value) in fields(lang) {
            let Value::Object(rows) = value else { continue };
            tables_seen.insert(name.clone());
            let Some(expected) = wire_values(&name) else {
                problems
                    .push(format!("{lang:?}.{name}: a value table this test does not know; map it to its wire enum"));
                continue;
            };
            let mut seen = BTreeSet::new();
            for (wire, text) in rows {
                let Value::String(text) = text else { panic!("{lang:?}.{name}.{wire}: not text: {text}") };
                seen.insert(wire.clone());
                if !expected.contains(&wire) {
                    problems.push(format!("{lang:?}.{name}: {wire:?} is not a wire value"));
                }
                if blank_or_padded(&text) || placeholders(&text) != 0 {
                    problems.push(format!("{lang:?}.{name}[{wire}]: bad text {text:?}"));
                }
            }
            for wire in &expected {
                if !seen.contains(wire) {
                    problems.push(format!("{lang:?}.{name}: no words for {wire:?}"));
                }
            }
        }
    }
    assert_eq!(tables_seen.len(), 13, "value tables: {tables_seen:?}");
    assert_eq!(wire_values("tracking_phases").unwrap().len(), 18);
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn translations_are_not_english_left_in_place() {
    // A few words are the same in several languages ("Feedback",
    // "Name", "Photos"); whole sentences copied from English are not.
    let english = fields(Lang::En);
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        let texts = fields(lang);
        let copied: Vec<&str> = texts
            .iter()
            .filter(|(name, value)| {
                matches!(value, Value::String(s) if s.contains(' ')) && english.get(*name) == Some(*value)
            })
            .map(|(name, _)| name.as_str())
            .collect();
        assert!(copied.is_empty(), "{lang:?} still has English sentences: {copied:?}");
    }
}

#[test]
fn tags_pick_the_language_with_or_without_a_region() {
    for lang in Lang::ALL {
        assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
    }
    for (tag, lang) in [
        ("en-GB", Lang::En),
        ("de-AT", Lang::De),
        ("de_CH", Lang::De),
        ("nl", Lang::Nl),
        ("nl-BE", Lang::Nl),
        ("fr-BE", Lang::Fr),
        ("FR-ca", Lang::Fr),
        ("es_ES", Lang::Es),
        ("es-419", Lang::Es),
        ("it", Lang::It),
        ("it-CH", Lang::It),
    ] {
        assert_eq!(Lang::from_tag(tag), Some(lang), "{tag}");
    }
    for tag in ["", "pt-BR", "pl", "nld", "e", "-fr"] {
        assert_eq!(Lang::from_tag(tag), None, "{tag:?}");
    }
    let tags: BTreeSet<&str> = Lang::ALL.iter().map(|l| l.tag()).collect();
    assert_eq!(tags.len(), Lang::ALL.len(), "tags are distinct");
}

/// `lang`'s file split as the split build ships it (build.rs): the core
/// texts and the view texts.
fn split_file(lang: Lang) -> (serde_json::Map<String, Value>, serde_json::Map<String, Value>) {
    fields(lang).into_iter().partition(|(k, _)| !VIEW_FIELDS.contains(&k.as_str()))
}

/// A language file made of `map` (through the parser of the target: the
/// browser's in the WebAssembly build).
fn file(map: &serde_json::Map<String, Value>) -> File {
    File::parse(&serde_json::to_string(map).unwrap()).unwrap()
}

#[test]
fn the_view_texts_are_texts_only_the_views_in_their_own_modules_use() {
    let all: BTreeSet<&str> = Texts::TEXT_FIELDS.iter().chain(Texts::TABLE_FIELDS).copied().collect();
    let views: BTreeSet<&str> = VIEW_FIELDS.iter().copied().collect();
    assert_eq!(views.len(), VIEW_FIELDS.len(), "no name twice");
    assert!(views.is_subset(&all), "{:?}", views.difference(&all).collect::<Vec<_>>());
    // A good part of the texts, but not those the claim form shows.
    assert!(views.len() > 100, "only {} view texts", views.len());
    for core in ["claim_title", "submit", "err_network", "retry", "err_part_not_loaded", "tracking_phases", "nav_label"]
    {
        assert!(!views.contains(core), "{core} is the claim form's or the shell's");
    }
    for view in ["status_title", "staff_desk_title", "contact_title", "inbox_buckets", "history_actions"] {
        assert!(views.contains(view), "{view} is only a view's");
    }
}

#[test]
fn core_texts_then_view_texts_make_the_whole_language() {
    for lang in Lang::ALL {
        let whole = Texts::parse(&serde_json::to_string(&fields(lang)).unwrap()).unwrap();
        let (core_map, views_map) = split_file(lang);
        let (core, views) = (file(&core_map), file(&views_map));
        // The core file alone: the core texts, the view texts empty; as a
        // complete language it is refused.
        let partial = Texts::core_from(&core).unwrap();
        assert_eq!((partial.submit, partial.status_title), (whole.submit, ""), "{lang:?}");
        assert!(partial.inbox_buckets.is_empty());
        let refused = Texts::parse_file(&core).err().unwrap();
        assert!(refused.contains(built_view_text()), "{refused}");
        // With the view texts: the whole language.
        let merged = partial.with_views(&views).unwrap();
        assert_eq!(format!("{merged:?}"), format!("{whole:?}"), "{lang:?}");
        // A view file without one of its texts is refused, naming it.
        let mut short = views_map.clone();
        short.remove(built_view_text());
        let e = partial.with_views(&file(&short)).err().unwrap();
        assert_eq!(e, format!("missing or not text: {}", built_view_text()));
        // Texts only views this build does not have may be left out
        // (build.rs leaves them out of its files).
        let built: serde_json::Map<String, Value> =
            views_map.into_iter().filter(|(k, _)| !UNBUILT_FIELDS.contains(&k.as_str())).collect();
        assert!(partial.with_views(&file(&built)).is_ok(), "{lang:?}");
        // A core file without a core text is refused, naming it.
        let mut short = core_map.clone();
        short.remove("submit");
        let e = Texts::core_from(&file(&short)).err().unwrap();
        assert_eq!(e, "missing or not text: submit");
    }
}

/// A view text this build shows.
fn built_view_text() -> &'static str {
    VIEW_FIELDS.iter().find(|f| !UNBUILT_FIELDS.contains(f)).expect("the claim form's questions have view texts")
}

#[test]
fn a_build_without_some_views_needs_none_of_their_texts() {
    for (field, feature) in [
        ("status_title", cfg!(feature = "status")),
        ("staff_desk_title", cfg!(feature = "staff")),
        ("contact_title", cfg!(feature = "contact")),
    ] {
        assert_eq!(UNBUILT_FIELDS.contains(&field), !feature, "{field}");
    }
    assert!(UNBUILT_FIELDS.iter().all(|f| VIEW_FIELDS.contains(f)), "only view texts");
    // What the claim form's questions and success screen say is always there.
    for field in ["you_legend", "success_title"] {
        assert!(VIEW_FIELDS.contains(&field) && !UNBUILT_FIELDS.contains(&field), "{field}");
    }
}

/// Every text and table is read by some code: a field no code names is
/// only weight in every language file (and, in English, in the wasm).
#[test]
fn every_text_is_used() {
    fn sources(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n/tests.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // The field list itself does not count.
                let text = match text.find("\ntexts! {") {
                    Some(list) => {
                        let end = list + text[list..].find("\n}\n").expect("the list ends");
                        format!("{}{}", &text[..list], &text[end..])
                    }
                    None => text,
                };
                out.push_str(&text);
            }
        }
    }
    let mut code = String::new();
    sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut code);
    let unused: Vec<&str> = Texts::TEXT_FIELDS
        .iter()
        .chain(Texts::TABLE_FIELDS)
        .copied()
        .filter(|field| {
            !code.match_indices(field).any(|(at, _)| {
                let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !word(code[..at].chars().next_back()) && !word(code[at + field.len()..].chars().next())
            })
        })
        .collect();
    assert!(unused.is_empty(), "texts no code reads: {unused:?}");
}
