use super::*;

fn write(text: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("pd-config-{}.toml", uuid::Uuid::new_v4()));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn file_then_env_precedence() {
    let p = write(
            "listen = \"0.0.0.0:9000\"\nallowed_origins = [\"https://shop.example/\"]\n[support]\npublic_key = \"pk\"\nsecret_key = \"sk-file\"\n[limits]\ncreate_per_minute = 3\n",
        );
    let env = vec![
        ("PARCEL_DESK_SUPPORT_SECRET_KEY".to_owned(), "sk-env".to_owned()),
        ("PARCEL_DESK_LIMITS_OTHER_PER_MINUTE".to_owned(), "7".to_owned()),
        ("PARCEL_DESK_SANDBOX".to_owned(), "true".to_owned()),
    ];
    let c = Config::load(Some(&p), env).unwrap();
    assert_eq!(c.listen.port(), 9000);
    assert_eq!(c.allowed_origins, ["https://shop.example"]);
    assert_eq!(c.support.public_key, "pk");
    assert_eq!(c.support.secret_key.expose(), "sk-env");
    assert_eq!(c.limits.create_per_minute, 3);
    assert_eq!(c.limits.other_per_minute, 7);
    assert!(c.sandbox);
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("sk-env") && dbg.contains("redacted"), "{dbg}");
}

#[test]
fn errors_name_the_key() {
    let p = write("[limits]\ncreate_per_minute = \"ten\"\n");
    let e = Config::load(Some(&p), Vec::new()).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("limits.create_per_minute"));
    assert!(e.to_string().contains("limits.create_per_minute"));
    let p = write("colour = 1\n");
    assert_eq!(Config::load(Some(&p), Vec::new()).unwrap_err().key.as_deref(), Some("colour"));
    let env = vec![("PARCEL_DESK_API_PREFIX".to_owned(), "api/".to_owned())];
    let e = Config::load(None, env).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("api_prefix"));
    assert!(e.origin.contains("PARCEL_DESK_API_PREFIX"));
    let env = vec![("PARCEL_DESK_SUPPORT_BASE_URL".to_owned(), "https://u:p@x.example".to_owned())];
    assert_eq!(Config::load(None, env).unwrap_err().key.as_deref(), Some("support.base_url"));
}

#[test]
fn env_names() {
    assert_eq!(env_var_name("support.base_url"), "PARCEL_DESK_SUPPORT_BASE_URL");
    assert_eq!(env_var_name("limits.upload_bytes"), "PARCEL_DESK_LIMITS_UPLOAD_BYTES");
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn keys_are_exactly_the_raw_layer() {
    use super::raw::*;
    let sections: [(&str, &[&str]); 11] = [
        ("", RawTop::FIELDS),
        ("support", RawSupport::FIELDS),
        ("limits", RawLimits::FIELDS),
        ("upstream", RawUpstream::FIELDS),
        ("store", RawStore::FIELDS),
        ("access", RawAccess::FIELDS),
        ("tracking", RawTracking::FIELDS),
        ("claims", RawClaims::FIELDS),
        ("orders", RawOrders::FIELDS),
        ("staff", RawStaff::FIELDS),
        ("jtl", RawJtl::FIELDS),
    ];
    let mut raw: Vec<String> = sections
        .iter()
        .flat_map(|(s, fields)| {
            fields.iter().map(move |f| if s.is_empty() { (*f).to_owned() } else { format!("{s}.{f}") })
        })
        .collect();
    let mut keys: Vec<String> = KEYS.iter().map(|(k, _)| (*k).to_owned()).collect();
    raw.sort();
    keys.sort();
    assert_eq!(raw, keys);
    // Each key is read from the file under its own name (a table is never a
    // value, so each one fails, naming the key, and none is unknown).
    for (key, _) in KEYS {
        let text = match key.split_once('.') {
            Some((section, field)) => format!("[{section}]\n{field} = {{}}\n"),
            None => format!("{key} = {{}}\n"),
        };
        let e = Config::load(Some(&write(&text)), Vec::new()).unwrap_err();
        assert_eq!(e.key.as_deref(), Some(*key), "{e}");
        assert!(e.message.starts_with("expected "), "{e}");
    }
}

#[test]
fn unknown_keys_in_the_file_are_named() {
    for (text, key) in [
        ("colour = 1\n", "colour"),
        ("[support]\nbase_ur1 = \"https://x.example\"\n", "support.base_ur1"),
        ("[colours]\nred = 1\n", "colours"),
        ("support = 5\n", "support"),
    ] {
        let e = Config::load(Some(&write(text)), Vec::new()).unwrap_err();
        assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
        assert_eq!(e.message, "unknown key (see proxy/README.md for the list)", "{text}");
        assert!(e.origin.starts_with("config file "), "{e}");
    }
    let e = Config::load(Some(&write("listen = \n")), Vec::new()).unwrap_err();
    assert_eq!(e.key, None);
    assert!(e.message.starts_with("not valid TOML"), "{e}");
    // Other PARCEL_DESK_* variables are no configuration keys: left alone.
    assert!(Config::load(None, env(&[("PARCEL_DESK_SANDBOX_PUBLIC_KEY", "x"), ("PARCEL_DESK_COLOUR", "red")])).is_ok());
}

#[test]
fn env_values_are_read_as_before() {
    for (v, expected) in [("1", true), ("yes", true), (" ON ", true), ("0", false), ("off", false), ("", false)] {
        let c = Config::load(None, env(&[("PARCEL_DESK_TRUST_FORWARDED_FOR", v)])).unwrap();
        assert_eq!(c.trust_forwarded_for, expected, "{v:?}");
    }
    let c = Config::load(
        None,
        env(&[
            ("PARCEL_DESK_ALLOWED_ORIGINS", "https://a.example, https://b.example/ ,"),
            ("PARCEL_DESK_LIMITS_JSON_BODY_BYTES", " 1000 "),
            ("PARCEL_DESK_SANDBOX", "1"),
            ("PARCEL_DESK_SANDBOX_FAULTS", "0.5"),
            ("PARCEL_DESK_JTL_SELLER_ID", " 4711 "),
            ("PARCEL_DESK_JTL_REFRESH_TOKEN", "r"),
            ("PARCEL_DESK_STORE_PATH", ""),
        ]),
    )
    .unwrap();
    assert_eq!(c.allowed_origins, ["https://a.example", "https://b.example"]);
    assert_eq!(c.limits.json_body_bytes.get(), 1000);
    assert_eq!(c.sandbox_faults, 0.5);
    assert!(c.jtl.enabled() && c.jtl.seller_id == "4711");
    assert_eq!(c.store.path, None);
    for (name, value, message) in [
        ("PARCEL_DESK_SANDBOX", "maybe", "expected true or false"),
        ("PARCEL_DESK_LIMITS_CREATE_PER_MINUTE", "-1", "expected a non-negative integer"),
        ("PARCEL_DESK_LIMITS_CREATE_PER_MINUTE", "4294967296", "too large"),
        ("PARCEL_DESK_SANDBOX_FAULTS", "lots", "expected a number"),
        ("PARCEL_DESK_SUPPORT_TIMEOUT_SECS", "0", "must be at least 1"),
        ("PARCEL_DESK_SUPPORT_AUTH", "digest", "expected basic or oauth2"),
        ("PARCEL_DESK_LISTEN", "localhost", "expected an address like 127.0.0.1:8080"),
    ] {
        let e = Config::load(None, env(&[(name, value)])).unwrap_err();
        assert_eq!(e.origin, format!("environment variable {name}"), "{e}");
        assert_eq!(e.message, message, "{name}={value}");
        assert!(!e.to_string().contains(value) || value.len() < 3, "{e}");
    }
}

#[test]
fn file_errors_say_what_was_expected_without_the_value() {
    for (text, key, message) in [
        ("[support]\nsecret_key = 5\n", "support.secret_key", "expected a string"),
        ("sandbox = \"yes\"\n", "sandbox", "expected true or false"),
        ("[limits]\nupload_bytes = -5\n", "limits.upload_bytes", "expected a non-negative integer"),
        ("[limits]\nupload_bytes = 1.5\n", "limits.upload_bytes", "expected a non-negative integer"),
        ("allowed_origins = \"https://a.example\"\n", "allowed_origins", "expected a list of strings"),
        ("allowed_origins = [1]\n", "allowed_origins", "expected a list of strings"),
        ("sandbox_faults = \"x\"\n", "sandbox_faults", "expected a number"),
        ("[limits]\nupload_bytes = 0\n", "limits.upload_bytes", "must be greater than 0"),
        ("[store]\nurl = \"sqlite:///x\"\npath = \"y\"\n", "store.url", "set either store.url or store.path, not both"),
    ] {
        let e = Config::load(Some(&write(text)), Vec::new()).unwrap_err();
        assert_eq!((e.key.as_deref(), e.message.as_str()), (Some(key), message), "{text}");
    }
    // sandbox_faults needs the sandbox, which the command line may turn on.
    let p = write("sandbox_faults = 0.2\n");
    let e = Config::load(Some(&p), Vec::new()).unwrap_err();
    assert_eq!(e.message, "only works with the sandbox (--sandbox)");
    let flags = Flags { sandbox: true, ..Flags::default() };
    assert_eq!(Config::load_with(Some(&p), Vec::new(), flags).unwrap().sandbox_faults, 0.2);
    let flags = Flags { sandbox: true, sandbox_faults: Some(2.0), ..Flags::default() };
    let e = Config::load_with(None, Vec::new(), flags).unwrap_err();
    assert_eq!((e.origin.as_str(), e.message.as_str()), ("command line", "must be a number from 0 to 1"));
}

#[test]
fn token_url_is_only_read_with_oauth2() {
    let p = write("[support]\ntoken_url = \"not a url\"\n");
    assert!(Config::load(Some(&p), Vec::new()).is_ok());
    let e = Config::load(Some(&p), env(&[("PARCEL_DESK_SUPPORT_AUTH", "oauth2")])).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("support.token_url"));
}

#[test]
fn jtl_rules() {
    let load = |pairs: &[(&str, &str)]| Config::load(None, env(pairs));
    let c = load(&[]).unwrap();
    assert!(!c.jtl.enabled());
    let e = load(&[("PARCEL_DESK_JTL_SELLER_ID", "4711")]).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("jtl.refresh_token"));
    assert_eq!(e.origin, "not set");
    let ok = [("PARCEL_DESK_JTL_SELLER_ID", "4711"), ("PARCEL_DESK_JTL_REFRESH_TOKEN", "r")];
    assert!(load(&ok).unwrap().jtl.enabled());
    let e = load(&[ok[1], ("PARCEL_DESK_JTL_SELLER_ID", "47-11")]).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("jtl.seller_id"));
    let e = load(&[ok[0], ok[1], ("PARCEL_DESK_JTL_BASE_URL", "ftp://x")]).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("jtl.base_url"));
}

#[test]
fn secrets_stay_redacted_and_short_ones_are_refused() {
    let e = Config::load(None, env(&[("PARCEL_DESK_ACCESS_TOKEN_KEY", "short-key")])).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("access.token_key"));
    assert!(!e.to_string().contains("short-key"));
    let e = Config::load(None, env(&[("PARCEL_DESK_STAFF_TOKEN", "short")])).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("staff.token"));
    let c = Config::load(
        None,
        env(&[
            ("PARCEL_DESK_STAFF_TOKEN", "staff-token-0123456789"),
            ("PARCEL_DESK_JTL_REFRESH_TOKEN", "jtl-refresh-4711"),
            ("PARCEL_DESK_JTL_SELLER_ID", "4711"),
            ("PARCEL_DESK_STORE_URL", "postgres://u:db-password@localhost:5432/x"),
        ]),
    )
    .unwrap();
    let dbg = format!("{c:?}");
    for secret in ["staff-token-0123456789", "jtl-refresh-4711", "db-password"] {
        assert!(!dbg.contains(secret), "{dbg}");
    }
}

#[test]
fn the_shops_part_of_a_customers_claim() {
    use parcel_desk_wire::ParcelKind;
    assert_eq!(Config::load(None, Vec::new()).unwrap().claims.parcel_kind, None);
    let p = write("[claims]\nparcel_kind = \"own_contract\"\ncarrier_contract_id = 42\n");
    let c = Config::load(Some(&p), Vec::new()).unwrap();
    assert_eq!((c.claims.parcel_kind, c.claims.carrier_contract_id), (Some(ParcelKind::OwnContract), Some(42)));
    let c = Config::load(None, env(&[("PARCEL_DESK_CLAIMS_PARCEL_KIND", "sendcloud_rates")])).unwrap();
    assert_eq!(c.claims.parcel_kind, Some(ParcelKind::SendcloudRates));
    for bad in [
        env(&[("PARCEL_DESK_CLAIMS_PARCEL_KIND", "dhl")]),
        env(&[("PARCEL_DESK_CLAIMS_CARRIER_CONTRACT_ID", "0"), ("PARCEL_DESK_CLAIMS_PARCEL_KIND", "own_contract")]),
        env(&[("PARCEL_DESK_CLAIMS_CARRIER_CONTRACT_ID", "7"), ("PARCEL_DESK_CLAIMS_PARCEL_KIND", "sendcloud_rates")]),
    ] {
        assert!(Config::load(None, bad).unwrap_err().key.unwrap().starts_with("claims."));
    }
    let mut sandbox = Config::default();
    sandbox.use_sandbox("http://127.0.0.1:1", "pk".into(), Secret::new("sk"), "4711").unwrap();
    assert_eq!(sandbox.claims.parcel_kind, Some(ParcelKind::OwnContract));
}

#[test]
fn orders_rules() {
    let env =
        |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
    assert!(Config::load(None, Vec::new()).unwrap().orders.url.is_none());
    let c = Config::load(
        None,
        env(&[
            ("PARCEL_DESK_ORDERS_URL", "https://shop.example/parcel-desk/orders"),
            ("PARCEL_DESK_ORDERS_SECRET", "orders-secret-0123456789"),
        ]),
    )
    .unwrap();
    assert_eq!(c.orders.url.as_ref().unwrap().as_str(), "https://shop.example/parcel-desk/orders");
    assert_eq!(c.orders.secret.expose(), "orders-secret-0123456789");
    assert!(!format!("{c:?}").contains("orders-secret-0123456789"));

    let e = Config::load(None, env(&[("PARCEL_DESK_ORDERS_URL", "ftp://shop.example/orders")])).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("orders.url"));
    assert_eq!(e.origin, "environment variable PARCEL_DESK_ORDERS_URL");
    assert!(e.to_string().contains("must be an absolute http(s) URL"), "{e}");
    let e = Config::load(None, env(&[("PARCEL_DESK_ORDERS_URL", "not a url")])).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("orders.url"));

    let e = Config::load(None, env(&[("PARCEL_DESK_ORDERS_SECRET", "orders-secret-0123456789")])).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("orders.secret"));
    assert!(e.to_string().contains("only with orders.url"), "{e}");
    assert!(!e.to_string().contains("orders-secret-0123456789"));
    let e = Config::load(
        None,
        env(&[("PARCEL_DESK_ORDERS_URL", "https://shop.example/o"), ("PARCEL_DESK_ORDERS_SECRET", "short")]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("at least 16 characters"), "{e}");

    let p = write("[orders]\nurl = \"http://127.0.0.1:9/orders\"\nsecret = \"orders-secret-0123456789\"\n");
    assert!(Config::load(Some(&p), Vec::new()).unwrap().orders.url.is_some());

    let mut sandbox = Config::default();
    sandbox.use_sandbox("http://127.0.0.1:9", "pk".into(), Secret::new("sandbox-secret"), "seller").unwrap();
    assert_eq!(sandbox.orders.url.as_ref().unwrap().as_str(), "http://127.0.0.1:9/orders");
    assert_eq!(sandbox.orders.secret.expose(), "sandbox-secret");
}

#[test]
fn named_staff_tokens_from_the_file_and_the_environment() {
    let p = write(
        "[staff]\ntoken = \"single-staff-token-0123\"\n[[staff.tokens]]\nname = \"Anna\"\ntoken = \"anna-token-0123456789\"\n[[staff.tokens]]\nname = \" Ben \"\ntoken = \"ben-token-0123456789ab\"\n",
    );
    let c = Config::load(Some(&p), Vec::new()).unwrap();
    let all: Vec<(String, String)> = c.staff.all().into_iter().map(|(n, t)| (n, t.expose().to_owned())).collect();
    assert_eq!(
        all,
        [
            ("Anna".into(), "anna-token-0123456789".into()),
            ("Ben".into(), "ben-token-0123456789ab".into()),
            ("staff".into(), "single-staff-token-0123".into())
        ]
    );
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("anna-token") && !dbg.contains("ben-token"), "{dbg}");
    // The environment: name:token pairs; it replaces the file's list.
    let c = Config::load(Some(&p), env(&[("PARCEL_DESK_STAFF_TOKENS", "Cleo:cleo-token-0123456789")])).unwrap();
    assert_eq!(c.staff.tokens.len(), 1);
    assert_eq!((c.staff.tokens[0].name.as_str(), c.staff.tokens[0].token.expose()), ("Cleo", "cleo-token-0123456789"));
    assert!(c.staff.enabled());
    assert!(!Config::load(None, Vec::new()).unwrap().staff.enabled());
    let refused = [
        ("Anna:short", "at least 16"),
        (":anna-token-0123456789", "name is empty"),
        ("Anna:anna-token-0123456789,Anna:anna-token-9876543210", "used twice"),
        ("Anna:anna-token-0123456789,Ben:anna-token-0123456789", "same token"),
        ("anna-token-0123456789", "name:token"),
    ];
    for (value, says) in refused {
        let e = Config::load(None, env(&[("PARCEL_DESK_STAFF_TOKENS", value)])).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("staff.tokens"), "{value}");
        assert!(e.to_string().contains(says), "{value}: {e}");
        assert!(!e.to_string().contains("0123456789"), "a token in an error: {e}");
    }
    let e = Config::load(
        None,
        env(&[
            ("PARCEL_DESK_STAFF_TOKEN", "single-staff-token-0123"),
            ("PARCEL_DESK_STAFF_TOKENS", "A:single-staff-token-0123"),
        ]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("same token"), "{e}");
    let p = write("[[staff.tokens]]\nname = \"Anna\"\n");
    let e = Config::load(Some(&p), Vec::new()).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("staff.tokens"));
    let p = write("[[staff.tokens]]\nname = \"Anna\"\ntoken = \"anna-token-0123456789\"\nrole = \"admin\"\n");
    assert!(Config::load(Some(&p), Vec::new()).is_err(), "unknown keys in a token are refused");
}

#[test]
fn claims_review() {
    assert_eq!(Config::load(None, Vec::new()).unwrap().claims.review, Review::WhenIncomplete);
    let p = write("[claims]\nreview = \"always\"\n");
    assert_eq!(Config::load(Some(&p), Vec::new()).unwrap().claims.review, Review::Always);
    let c = Config::load(None, env(&[("PARCEL_DESK_CLAIMS_REVIEW", "never")])).unwrap();
    assert_eq!(c.claims.review, Review::Never);
    let e = Config::load(None, env(&[("PARCEL_DESK_CLAIMS_REVIEW", "sometimes")])).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("claims.review"));
}
