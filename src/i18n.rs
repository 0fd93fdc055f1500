//! Every text the widget shows, per language. The texts live in
//! `i18n/<tag>.json` (one object per language: field name -> text, and for
//! the value tables field name -> { wire value -> text }). English is
//! compiled in, except into the split build's WebAssembly (below); the
//! other languages are separate files that the element script fetches,
//! only when a page needs one, and hands over with `addLanguage` (five
//! languages in the WebAssembly were about 20 KB of brotli that every page
//! downloaded: bench/history.md). A file with a missing or non-text field
//! is refused as a whole, naming the fields; the tests below check every
//! file for completeness and placeholders.
//!
//! The split build's WebAssembly (the release widget) fetches English
//! like any other language: a page in another language then downloads
//! only its own texts (English's core texts were 1.6 KB of brotli in the
//! shell). English is still what a widget falls back to when its
//! language's file cannot be loaded: the element script then fetches it.

use std::cell::RefCell;

/// A supported language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English (compiled in, except into the split build's WebAssembly).
    En,
    /// German.
    De,
    /// Dutch.
    Nl,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Italian.
    It,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::De, Lang::Nl, Lang::Fr, Lang::Es, Lang::It];

    /// Picks the language for a tag such as `de`, `de-AT`, `fr-BE` or
    /// `es_ES` (the primary subtag decides); unknown tags give `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            "nl" => Some(Lang::Nl),
            "fr" => Some(Lang::Fr),
            "es" => Some(Lang::Es),
            "it" => Some(Lang::It),
            _ => None,
        }
    }

    /// The language's tag: `en`, `de`, `nl`, `fr`, `es`, `it`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Nl => "nl",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
        }
    }

    /// This language's texts, English while they are not loaded (internal;
    /// [`crate::mount`] makes sure one of them is).
    #[doc(hidden)]
    pub fn texts(self) -> &'static Texts {
        match self.loaded().or_else(english) {
            Some(texts) => texts,
            None => wasm_bindgen::throw_str("parcel-desk: no language loaded (addLanguage)"),
        }
    }

    /// This language's texts, if they are loaded (English always is, except
    /// in the split build's WebAssembly; internal).
    #[doc(hidden)]
    pub fn loaded(self) -> Option<&'static Texts> {
        if self == Lang::En {
            return english();
        }
        if let Some(texts) = cached(self) {
            return Some(texts);
        }
        // Native builds (the tests) read every language from the repository.
        #[cfg(not(target_arch = "wasm32"))]
        {
            let path = format!("{}/i18n/{}.json", env!("CARGO_MANIFEST_DIR"), self.tag());
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            return Some(add(self, &text).unwrap_or_else(|e| panic!("{path}: {e}")));
        }
        #[allow(unreachable_code)]
        None
    }
}

/// The English texts, compiled in, except into the split build's
/// WebAssembly, which fetches them (`i18n/en.json`, the core texts) like
/// every other language.
#[cfg(not(all(feature = "split", target_arch = "wasm32")))]
pub const ENGLISH_JSON: &str = include_str!("../i18n/en.json");

/// The *view texts*: the fields that only the views in their own modules
/// use (status, contact, staff). build.rs finds them in the sources. In
/// the split build a language file may leave them out (`i18n/<tag>.json`
/// there holds the core texts, `i18n/<tag>.views.json` these), and
/// [`add_views`] adds them before one of those views is shown.
pub const VIEW_FIELDS: &[&str] = include!(concat!(env!("OUT_DIR"), "/view_fields.rs"));

/// The view texts that only views this build does not have use (the
/// claim-only build: the status, tracking, contact and staff views'); its
/// language files may leave them out, and they are never shown.
pub const UNBUILT_FIELDS: &[&str] = include!(concat!(env!("OUT_DIR"), "/unbuilt_fields.rs"));

/// For each name of `names`, whether it is one of `list` (worked out while
/// compiling: the widget carries these flags, not the names).
const fn flags<const N: usize>(names: &[&str], list: &[&str]) -> [bool; N] {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    let mut flags = [false; N];
    let mut i = 0;
    while i < N {
        let mut j = 0;
        while j < list.len() {
            if same(names[i], list[j]) {
                flags[i] = true;
            }
            j += 1;
        }
        i += 1;
    }
    flags
}

/// The bytes of every name of `names` whose flag is `which`, each followed
/// by a space ([`joined_len`] of them): the parser's list of the core or
/// of the view texts, worked out while compiling.
const fn joined<const N: usize>(names: &[&str], flags: &[bool], which: bool) -> [u8; N] {
    let mut out = [0u8; N];
    let (mut at, mut i) = (0, 0);
    while i < names.len() {
        if flags[i] == which {
            let name = names[i].as_bytes();
            let mut j = 0;
            while j < name.len() {
                out[at] = name[j];
                at += 1;
                j += 1;
            }
            out[at] = b' ';
            at += 1;
        }
        i += 1;
    }
    assert!(at == N, "the length is joined_len's");
    out
}

/// How many bytes [`joined`] writes.
const fn joined_len(names: &[&str], flags: &[bool], which: bool) -> usize {
    let (mut len, mut i) = (0, 0);
    while i < names.len() {
        if flags[i] == which {
            len += names[i].len() + 1;
        }
        i += 1;
    }
    len
}

/// `bytes` ([`joined`] names) as text.
const fn text_of(bytes: &'static [u8]) -> &'static str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => panic!("field names are ASCII"),
    }
}

/// Calls `each(index, name)` for every field whose flag in `is_view` is
/// `view`, in order; `names` holds exactly those fields' names, each
/// followed by a space.
fn walk(names: &'static str, is_view: &[bool], view: bool, mut each: impl FnMut(usize, &'static str)) {
    let mut names = names.split_terminator(' ');
    for (i, _) in is_view.iter().enumerate().filter(|(_, v)| **v == view) {
        each(i, names.next().unwrap_or_default());
    }
}

/// The split build's WebAssembly: language files come without their view
/// texts, and the shell reads only the core texts. (Native builds, the
/// tests, read every language whole, as they have every text of English.)
const CORE_ONLY: bool = cfg!(all(feature = "split", target_arch = "wasm32"));

/// One loaded language: its texts, and whether the view texts are among
/// them.
struct Loaded {
    lang: Lang,
    texts: &'static Texts,
    complete: bool,
}

thread_local! {
    static LOADED: RefCell<Vec<Loaded>> = const { RefCell::new(Vec::new()) };
}

/// A language added earlier (its most complete texts).
fn cached(lang: Lang) -> Option<&'static Texts> {
    LOADED.with_borrow(|l| l.iter().find(|l| l.lang == lang).map(|l| l.texts))
}

/// The texts of a language file: in the split build only its core texts
/// (the view texts come with [`add_views`]; so the shell has neither the
/// code nor the names that read them), else all of them.
fn load(lang: Lang, json: &str) -> Result<&'static Texts, String> {
    let file = File::parse(json)?;
    let texts = if CORE_ONLY { Texts::core_from(&file)? } else { Texts::parse_file(&file)? };
    let texts: &'static Texts = Box::leak(Box::new(texts));
    LOADED.with_borrow_mut(|l| l.push(Loaded { lang, texts, complete: !CORE_ONLY }));
    Ok(texts)
}

/// The English texts: compiled in, or (the split build's WebAssembly) once
/// added.
fn english() -> Option<&'static Texts> {
    #[cfg(not(all(feature = "split", target_arch = "wasm32")))]
    return Some(cached(Lang::En).unwrap_or_else(|| load(Lang::En, ENGLISH_JSON).expect("i18n/en.json is complete")));
    #[allow(unreachable_code)]
    cached(Lang::En)
}

/// Makes `lang`'s texts (the JSON of `i18n/<tag>.json`) available; the
/// first load of a language wins. Texts live as long as the page (one
/// language file is a few KB). The split build's WebAssembly reads only
/// the core texts (its files hold no more): the view texts come later,
/// with [`add_views`].
pub fn add(lang: Lang, json: &str) -> Result<&'static Texts, String> {
    match if lang == Lang::En { english() } else { cached(lang) } {
        Some(texts) => Ok(texts),
        None => load(lang, json),
    }
}

/// Whether `lang`'s view texts are loaded (always, outside the split
/// build); `false` too for a language not loaded at all.
pub fn has_views(lang: Lang) -> bool {
    lang.loaded().is_some() && LOADED.with_borrow(|l| l.iter().any(|l| l.lang == lang && l.complete))
}

/// Completes `lang`'s texts with its view texts (the JSON of
/// `i18n/<tag>.views.json`); `lang`'s core texts must be loaded. Returns
/// the file's `stylesheet` field: the split build ships the complete
/// stylesheet there, for the rules its shell leaves out (`build.rs`). The
/// error names what is missing or malformed. (The split build runs this in
/// a module of its own: `src/lazy.rs`.)
pub fn add_views(lang: Lang, json: &str) -> Result<Option<String>, String> {
    let core = lang.loaded().ok_or_else(|| format!("the texts of {} are not loaded", lang.tag()))?;
    let views = File::parse(json)?;
    let stylesheet = views.string("stylesheet");
    if !has_views(lang) {
        let texts: &'static Texts = Box::leak(Box::new(core.with_views(&views)?));
        LOADED.with_borrow_mut(|loaded| {
            let entry = loaded.iter_mut().find(|l| l.lang == lang).expect("loaded above");
            entry.texts = texts;
            entry.complete = true;
        });
    }
    Ok(stylesheet)
}

/// One language file, parsed: the browser's JSON parser in the
/// WebAssembly build, serde_json natively.
struct File(
    #[cfg(target_arch = "wasm32")] js_sys::Object,
    #[cfg(not(target_arch = "wasm32"))] serde_json::Map<String, serde_json::Value>,
);

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl File {
    fn parse(json: &str) -> Result<File, String> {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let value = js_sys::JSON::parse(json).map_err(|_| "not JSON".to_owned())?;
            value.dyn_into::<js_sys::Object>().map(File).map_err(|_| "not a JSON object".to_owned())
        }
        #[cfg(not(target_arch = "wasm32"))]
        match serde_json::from_str(json) {
            Ok(serde_json::Value::Object(map)) => Ok(File(map)),
            Ok(_) => Err("not a JSON object".to_owned()),
            Err(e) => Err(format!("not JSON: {e}")),
        }
    }

    /// The text `name`, kept for the page's lifetime.
    fn text(&self, name: &str) -> Option<&'static str> {
        self.string(name).map(leak)
    }

    fn string(&self, name: &str) -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        return js_sys::Reflect::get(&self.0, &name.into()).ok()?.as_string();
        #[cfg(not(target_arch = "wasm32"))]
        return self.0.get(name)?.as_str().map(str::to_owned);
    }

    fn table(&self, name: &str) -> Option<&'static [(&'static str, &'static str)]> {
        let mut rows = Vec::new();
        #[cfg(target_arch = "wasm32")]
        {
            let value = js_sys::Reflect::get(&self.0, &name.into()).ok()?;
            if !value.is_object() || js_sys::Array::is_array(&value) {
                return None;
            }
            for entry in js_sys::Object::entries(wasm_bindgen::JsCast::unchecked_ref(&value)).iter() {
                let entry = js_sys::Array::from(&entry);
                rows.push((leak(entry.get(0).as_string()?), leak(entry.get(1).as_string()?)));
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        for (wire, text) in self.0.get(name)?.as_object()? {
            rows.push((leak(wire.clone()), leak(text.as_str()?.to_owned())));
        }
        Some(Box::leak(rows.into_boxed_slice()))
    }
}

macro_rules! texts {
    (texts { $($text:ident,)* } tables { $($table:ident,)* }) => {
        /// Every text of one language: each field is a text (some with `{}`
        /// placeholders), each table gives the words for the values of one
        /// wire enum (see [`Texts::word`]).
        #[cfg_attr(test, derive(Debug))]
        #[repr(C)]
        pub struct Texts {
            $(pub $text: &'static str,)*
            $(pub $table: &'static [(&'static str, &'static str)],)*
        }

        impl Texts {
            /// Field names, in declaration order: texts, then tables.
            pub const TEXT_FIELDS: &'static [&'static str] = &[$(stringify!($text)),*];
            pub const TABLE_FIELDS: &'static [&'static str] = &[$(stringify!($table)),*];
            /// A complete language file; the error names every missing or
            /// malformed field.
            pub fn parse(json: &str) -> Result<Texts, String> {
                Self::parse_file(&File::parse(json)?)
            }

            fn parse_file(file: &File) -> Result<Texts, String> {
                let mut missing = Vec::new();
                let core = Self::read(file, false, &mut missing, Self::empty());
                let texts = Self::read(file, true, &mut missing, core);
                Self::done(texts, missing)
            }

            /// The core texts of `file`, the view texts left empty (the split
            /// build: they come later, [`Texts::with_views`]); the error names
            /// every missing or malformed core text.
            fn core_from(file: &File) -> Result<Texts, String> {
                let mut missing = Vec::new();
                let texts = Self::read(file, false, &mut missing, Self::empty());
                Self::done(texts, missing)
            }

            /// These texts with the view texts from `file`; the error names
            /// every missing or malformed one (those only views this build
            /// does not have may be missing).
            fn with_views(&self, file: &File) -> Result<Texts, String> {
                // SAFETY: see `done`; every field is a shared reference.
                let raw = unsafe { std::ptr::read(self as *const Texts as *const RawTexts) };
                let mut missing = Vec::new();
                let texts = Self::read(file, true, &mut missing, raw);
                Self::done(texts, missing)
            }

            /// `raw` with the core (`view` false) or the view texts read from
            /// `file`; the names of those missing or malformed are added to
            /// `missing`.
            fn read(file: &File, view: bool, missing: &mut Vec<&'static str>, mut raw: RawTexts) -> RawTexts {
                // Loops over the names (not one call per field: that was
                // 12 KB of wasm). The names are two strings per kind, the
                // core texts' and the view texts': in the split build the
                // view texts are read by a module of their own, and their
                // names go with it.
                let (texts, tables) = if view { (VIEW_TEXT_NAMES, VIEW_TABLE_NAMES) } else { (CORE_TEXT_NAMES, CORE_TABLE_NAMES) };
                let mut absent = |i: usize, name: &'static str, unbuilt: &[bool]| {
                    // (A text only views this build does not have may be missing.)
                    if !(view && unbuilt[i]) {
                        missing.push(name);
                    }
                };
                walk(texts, &TEXT_IS_VIEW, view, |i, name| match file.text(name) {
                    Some(text) => raw.texts[i] = text,
                    None => absent(i, name, &TEXT_UNBUILT),
                });
                walk(tables, &TABLE_IS_VIEW, view, |i, name| match file.table(name) {
                    Some(table) => raw.tables[i] = table,
                    None => absent(i, name, &TABLE_UNBUILT),
                });
                raw
            }

            fn empty() -> RawTexts {
                RawTexts { texts: [""; Texts::TEXT_FIELDS.len()], tables: [&[]; Texts::TABLE_FIELDS.len()] }
            }

            fn done(raw: RawTexts, missing: Vec<&'static str>) -> Result<Texts, String> {
                if !missing.is_empty() {
                    return Err(format!("missing or not text: {}", missing.join(", ")));
                }
                // SAFETY: `Texts` and `RawTexts` are both `repr(C)`, and
                // field for field the same types in the same order: the
                // text fields, then the tables, each array being its fields
                // side by side. (Building the struct field by field was
                // 8 KB of wasm; `transmute` also checks the sizes.)
                Ok(unsafe { std::mem::transmute::<RawTexts, Texts>(raw) })
            }
        }

        #[repr(C)]
        struct RawTexts {
            texts: [&'static str; Texts::TEXT_FIELDS.len()],
            tables: [&'static [(&'static str, &'static str)]; Texts::TABLE_FIELDS.len()],
        }

        /// For each field, whether it is a view text ([`VIEW_FIELDS`]), and
        /// whether only views this build does not have use it.
        const TEXT_IS_VIEW: [bool; Texts::TEXT_FIELDS.len()] = flags(Texts::TEXT_FIELDS, VIEW_FIELDS);
        const TABLE_IS_VIEW: [bool; Texts::TABLE_FIELDS.len()] = flags(Texts::TABLE_FIELDS, VIEW_FIELDS);
        const TEXT_UNBUILT: [bool; Texts::TEXT_FIELDS.len()] = flags(Texts::TEXT_FIELDS, UNBUILT_FIELDS);
        const TABLE_UNBUILT: [bool; Texts::TABLE_FIELDS.len()] = flags(Texts::TABLE_FIELDS, UNBUILT_FIELDS);

        /// The names the parser walks at run time, as strings ([`joined`]:
        /// as a list of string slices they took 8 more bytes each).
        const CORE_TEXT_BYTES: [u8; joined_len(Texts::TEXT_FIELDS, &TEXT_IS_VIEW, false)] = joined(Texts::TEXT_FIELDS, &TEXT_IS_VIEW, false);
        const VIEW_TEXT_BYTES: [u8; joined_len(Texts::TEXT_FIELDS, &TEXT_IS_VIEW, true)] = joined(Texts::TEXT_FIELDS, &TEXT_IS_VIEW, true);
        const CORE_TABLE_BYTES: [u8; joined_len(Texts::TABLE_FIELDS, &TABLE_IS_VIEW, false)] = joined(Texts::TABLE_FIELDS, &TABLE_IS_VIEW, false);
        const VIEW_TABLE_BYTES: [u8; joined_len(Texts::TABLE_FIELDS, &TABLE_IS_VIEW, true)] = joined(Texts::TABLE_FIELDS, &TABLE_IS_VIEW, true);
        const CORE_TEXT_NAMES: &str = text_of(&CORE_TEXT_BYTES);
        const VIEW_TEXT_NAMES: &str = text_of(&VIEW_TEXT_BYTES);
        const CORE_TABLE_NAMES: &str = text_of(&CORE_TABLE_BYTES);
        const VIEW_TABLE_NAMES: &str = text_of(&VIEW_TABLE_BYTES);
    };
}

texts! {
    texts {
        claim_title, claim_intro, no_tracking_number, use_tracking_number, order_number_hint,
        situation_legend, situation_not_arrived, situation_damaged, situation_missing,
        situation_returned, situation_address, not_yet_lost, already_delivered, not_delivered_yet,
        not_returned, already_returning, not_possible_now, filed_as_lost, filed_as_not_received,
        filed_as_late, items_legend, contents_other, contents_label, exterior_label, size_legend,
        size_hint, missing_legend, missing_item, missing_empty, missing_remarks, new_address_label,
        new_address_hint, photos_hint, photos_damage, photos_contents, photos_packaging,
        resolution_legend, resolution_hint, resolution_refund, resolution_replacement,
        resolution_repair, you_legend, email_hint, declaration_legend, declaration_text, signed_name,
        signed_name_hint, success_received, success_with_shop, reference_note, err_no_parcel, err_order_not_found,
        err_tracking_format, err_photo_needed, err_too_many_photos, err_not_accepted, required_note,
        optional, tracking_number, tracking_hint, amount, currency, contents_hint, exterior_hint,
        dimensions, length, width, height, remarks, documents, submit, submitting, uploading, uploaded,
        remove_file, success_title, reference, new_claim, err_required, err_number, err_positive,
        err_whole_number, err_fix_fields, err_file_too_large, err_file_type, err_photo_type,
        err_upload_pending, err_parcel_not_found, err_already_delivered,
        err_no_carrier_contact, err_unprocessable, err_rate_limited, err_rate_limited_secs, seconds_one,
        seconds_many, err_network, err_unavailable, err_unexpected, kept_note, err_shop_refused,
        err_message_rate, staff_title, staff_intro, staff_token, staff_token_hint, carrier_code,
        carrier_code_hint, tracking_url, announced_at, contract_id, from_address, to_address, name,
        street, house_number, city, postal_code_short, country_code, country_code_hint, email, register,
        registered, err_staff_token, err_staff_disabled, err_already_registered, err_country_code,
        err_email, contact_title, contact_intro, topic, buyer_name, subject, message, chars_left,
        reference_type, reference_value, reference_hint, reply_wanted, attachments, attachment,
        attachments_hint, err_too_many_files, err_photos_not_added, send_message,
        sending, message_sent, conversation, download, from_you, from_seller, waiting_reply,
        new_message, err_too_long, err_attachment_type, err_attachment_too_large, attachment_failed,
        message_queued, message_saved, err_shop_unavailable, nav_contact, status_title,
        status_lookup_intro, ticket_number, ticket_number_hint, order_number, show_status,
        err_ticket_not_found, err_ticket_number, status_pending, status_needs_attention, status_queued,
        status_filed, status_with_shop, stage_label, stage_received, claim_label,
        carrier_label, created_label, updated_label, requested_title, answer_comment, answer_file,
        send_answer, answer_sent, err_answer_empty, solved_on, refresh, last_checked, status_link,
        track_title, track_intro, postal_code, postal_code_hint, track_button, err_tracking_not_found,
        expected_delivery, carrier_link, timeline, delivery_address, latest_status, looking_up,
        nav_claim, nav_status, nav_track, nav_label, photos, take_photo, drop_hint, preparing,
        upload_progress, cancel, retry, err_heic, err_image_unreadable, draft_restored, start_over, draft_not_loaded,
        err_sending_in, sending_again, follow_status, stage_with_shop, stage_filed, stage_resolved,
        claim_reference, claim_reference_hint, email_or_postal_code, email_or_postal_code_hint,
        status_reference_intro, status_confirm_intro, err_reference, err_claim_not_found,
        err_lookup_rate_limited, err_lookup_rate_limited_secs, lookup_by_ticket, lookup_by_reference,
        another_claim, phase_filed, phase_filed_detail, phase_needs_you, phase_needs_you_detail,
        phase_declined, phase_resolved_detail, phase_attention, attention_details,
        shop_handles_requests, status_link_reference,
        staff_desk_title, staff_desk_intro, staff_sections, inbox_tab, register_tab, open_inbox, inbox_token_needed, err_inbox_token, inbox_buckets_label, inbox_empty, loading, page_of, previous_page, next_page, back_to_list, no_reference, customer_gave, what_happened, contents_word, exterior_word, remarks_word, customer_wish, declaration_word, declaration_signed, declaration_not_signed, customer_word, photo_alt, photo_unavailable, parcel_kind_label, not_known_yet, still_needed, nothing_needed, waiting_order_facts, waiting_order_not_found, declaration_pending_note, save_fields, saved, err_nothing_to_save, approve, approved, err_claim_incomplete, err_claim_state, reject, reject_reason, reject_reason_hint, confirm_reject, rejected_done, err_reason_too_long, history_title, upstream_status, shop_requests_title, no_requests, answer_files, sales_rows, item_name, quantity, unit_price, add_row, remove_row, yes, no, phase_rejected, phase_rejected_detail, inbox_state, inbox_reason, inbox_waiting_shop, received_on,
        err_part_not_loaded,
    }
    tables {
        topics, reference_types, ticket_types, data_types, customer_outcomes,
        tracking_phases, status_types, inbox_buckets, claim_types, claim_fields, parcel_kinds,
        history_actions, history_actors,
    }
}

impl Texts {
    /// A number of seconds in words: "1 second", "30 seconds".
    pub fn seconds(&self, n: u32) -> String {
        if n == 1 {
            self.seconds_one.to_owned()
        } else {
            self.seconds_many.replace("{}", &n.to_string())
        }
    }

    /// The words for a wire value from one of the value tables (e.g.
    /// `ticket_statuses`); `fallback` for values this version does not know.
    pub fn word<'a>(&self, table: &[(&'static str, &'static str)], value: &str, fallback: &'a str) -> &'a str {
        table.iter().find(|(w, _)| *w == value).map(|(_, text)| *text).unwrap_or(fallback)
    }
}

#[cfg(test)]
mod tests;
