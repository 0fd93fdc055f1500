// Minifies the widget's stylesheet into OUT_DIR (see src/css_min.rs); the
// crate compiles in the result (`CSS` in src/lib.rs), the split build only
// the rules its shell needs. Splits the texts the same way (texts_per_view).
#[path = "src/css_min.rs"]
mod css_min;

fn main() {
    // The split build (feature `split`, scripts/split-build.sh): the linker
    // keeps its relocations, which wasm-split-cli needs to cut the module
    // into the shell and one module per view.
    if has_feature("split") && std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "wasm"))
    {
        println!("cargo:rustc-link-arg-cdylib=--emit-relocs");
    }
    // `cfg(views)`: a view other than the claim form is compiled in.
    println!("cargo::rustc-check-cfg=cfg(views)");
    if ["status", "track", "contact", "staff"].into_iter().any(has_feature) {
        println!("cargo:rustc-cfg=views");
    }
    println!("cargo:rerun-if-changed=style/widget.css");
    println!("cargo:rerun-if-changed=src/css_min.rs");
    let css = css_min::minify(&std::fs::read_to_string("style/widget.css").expect("style/widget.css"));
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("widget.css"), &css).expect("writing the minified stylesheet");
    let code = Code::read();
    // The split build's shell compiles in only the rules that can match
    // what the shell renders; the rest come with the view texts
    // (`stylesheet`, see `texts_per_view`).
    let module_only = |class: &str| code.only_in_views(|code| names_class(code, class));
    std::fs::write(out_dir.join("widget.shell.css"), css_min::rules_without(&css, &module_only))
        .expect("writing the shell's stylesheet");
    // What the modules' texts bring: the rules this build can need.
    let unbuilt = |class: &str| code.only_unbuilt(|code| names_class(code, class));
    texts_per_view(&out_dir, &code, &css_min::rules_without(&css, &unbuilt));
}

/// Whether the crate is built with the cargo feature `name`.
fn has_feature(name: &str) -> bool {
    std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase())).is_some()
}

/// The crate's code, in three parts: that of the views in their own
/// modules ([`VIEW_SOURCES`]) this build has, that of the views it does not
/// have (`--no-default-features`: the claim form alone), and the rest.
struct Code {
    views: String,
    unbuilt: String,
    other: String,
}

impl Code {
    fn read() -> Code {
        println!("cargo:rerun-if-changed=src");
        let mut code = Code { views: String::new(), unbuilt: String::new(), other: String::new() };
        for file in rust_files(std::path::Path::new("src")) {
            let name = file.to_string_lossy().replace('\\', "/");
            if name.starts_with("src/i18n/") {
                continue; // the texts' own tests name every field
            }
            let text = std::fs::read_to_string(&file).expect("reading a source file");
            let source =
                VIEW_SOURCES.iter().find(|(v, _)| if v.ends_with('/') { name.starts_with(v) } else { name == *v });
            let part = match source {
                Some((_, Some(feature))) if !has_feature(feature) => &mut code.unbuilt,
                Some(_) => &mut code.views,
                None => &mut code.other,
            };
            part.push_str(&text);
            part.push('\n');
        }
        code
    }

    /// Whether the views' code names something (`named` says if a piece
    /// of code does) and no other code does: something named nowhere is
    /// the shell's (when in doubt, the shell's).
    fn only_in_views(&self, named: impl Fn(&str) -> bool) -> bool {
        (named(&self.views) || named(&self.unbuilt)) && !named(&self.other)
    }

    /// Whether only the code of views this build does not have names
    /// something: the build never shows it.
    fn only_unbuilt(&self, named: impl Fn(&str) -> bool) -> bool {
        named(&self.unbuilt) && !named(&self.views) && !named(&self.other)
    }
}

/// Where the texts and the stylesheet classes of the views in their own
/// modules live (src/lazy.rs), and of the claim form's questions and
/// sending, which are a module too (src/claim/questions.rs): what only
/// their code names. (The status view's store and URL helpers are used by
/// the claim form too, so they are not among them; nor is what the form
/// shows before its questions, src/claim/situation.rs.) Each with the
/// cargo feature that compiles it in, if one does.
const VIEW_SOURCES: &[(&str, Option<&str>)] = &[
    ("src/claim/filing.rs", None),
    ("src/claim/questions.rs", None),
    ("src/upload/", None),
    ("src/contact.rs", Some("contact")),
    ("src/staff/", Some("staff")),
    ("src/status/mod.rs", Some("status")),
    ("src/status/lookup.rs", Some("status")),
    ("src/status/shown.rs", Some("status")),
    ("src/status/phase.rs", Some("status")),
    ("src/tracking/view.rs", Some("track")),
];

/// The field of `i18n/<tag>.views.json` that holds the stylesheet
/// (`add_views` in src/i18n.rs reads it).
const STYLESHEET: &str = "stylesheet";

/// Texts per view. A text field (or value table) of `i18n/*.json` is a
/// *view text* when the code of the views in their own modules names it
/// (`.field`) and no other source file does; every other field is a *core
/// text*, needed by the claim form and the shell (a field named nowhere,
/// or named also by some other code, stays core: when in doubt, core).
///
/// Writes into OUT_DIR `view_fields.rs` (the view texts' names, for
/// src/i18n.rs) and `unbuilt_fields.rs` (those only views this build does
/// not have name: a build without them needs no text for them). With
/// `PD_I18N_OUT` set (scripts/split-build.sh), also writes there, for
/// every language, `<tag>.json` (core texts) and `<tag>.views.json` (the
/// view texts this build shows, and as `stylesheet` the stylesheet `css`:
/// every rule this build can need): the files the split build ships.
fn texts_per_view(out_dir: &std::path::Path, code: &Code, css: &str) {
    use serde_json::{Map, Value};
    println!("cargo:rerun-if-changed=i18n");
    println!("cargo:rerun-if-env-changed=PD_I18N_OUT");
    let read = |path: &std::path::Path| -> Map<String, Value> {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => map,
            _ => panic!("{}: not a JSON object", path.display()),
        }
    };
    let english = read(std::path::Path::new("i18n/en.json"));
    let view_fields: Vec<&String> =
        english.keys().filter(|f| code.only_in_views(|code| names_field(code, f))).collect();
    // The view texts only views this build does not have name: its files
    // leave them out.
    let unbuilt: Vec<&String> =
        view_fields.iter().copied().filter(|f| code.only_unbuilt(|code| names_field(code, f))).collect();
    let list = |fields: &[&String]| format!("&[{}]", fields.iter().map(|f| format!("{f:?}, ")).collect::<String>());
    std::fs::write(out_dir.join("view_fields.rs"), list(&view_fields)).expect("writing view_fields.rs");
    std::fs::write(out_dir.join("unbuilt_fields.rs"), list(&unbuilt)).expect("writing unbuilt_fields.rs");
    let split = |texts: &Map<String, Value>| -> (Value, Value) {
        let (views, core): (Map<_, _>, Map<_, _>) = texts
            .clone()
            .into_iter()
            .filter(|(k, _)| !unbuilt.contains(&k))
            .partition(|(k, _)| view_fields.contains(&k));
        (Value::Object(core), Value::Object(views))
    };
    if let Some(dest) = std::env::var_os("PD_I18N_OUT") {
        let dest = std::path::PathBuf::from(dest);
        std::fs::create_dir_all(&dest).expect("creating PD_I18N_OUT");
        for entry in std::fs::read_dir("i18n").expect("i18n/") {
            let path = entry.expect("i18n/").path();
            let (Some(stem), Some("json")) =
                (path.file_stem().and_then(|s| s.to_str()), path.extension().and_then(|s| s.to_str()))
            else {
                continue;
            };
            let (core, mut views) = split(&read(&path));
            // The stylesheet, for the rules the shell leaves out (every
            // rule this build can need; the same in every language, and a
            // page fetches one of them).
            assert!(!english.contains_key(STYLESHEET), "i18n/en.json has a field named {STYLESHEET}");
            views.as_object_mut().expect("an object").insert(STYLESHEET.to_owned(), Value::String(css.to_owned()));
            std::fs::write(dest.join(format!("{stem}.json")), core.to_string()).expect("writing core texts");
            std::fs::write(dest.join(format!("{stem}.views.json")), views.to_string()).expect("writing view texts");
        }
    }
}

/// Whether `code` names `field` as a field: `.field` not followed by more
/// of an identifier.
fn names_field(code: &str, field: &str) -> bool {
    let pattern = format!(".{field}");
    code.match_indices(&pattern)
        .any(|(at, _)| !code[at + pattern.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// Whether `code` names the class `class`: not as part of a longer name,
/// or as a format string that completes it (`pd-event-{kind}` names
/// `pd-event-error`; `pd-{…}` alone, a prefix of every class, does not).
fn names_class(code: &str, class: &str) -> bool {
    let named = |name: &str, complete: bool| {
        code.match_indices(name).any(|(at, _)| {
            let after = &code[at + name.len()..];
            (if complete { !after.starts_with(css_min::is_name_char) } else { after.starts_with('{') })
                && !code[..at].ends_with(css_min::is_name_char)
        })
    };
    named(class, true) || class.match_indices('-').skip(1).any(|(at, _)| named(&class[..=at], false))
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reading src/") {
        let path = entry.expect("reading src/").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}
