//! In-browser component tests (wasm-bindgen-test in headless Chromium).
//! Controls are found the way a person finds them: by their label text.

#![cfg(target_arch = "wasm32")]

use parcel_desk::mount;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Leptos' scheduled effects and re-renders run, and one animation
/// frame pass (focus moves happen in `request_animation_frame`).
async fn settle() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().request_animation_frame(&resolve).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(frame).await.unwrap();
    for _ in 0..3 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    }
}

struct Page {
    host: HtmlElement,
    root: ShadowRoot,
    widget: Option<parcel_desk::MountedWidget>,
}

impl Page {
    /// Mounts a widget with no draft left by an earlier test.
    async fn mount(options: &str) -> Page {
        web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
        Page::mount_keeping_drafts(options).await
    }

    async fn mount_keeping_drafts(options: &str) -> Page {
        let doc = web_sys::window().unwrap().document().unwrap();
        let host: HtmlElement = doc.create_element("parcel-desk-test").unwrap().unchecked_into();
        doc.body().unwrap().append_child(&host).unwrap();
        let options = js_sys::JSON::parse(options).unwrap();
        let widget = mount(host.clone(), options).unwrap();
        settle().await;
        let root = host.shadow_root().expect("the widget renders in a shadow root");
        Page { host, root, widget: Some(widget) }
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length()).map(|i| list.get(i).unwrap().unchecked_into()).collect()
    }

    /// The control a `<label>` with exactly this text (ignoring the
    /// required mark) points at.
    fn by_label(&self, text: &str) -> HtmlInputElement {
        self.try_by_label(text).unwrap_or_else(|| panic!("no control labelled {text:?}"))
    }

    fn try_by_label(&self, text: &str) -> Option<HtmlInputElement> {
        let label = self
            .all("label")
            .into_iter()
            .find(|l| l.text_content().unwrap_or_default().trim_end_matches(" *").trim() == text)?;
        let id = label.get_attribute("for").expect("label without for");
        Some(self.root.get_element_by_id(&id).expect("label points at no element").unchecked_into())
    }

    fn button(&self, text: &str) -> HtmlElement {
        self.all("button")
            .into_iter()
            .find(|b| b.text_content().unwrap_or_default().trim() == text)
            .unwrap_or_else(|| panic!("no button {text:?}"))
            .unchecked_into()
    }

    async fn type_into(&self, label: &str, value: &str) {
        let input = self.by_label(label);
        input.set_value(value);
        let event = web_sys::Event::new("input").unwrap();
        input.dispatch_event(&event).unwrap();
        settle().await;
    }

    async fn click(&self, el: &HtmlElement) {
        el.click();
        settle().await;
    }

    /// The text of the error message a control is described by, if any.
    fn error_of(&self, label: &str) -> Option<String> {
        let input = self.by_label(label);
        let ids = input.get_attribute("aria-describedby").unwrap_or_default();
        ids.split_whitespace()
            .filter(|id| id.ends_with("-error"))
            .find_map(|id| self.root.get_element_by_id(id))
            .and_then(|e| e.text_content())
    }

    fn invalid(&self, label: &str) -> bool {
        self.by_label(label).get_attribute("aria-invalid").as_deref() == Some("true")
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        if let Some(mut w) = self.widget.take() {
            w.unmount();
        }
        self.host.remove();
    }
}

#[wasm_bindgen_test]
async fn renders_the_claim_form_in_a_shadow_root_with_its_styles() {
    let page = Page::mount(r#"{"proxyUrl": "/api", "lang": "en"}"#).await;
    let heading = page.all("h2");
    assert_eq!(heading[0].text_content().unwrap(), "Report a problem with your parcel");
    assert_eq!(page.by_label("Tracking number").value(), "");
    for situation in [
        "My parcel has not arrived",
        "It arrived damaged",
        "Something is missing, or the parcel was empty",
        "It was sent back to the shop",
        "The delivery address is wrong",
    ] {
        assert_eq!(page.by_label(situation).type_(), "radio", "{situation}");
    }
    let sheets: js_sys::Array = page.root.adopted_style_sheets().unchecked_into();
    assert_eq!(sheets.length(), 1, "the widget stylesheet is adopted by the shadow root");
    // Nothing leaks into the page itself.
    let doc = web_sys::window().unwrap().document().unwrap();
    assert!(doc.query_selector(".pd-root").unwrap().is_none());
}

/// Every label and legend the claim form shows, lower-cased.
fn labels(page: &Page) -> Vec<String> {
    page.all("label, legend, summary").iter().map(|l| l.text_content().unwrap_or_default().to_lowercase()).collect()
}

#[wasm_bindgen_test]
async fn a_customer_is_never_asked_what_only_the_shop_knows() {
    for claim_type in
        ["lost", "damage", "delivered-but-not-received", "late-delivery", "unjust-return", "address-change", "other"]
    {
        let page = Page::mount(&format!(r#"{{"lang": "en", "claimType": "{claim_type}"}}"#)).await;
        let shown = labels(&page);
        assert!(shown.iter().any(|l| l.contains("email")), "{claim_type}: {shown:?}");
        for shop_only in
            ["purchase", "invoice", "contract", "how was the parcel shipped", "claim form", "portal", "sales price"]
        {
            assert!(!shown.iter().any(|l| l.contains(shop_only)), "{claim_type} asks {shop_only:?}: {shown:?}");
        }
    }
}

#[wasm_bindgen_test]
async fn without_an_answer_to_what_happened_the_form_says_so() {
    let page = Page::mount(r#"{"lang": "en"}"#).await;
    page.click(&page.button("Submit claim")).await;
    assert_eq!(
        page.error_of("Tracking number").as_deref(),
        Some("Please enter the tracking number, or your order number.")
    );
    let situation = page.root.get_element_by_id("situation-error").expect("the question says what is wrong");
    assert_eq!(situation.text_content().unwrap(), "Please fill in this field.");
    let banner = page.all("[role=alert]");
    assert_eq!(banner.len(), 1);
    assert!(banner[0].text_content().unwrap().contains("Nothing you entered was lost"));
    // Focus went to the first invalid field.
    assert_eq!(page.root.active_element().expect("focus is inside the widget").id(), "tracking_number");
    // No tracking number at hand: the order number instead.
    page.click(&page.button("I don't have the tracking number")).await;
    assert!(page.try_by_label("Tracking number").is_none());
    page.type_into("Order number", "ORD-1001").await;
    page.click(&page.button("Use the tracking number instead")).await;
    assert_eq!(page.by_label("Tracking number").value(), "");
}

#[wasm_bindgen_test]
async fn a_lost_parcel_asks_the_contents_the_customer_and_a_signed_declaration() {
    let page = Page::mount(r#"{"lang": "en", "claimType": "lost", "email": "ann@example.com"}"#).await;
    assert!(page.by_label("My parcel has not arrived").checked());
    assert!(page.try_by_label("Photos of the damage").is_none(), "a lost claim takes no photos");
    page.click(&page.button("Submit claim")).await;
    for label in ["Tracking number", "What was in the parcel?", "Name", "Your full name, as your signature"] {
        assert!(page.invalid(label), "{label} should be marked invalid");
    }
    assert_eq!(
        page.error_of("I confirm that I have not received this parcel.").as_deref(),
        Some("Please tick the box to confirm.")
    );
    assert_eq!(page.by_label("Email").value(), "ann@example.com", "prefilled");
    assert!(!page.invalid("Email"));
    assert!(!page.invalid("Length (cm)"), "the size is optional");
    assert!(!page.invalid("Anything else the carrier should know?"), "remarks are optional");
}

#[wasm_bindgen_test]
async fn a_damaged_parcel_takes_photos_by_what_they_show() {
    let page = Page::mount(r#"{"lang": "en", "claimType": "damage"}"#).await;
    for label in ["Photos of the damage", "Photos of the contents", "Photos of the packaging"] {
        let input = page.by_label(label);
        assert_eq!(input.accept(), "image/*", "{label} takes photos only");
        assert!(input.multiple(), "{label}: several per pick");
        assert_eq!(input.get_attribute("capture"), None, "{label}: the gallery too, not only the camera");
    }
    // Each list also offers the camera.
    assert_eq!(page.all("input[capture=environment]").len(), 3);
    assert!(page.try_by_label("I confirm that I have not received this parcel.").is_none());
    assert!(page.try_by_label("Length (cm)").is_none(), "a damage claim has no size");
    page.click(&page.button("Submit claim")).await;
    assert_eq!(page.error_of("Photos of the damage").as_deref(), Some("Please add at least one photo of the damage."));
    // A document picked (or dropped) as a photo is refused before upload.
    let pick = js_sys::Function::new_with_args(
        "input",
        "const dt = new DataTransfer();
         dt.items.add(new File(['%PDF-1.4 test'], 'invoice.pdf', { type: 'application/pdf' }));
         input.files = dt.files;
         input.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    pick.call1(&wasm_bindgen::JsValue::NULL, &page.by_label("Photos of the contents")).unwrap();
    sleep(50).await;
    let listed: Vec<String> =
        page.all("#photos-contents-status li span").iter().map(|s| s.text_content().unwrap()).collect();
    assert_eq!(listed, ["invoice.pdf: Please choose a photo (JPEG, PNG, GIF or WebP)."]);
    assert!(page.invalid("What was in the parcel?"));
    assert!(!page.invalid("What did the parcel look like when it arrived?"), "optional");
    assert!(page.by_label("A replacement").type_() == "radio", "the customer's wish");
}

#[wasm_bindgen_test]
async fn something_missing_asks_what_and_the_order_items_are_ticked() {
    let page =
        Page::mount(r#"{"lang": "en", "claimType": "other", "items": "[{\"name\": \"Grinder\", \"quantity\": 1}]"}"#)
            .await;
    assert!(page.by_label("An item is missing").checked());
    page.click(&page.button("Submit claim")).await;
    assert!(page.invalid("What is missing, and what did you find in the parcel?"));
    drop(page);
    let page =
        Page::mount(r#"{"lang": "en", "claimType": "damage", "items": "[{\"name\": \"Grinder\", \"quantity\": 2}]"}"#)
            .await;
    assert_eq!(page.by_label("2 × Grinder").type_(), "checkbox", "the order's items are offered");
    page.click(&page.by_label("2 × Grinder").unchecked_into()).await;
    page.click(&page.button("Submit claim")).await;
    assert!(!page.invalid("2 × Grinder"), "an item ticked is the contents");
}

#[wasm_bindgen_test]
async fn the_address_change_asks_the_new_address() {
    let page = Page::mount(r#"{"lang": "en", "claimType": "address-change"}"#).await;
    page.click(&page.button("Submit claim")).await;
    assert!(page.invalid("The correct delivery address"));
    assert!(page.try_by_label("What was in the parcel?").is_none());
    assert!(page.try_by_label("A refund").is_none(), "no wish for an address change");
}

#[wasm_bindgen_test]
async fn prefills_the_tracking_number_and_speaks_german() {
    // German is a separate file (the element script fetches it); until it
    // is added the widget asks for it and speaks English.
    assert_eq!(parcel_desk::language_to_load(Some("de-AT".into())).as_deref(), Some("de"));
    assert_eq!(parcel_desk::language_to_load(Some("en".into())), None);
    let page = Page::mount(r#"{"lang": "de-AT"}"#).await;
    assert_eq!(page.all(".pd-root")[0].get_attribute("lang").as_deref(), Some("en"));
    drop(page);
    let err = parcel_desk::add_language("de", r#"{"submit": "Senden"}"#).unwrap_err().as_string().unwrap();
    assert!(err.starts_with("parcel-desk: language file de: missing or not text: claim_title, "), "{err}");
    assert!(parcel_desk::add_language("pt", "{}").is_err());
    parcel_desk::add_language("de", include_str!("../i18n/de.json")).unwrap();
    assert_eq!(parcel_desk::language_to_load(Some("de-AT".into())), None);
    let page = Page::mount(r#"{"lang": "de-AT", "trackingNumber": "PD-OWN-0003"}"#).await;
    assert_eq!(page.by_label("Sendungsnummer").value(), "PD-OWN-0003");
    assert_eq!(page.all(".pd-root")[0].get_attribute("lang").as_deref(), Some("de"));
}

#[wasm_bindgen_test]
async fn unmount_removes_the_widget() {
    let mut page = Page::mount("{}").await;
    assert_eq!(page.all(".pd-root").len(), 1);
    page.widget.take().unwrap().unmount();
    settle().await;
    assert_eq!(page.all(".pd-root").len(), 0);
}

#[wasm_bindgen_test]
async fn bad_options_are_a_clear_error() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    let err = match mount(host, js_sys::JSON::parse(r#"{"proxyUrl": 5}"#).unwrap()) {
        Err(e) => e.as_string().unwrap(),
        Ok(_) => panic!("a number as proxy URL was accepted"),
    };
    assert_eq!(err, "parcel-desk: invalid options: each option is a string; not: proxyUrl (a number)");
    // Every non-text option is named, the last one too; a list is no options.
    let host: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    let err = mount(host.clone(), js_sys::JSON::parse(r#"{"lang": "en", "view": "claim", "theme": true}"#).unwrap())
        .err()
        .and_then(|e| e.as_string());
    assert_eq!(err.as_deref(), Some("parcel-desk: invalid options: each option is a string; not: theme (a boolean)"));
    let err = mount(host.clone(), js_sys::JSON::parse(r#"["claim"]"#).unwrap()).err().and_then(|e| e.as_string());
    assert_eq!(err.as_deref(), Some("parcel-desk: invalid options: expected an object such as { proxyUrl: '/api' }"));
    // Options it does not know, and null ones, are left alone.
    let widget = mount(host, js_sys::JSON::parse(r#"{"lang": "en", "colour": "red", "ticket": null}"#).unwrap());
    assert!(widget.is_ok(), "unknown or null options refused");
}

#[wasm_bindgen_test]
async fn switching_what_happened_keeps_what_was_typed() {
    let page = Page::mount(r#"{"lang": "en", "claimType": "lost"}"#).await;
    page.type_into("What was in the parcel?", "A lamp").await;
    page.click(&page.by_label("It arrived damaged").unchecked_into()).await;
    assert!(page.try_by_label("Photos of the damage").is_some());
    assert_eq!(page.by_label("What was in the parcel?").value(), "A lamp");
}

#[wasm_bindgen_test]
async fn a_draft_survives_a_remount_and_can_be_discarded() {
    let page = Page::mount(r#"{"lang": "en", "proxyUrl": "/draft-test"}"#).await;
    page.type_into("Tracking number", "PD-OWN-0003").await;
    page.click(&page.by_label("It arrived damaged").unchecked_into()).await;
    page.type_into("What was in the parcel?", "Two mugs").await;
    drop(page);

    let page = Page::mount_keeping_drafts(r#"{"lang": "en", "proxyUrl": "/draft-test"}"#).await;
    assert_eq!(page.by_label("Tracking number").value(), "PD-OWN-0003");
    assert!(page.by_label("It arrived damaged").checked());
    assert_eq!(page.by_label("What was in the parcel?").value(), "Two mugs");
    let notice = page.all("[role=status]");
    assert!(notice[0].text_content().unwrap().contains("We restored the answers you entered earlier."));
    drop(page);
    // Restored answers are kept again, for the next visit too.
    let page = Page::mount_keeping_drafts(r#"{"lang": "en", "proxyUrl": "/draft-test"}"#).await;
    assert_eq!(page.by_label("What was in the parcel?").value(), "Two mugs", "a second remount");

    page.click(&page.button("Start over")).await;
    assert_eq!(page.by_label("Tracking number").value(), "");
    assert!(page.all("[role=status]").is_empty());
    drop(page);

    let page = Page::mount_keeping_drafts(r#"{"lang": "en", "proxyUrl": "/draft-test"}"#).await;
    assert!(!page.by_label("It arrived damaged").checked(), "start over discards the draft");
}

/// A 4000 × 3000 photo full of noise: the hardest case for JPEG.
async fn noisy_photo(width: u32, height: u32) -> web_sys::File {
    use wasm_bindgen::Clamped;
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement = doc.create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let mut seed: u32 = 12345;
    let mut pixels = vec![0u8; (width * height * 4) as usize];
    for (i, px) in pixels.chunks_mut(4).enumerate() {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let noise = (seed >> 24) as u8;
        let x = (i as u32 % width) as f64 / width as f64;
        px[0] = (x * 200.0) as u8 ^ (noise >> 2);
        px[1] = noise;
        px[2] = 255 - noise / 2;
        px[3] = 255;
    }
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), width, height).unwrap();
    ctx.put_image_data(&image, 0.0, 0.0).unwrap();
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &0.95.into()).unwrap();
    });
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(promise).await.unwrap().unchecked_into();
    let parts = js_sys::Array::of1(&blob);
    let props = web_sys::FilePropertyBag::new();
    props.set_type("image/jpeg");
    web_sys::File::new_with_blob_sequence_and_options(&parts, "IMG_0001.JPG", &props).unwrap()
}

#[wasm_bindgen_test]
async fn a_12_megapixel_photo_is_shrunk_below_1_5_mb() {
    use parcel_desk::upload::prepare::{prepare, PHOTO_TARGET_BYTES, SUPPORT};
    let photo = noisy_photo(4000, 3000).await;
    assert!(photo.size() > 6_000_000.0, "the test photo should be above upstream's cap: {}", photo.size());
    let prepared = prepare(photo, &SUPPORT).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert!(prepared.blob.size() <= PHOTO_TARGET_BYTES, "{} bytes", prepared.blob.size());
    assert_eq!(prepared.blob.type_(), "image/jpeg");
    assert_eq!(prepared.name, "IMG_0001.jpg");
    let bitmap = prepared.bitmap.unwrap();
    assert_eq!((bitmap.width(), bitmap.height()), (4000, 3000), "the decoded original");
}

#[wasm_bindgen_test]
async fn small_photos_stay_untouched_and_bad_files_are_refused_before_upload() {
    use parcel_desk::upload::prepare::{prepare, PrepareError, JTL, SUPPORT};
    let small = noisy_photo(400, 300).await;
    let size = small.size();
    let prepared = prepare(small, &SUPPORT).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(prepared.blob.size(), size);
    assert_eq!(prepared.name, "IMG_0001.JPG");

    let file = |name: &str, media_type: &str, bytes: &[u8]| {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let props = web_sys::FilePropertyBag::new();
        props.set_type(media_type);
        web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &props).unwrap()
    };
    let heic = file("IMG_0002.HEIC", "image/heic", b"\0\0\0\x18ftypheic not really");
    assert!(matches!(prepare(heic, &SUPPORT).await, Err(PrepareError::Heic)));
    let broken = file("broken.png", "image/png", b"not a png");
    assert!(matches!(prepare(broken, &SUPPORT).await, Err(PrepareError::Undecodable)));
    let zip = file("photos.zip", "application/zip", b"PK\x03\x04");
    assert!(matches!(prepare(zip, &SUPPORT).await, Err(PrepareError::Type)));
    let pdf = file("invoice.pdf", "application/pdf", b"%PDF-1.4");
    assert_eq!(prepare(pdf, &SUPPORT).await.map(|p| p.name).ok().as_deref(), Some("invoice.pdf"));
    // JTL attachments have their own list: Excel yes, RTF no.
    let xls = file("order.xls", "application/vnd.ms-excel", b"\xd0\xcf");
    assert!(prepare(xls, &JTL).await.is_ok());
    let rtf = file("letter.rtf", "application/rtf", b"{\\rtf1}");
    assert!(matches!(prepare(rtf, &JTL).await, Err(PrepareError::Type)));
}

/// Sets the host page's `<html lang>` for one test and puts back what was
/// there when dropped, even if the test fails.
struct HostLang {
    before: Option<String>,
}

impl HostLang {
    fn set(lang: Option<&str>) -> HostLang {
        let before = Self::current();
        Self::put(lang);
        HostLang { before }
    }

    fn current() -> Option<String> {
        web_sys::window().unwrap().document().unwrap().document_element().unwrap().get_attribute("lang")
    }

    fn put(lang: Option<&str>) {
        let html = web_sys::window().unwrap().document().unwrap().document_element().unwrap();
        match lang {
            Some(l) => html.set_attribute("lang", l).unwrap(),
            None => html.remove_attribute("lang").unwrap(),
        }
    }
}

impl Drop for HostLang {
    fn drop(&mut self) {
        Self::put(self.before.as_deref());
    }
}

/// Hands the widget the language files, as the element script does
/// (German only in the test that checks the widget before and after).
fn add_languages() {
    for (tag, json) in [
        ("nl", include_str!("../i18n/nl.json")),
        ("fr", include_str!("../i18n/fr.json")),
        ("es", include_str!("../i18n/es.json")),
        ("it", include_str!("../i18n/it.json")),
    ] {
        parcel_desk::add_language(tag, json).unwrap();
    }
}

#[wasm_bindgen_test]
async fn speaks_dutch_french_spanish_and_italian() {
    add_languages();
    for (option, tag, heading, tracking_label, submit) in [
        ("nl", "nl", "Een probleem met uw pakket melden", "Trackingnummer", "Melding versturen"),
        ("fr", "fr", "Signaler un problème avec votre colis", "Numéro de suivi", "Envoyer la réclamation"),
        ("es", "es", "Informar de un problema con tu paquete", "Número de seguimiento", "Enviar reclamación"),
        ("it", "it", "Segnala un problema con il tuo pacco", "Numero di tracciamento", "Invia reclamo"),
        ("fr-BE", "fr", "Signaler un problème avec votre colis", "Numéro de suivi", "Envoyer la réclamation"),
        ("es_ES", "es", "Informar de un problema con tu paquete", "Número de seguimiento", "Enviar reclamación"),
    ] {
        let page = Page::mount(&format!(r#"{{"lang": "{option}"}}"#)).await;
        assert_eq!(page.all("h2")[0].text_content().unwrap(), heading, "{option}");
        assert_eq!(page.all(".pd-root")[0].get_attribute("lang").as_deref(), Some(tag), "{option}");
        assert_eq!(page.by_label(tracking_label).value(), "", "{option}");
        // The form's own messages come in the same language.
        page.click(&page.button(submit)).await;
        assert!(page.invalid(tracking_label), "{option}");
        let error = page.error_of(tracking_label).unwrap_or_default();
        assert!(
            !error.is_empty() && error != "Please enter the tracking number, or your order number.",
            "{option}: {error}"
        );
    }
}

#[wasm_bindgen_test]
async fn follows_the_host_page_lang_and_never_changes_it() {
    add_languages();
    let _restore = HostLang::set(Some("it-IT"));

    // No `lang` option: the page's `<html lang>` decides.
    let page = Page::mount("{}").await;
    assert_eq!(page.all("h2")[0].text_content().unwrap(), "Segnala un problema con il tuo pacco");
    assert_eq!(page.all(".pd-root")[0].get_attribute("lang").as_deref(), Some("it"));
    assert_eq!(HostLang::current().as_deref(), Some("it-IT"), "the page's lang is left alone");
    drop(page);
    assert_eq!(HostLang::current().as_deref(), Some("it-IT"), "unmounting leaves it alone too");

    // An explicit option wins over the page, which still keeps its own lang.
    let page = Page::mount(r#"{"lang": "nl-BE"}"#).await;
    assert_eq!(page.all("h2")[0].text_content().unwrap(), "Een probleem met uw pakket melden");
    assert_eq!(HostLang::current().as_deref(), Some("it-IT"));
    drop(page);

    // An option the widget does not speak falls back to the page.
    let page = Page::mount(r#"{"lang": "pt-BR"}"#).await;
    assert_eq!(page.all("h2")[0].text_content().unwrap(), "Segnala un problema con il tuo pacco");
    drop(page);

    // A page in Spanish with a region subtag.
    HostLang::put(Some("es-MX"));
    let page = Page::mount("{}").await;
    assert_eq!(page.all("h2")[0].text_content().unwrap(), "Informar de un problema con tu paquete");
    assert_eq!(HostLang::current().as_deref(), Some("es-MX"));
    drop(page);

    // A page without `lang` does not get one from the widget.
    HostLang::put(None);
    let page = Page::mount(r#"{"lang": "fr"}"#).await;
    assert_eq!(page.all("h2")[0].text_content().unwrap(), "Signaler un problème avec votre colis");
    assert_eq!(HostLang::current(), None);
}

/// The widget reads answers with its own small deserializer over
/// `JSON.parse`: the shapes of the wire types, nothing looser.
#[wasm_bindgen_test]
fn answers_are_read_exactly_as_the_wire_types_say() {
    use parcel_desk::json::{from_str, to_string};
    use parcel_desk_wire::ticket::{TicketResponse, TicketStatus};
    use parcel_desk_wire::tracking::TrackingEvent;

    let ticket = r#"{"id": 1003, "status": "solved_by_carrier_compensation_paid", "stage": "solved", "type": "lost",
        "carrier": "dhl", "created_at": "2026-02-20T08:15:00Z", "requested_actions": [], "resolution": null, "new_field": [1, {"a": 2}]}"#;
    let t: TicketResponse = from_str(ticket).expect("a ticket");
    assert_eq!((t.id, t.carrier.as_deref(), t.resolution), (1003, Some("dhl"), None));
    // An enum value this version does not know is kept, not refused.
    let t: TicketResponse = from_str(&ticket.replace("solved_by_carrier_compensation_paid", "brand_new")).unwrap();
    assert_eq!(t.status, TicketStatus::Unlisted("brand_new".into()));
    // Missing required fields, wrong types, fractions for integers, not JSON: no ticket.
    for bad in [
        ticket.replace(r#""id": 1003, "#, ""),
        ticket.replace("1003", r#""1003""#),
        ticket.replace("1003", "1003.5"),
        ticket.replace(r#""requested_actions": []"#, r#""requested_actions": {}"#),
        "[]".to_owned(),
        "{".to_owned(),
    ] {
        assert_eq!(from_str::<TicketResponse>(&bad), None, "{bad}");
    }
    // Fields a type does not name are ignored (the widget's wire types keep
    // no unknown properties)...
    let event = r#"{"event_at": "2026-01-01T00:00:00Z", "location": {"city": "Utrecht"}, "n": 2.5}"#;
    let e: TrackingEvent = from_str(event).unwrap();
    assert_eq!(e.event_at.as_deref(), Some("2026-01-01T00:00:00Z"));
    // ...or kept where a type asks for them (flatten).
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Open {
        event_at: String,
        #[serde(flatten)]
        extra: serde_json::Map<String, serde_json::Value>,
    }
    let open: Open = from_str(event).unwrap();
    assert_eq!(open.extra["location"]["city"], "Utrecht");
    assert_eq!(open.extra["n"], 2.5);
    // Round trip through JSON.stringify; NaN is refused, not sent as null.
    assert_eq!(from_str::<Open>(&to_string(&open).unwrap()), Some(open));
    assert_eq!(from_str::<TrackingEvent>(&to_string(&e).unwrap()), Some(e));
    assert_eq!(to_string(&[1.5, f64::NAN]), None);
    assert_eq!(from_str::<f64>("12").map(|x| x * 2.0), Some(24.0));
    // Each type takes only its own JSON type, and integers only in range.
    assert_eq!((from_str::<u32>("7"), from_str::<i8>("-8"), from_str::<f32>("0.5")), (Some(7), Some(-8), Some(0.5)));
    assert_eq!((from_str::<u8>("256"), from_str::<u32>("-1"), from_str::<u64>("1e300")), (None, None, None));
    assert_eq!((from_str::<bool>("true"), from_str::<bool>("1"), from_str::<f64>(r#""1""#)), (Some(true), None, None));
    assert_eq!(
        (from_str::<String>("12"), from_str::<char>(r#""x""#), from_str::<()>("null")),
        (None, Some('x'), Some(()))
    );
    assert_eq!(from_str::<()>("0"), None);
}

/// On a plain-HTTP page browsers have no `crypto.randomUUID`: ids still come.
#[wasm_bindgen_test]
fn random_ids_without_random_uuid() {
    use parcel_desk::api::random_id;
    use wasm_bindgen::JsValue;
    let uuid = random_id();
    assert_eq!(uuid.len(), 36, "{uuid}");
    let window: JsValue = web_sys::window().unwrap().into();
    let crypto_class = js_sys::Reflect::get(&window, &"Crypto".into()).unwrap();
    let prototype = js_sys::Reflect::get(&crypto_class, &"prototype".into()).unwrap();
    let original = js_sys::Reflect::get(&prototype, &"randomUUID".into()).unwrap();
    assert!(
        js_sys::Reflect::delete_property(prototype.unchecked_ref::<js_sys::Object>(), &"randomUUID".into()).unwrap()
    );
    let (a, b) = (random_id(), random_id());
    js_sys::Reflect::set(&prototype, &"randomUUID".into(), &original).unwrap();
    assert!(a.starts_with("pd-") && a.len() > 3, "{a}");
    assert_ne!(a, b);
    assert_eq!(random_id().len(), 36);
}

/// Replaces `fetch` (answers `status` with `body` and records every URL in
/// `window.__pdFetched`) and `XMLHttpRequest` (every upload succeeds with
/// the token `tok-<file name>`) until dropped.
struct FakeNetwork;

impl FakeNetwork {
    fn install(status: u16, body: &str) -> FakeNetwork {
        let install = js_sys::Function::new_with_args(
            "status, body",
            r#"
            window.__pdRealFetch ??= window.fetch;
            window.__pdRealXhr ??= window.XMLHttpRequest;
            window.__pdFetched = [];
            window.fetch = async (url, init) => {
              const request = new Request(url, init);
              window.__pdFetched.push(`${request.method} ${new URL(request.url).pathname}`);
              return new Response(body, { status, headers: { 'content-type': 'application/json' } });
            };
            window.XMLHttpRequest = class extends EventTarget {
              constructor() { super(); this.upload = new EventTarget(); this.status = 0; this.responseText = ''; }
              open(method, url) { this.url = url; }
              setRequestHeader() {}
              getResponseHeader() { return null; }
              send(form) {
                const file = form.get('file');
                this.timer = setTimeout(() => {
                  this.status = 201;
                  this.responseText = JSON.stringify({ file_token: `tok-${file.name}` });
                  this.dispatchEvent(new Event('load'));
                }, 20);
              }
              abort() { clearTimeout(this.timer); setTimeout(() => this.dispatchEvent(new Event('abort')), 0); }
            };
            "#,
        );
        install.call2(&wasm_bindgen::JsValue::NULL, &status.into(), &body.into()).unwrap();
        FakeNetwork
    }

    fn fetched() -> Vec<String> {
        let window: wasm_bindgen::JsValue = web_sys::window().unwrap().into();
        let list = js_sys::Reflect::get(&window, &"__pdFetched".into()).unwrap();
        js_sys::Array::from(&list).iter().filter_map(|v| v.as_string()).collect()
    }
}

impl Drop for FakeNetwork {
    fn drop(&mut self) {
        let restore = js_sys::Function::new_no_args(
            "window.fetch = window.__pdRealFetch; window.XMLHttpRequest = window.__pdRealXhr;",
        );
        restore.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    settle().await;
}

/// Presses Enter in a control; true when the widget prevented the default
/// (which would submit the form).
fn press_enter(input: &HtmlInputElement) -> bool {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    !input.dispatch_event(&event).unwrap()
}

#[wasm_bindgen_test]
async fn enter_in_the_tracking_number_looks_the_parcel_up_normalised_and_never_submits() {
    let _net = FakeNetwork::install(404, r#"{"detail": "Parcel does not exist"}"#);
    let page = Page::mount(r#"{"lang": "en", "proxyUrl": "/mock-api"}"#).await;
    page.type_into("Tracking number", " pd transit 0001 ").await;
    assert!(press_enter(&page.by_label("Tracking number")), "Enter does not submit the form");
    sleep(50).await;
    assert_eq!(FakeNetwork::fetched(), ["GET /mock-api/parcels/tracking/PDTRANSIT0001"]);
    // Not a submit: no banner, nothing else marked.
    assert!(page.all("[role=alert]").is_empty());
    assert!(page.root.get_element_by_id("situation-error").is_none());
    // The unknown number is said at the field.
    assert!(page.invalid("Tracking number"));
    assert_eq!(
        page.error_of("Tracking number").as_deref(),
        Some("We could not find a parcel with this tracking number. Please check it.")
    );
    // The look-up after typing (600 ms) is not made again for the same number.
    sleep(700).await;
    assert_eq!(FakeNetwork::fetched().len(), 1);
    // A new number clears the message at once.
    page.type_into("Tracking number", "PD-OWN-0003").await;
    assert!(!page.invalid("Tracking number"));
    // What is typed stays as typed; what is sent is normalised.
    assert_eq!(page.by_label("Tracking number").value(), "PD-OWN-0003");
}

#[wasm_bindgen_test]
async fn errors_clear_as_soon_as_the_field_is_valid_and_the_summary_links_to_each_field() {
    let _net = FakeNetwork::install(404, r#"{"detail": "Parcel does not exist"}"#);
    let page = Page::mount(r#"{"lang": "en", "proxyUrl": "/mock-api", "claimType": "lost"}"#).await;
    page.type_into("Length (cm)", "0").await;
    page.type_into("Width (cm)", "20").await;
    page.type_into("Height (cm)", "10").await;
    page.click(&page.button("Submit claim")).await;
    let links: Vec<(String, String)> = page
        .all(".pd-banner a")
        .iter()
        .map(|a| (a.get_attribute("href").unwrap(), a.text_content().unwrap()))
        .collect();
    assert_eq!(
        links,
        [
            ("#tracking_number", "Tracking number"),
            ("#contents", "What was in the parcel?"),
            ("#dimensions-length", "Parcel size (optional)"),
            ("#email", "Email"),
            ("#name", "Name"),
            ("#declaration", "I confirm that I have not received this parcel."),
            ("#signed_name", "Your full name, as your signature"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );

    // A link moves focus to its field.
    let to_contents =
        page.all(".pd-banner a").into_iter().find(|a| a.get_attribute("href").as_deref() == Some("#contents")).unwrap();
    page.click(to_contents.unchecked_ref()).await;
    assert_eq!(page.root.active_element().unwrap().id(), "contents");

    // Valid now: the error goes without another submit, and so does its link.
    page.type_into("Tracking number", "PD-OWN-0003").await;
    assert!(!page.invalid("Tracking number"));
    assert!(page.all(".pd-banner a[href='#tracking_number']").is_empty());
    page.type_into("What was in the parcel?", "Two mugs").await;
    assert!(!page.invalid("What was in the parcel?"));

    // Each rule its own message, as the value changes.
    assert_eq!(page.error_of("Length (cm)").as_deref(), Some("Must be more than 0."));
    page.type_into("Length (cm)", "-4").await;
    assert_eq!(page.error_of("Length (cm)").as_deref(), Some("Must be more than 0."));
    page.type_into("Length (cm)", "thirty").await;
    assert_eq!(page.error_of("Length (cm)").as_deref(), Some("Please enter a number, e.g. 12.50."));
    page.type_into("Length (cm)", "30").await;
    assert!(!page.invalid("Length (cm)"));
    page.type_into("Email", "ann@").await;
    assert_eq!(page.error_of("Email").as_deref(), Some("Please enter a valid email address."));
    page.type_into("Email", "ann@example.com").await;
    assert!(!page.invalid("Email"));
    page.click(&page.by_label("I confirm that I have not received this parcel.").unchecked_into()).await;
    assert!(!page.invalid("I confirm that I have not received this parcel."));
    // Nothing new is flagged while typing: a field with no error stays quiet.
    page.type_into("Anything else the carrier should know?", "x").await;
    assert!(!page.invalid("Anything else the carrier should know?"));
}

/// A tracking answer of a delivered parcel, with the proxy's offers.
const DELIVERED: &str = r#"{
  "events": [{"event_at": "2026-03-02T10:00:00Z", "status_code": "delivered"}],
  "tracking_numbers": [],
  "parcel_desk": {
    "lost_claim": {"eligible": false, "reason": "delivered", "eligible_from": null},
    "offers": [
      {"claim_type": "lost", "offered": false, "reason": "delivered", "from": null},
      {"claim_type": "damage", "offered": true, "reason": null, "from": null},
      {"claim_type": "delivered-but-not-received", "offered": true, "reason": null, "from": null},
      {"claim_type": "late-delivery", "offered": false, "reason": "delivered", "from": null},
      {"claim_type": "unjust-return", "offered": false, "reason": "not_returned", "from": null},
      {"claim_type": "address-change", "offered": false, "reason": "delivered", "from": null},
      {"claim_type": "other", "offered": true, "reason": null, "from": null}
    ]
  }
}"#;

#[wasm_bindgen_test]
async fn tracking_decides_what_can_be_claimed_and_says_why_not() {
    let _net = FakeNetwork::install(200, DELIVERED);
    let page = Page::mount(r#"{"lang": "en", "proxyUrl": "/mock-api"}"#).await;
    page.type_into("Tracking number", "PD-DELIVERED-0002").await;
    assert!(press_enter(&page.by_label("Tracking number")));
    sleep(50).await;
    let hint = |label: &str| -> Option<String> {
        let ids = page.by_label(label).get_attribute("aria-describedby")?;
        page.root.get_element_by_id(&ids).and_then(|e| e.text_content())
    };
    assert_eq!(
        hint("The delivery address is wrong").as_deref(),
        Some("Tracking shows the parcel as delivered, so this is no longer possible.")
    );
    assert_eq!(
        hint("It was sent back to the shop").as_deref(),
        Some("Tracking does not show the parcel going back to the shop.")
    );
    assert_eq!(hint("My parcel has not arrived"), None, "offered: delivered but not received");
    page.click(&page.by_label("My parcel has not arrived").unchecked_into()).await;
    let said: Vec<String> = page.all("[role=status]").iter().map(|e| e.text_content().unwrap()).collect();
    assert!(
        said.iter()
            .any(|s| s == "Tracking says your parcel was delivered. We will report that you did not receive it."),
        "{said:?}"
    );
    assert!(page.try_by_label("I confirm that I have not received this parcel.").is_some());
    // Choosing what tracking rules out: the form says why and sends nothing.
    page.click(&page.by_label("The delivery address is wrong").unchecked_into()).await;
    assert!(page.try_by_label("The correct delivery address").is_none());
    page.click(&page.button("Submit claim")).await;
    assert_eq!(
        page.root.get_element_by_id("situation-error").and_then(|e| e.text_content()).as_deref(),
        Some("Tracking shows the parcel as delivered, so this is no longer possible.")
    );
    assert_eq!(FakeNetwork::fetched(), ["GET /mock-api/parcels/tracking/PD-DELIVERED-0002"]);
}

/// Mounts a claim form for a missing item with the customer's details
/// given, answers it for `tracking_number` and submits it.
async fn submit_missing_item_claim(tracking_number: &str) -> Page {
    let page = Page::mount(
        r#"{"lang": "en", "proxyUrl": "/mock-api", "claimType": "other", "email": "a@b.example", "name": "A"}"#,
    )
    .await;
    page.type_into("Tracking number", tracking_number).await;
    page.type_into("What is missing, and what did you find in the parcel?", "One mug").await;
    page.click(&page.button("Submit claim")).await;
    page
}

#[wasm_bindgen_test]
async fn a_submit_before_tracking_answered_waits_for_it() {
    let _net = FakeNetwork::install(200, DELIVERED);
    // At once, not 600 ms later: tracking is asked first, then the claim sent.
    let _page = submit_missing_item_claim("PD-DELIVERED-0002").await;
    sleep(100).await;
    assert_eq!(FakeNetwork::fetched(), ["GET /mock-api/parcels/tracking/PD-DELIVERED-0002", "POST /mock-api/claims"]);
}

/// The success screen replaces the form (and the questions' part with it):
/// it shows the accepted claim's reference, takes the focus, and "Report
/// another parcel" brings an empty form back.
#[wasm_bindgen_test]
async fn an_accepted_claim_shows_its_reference_and_another_can_be_started() {
    let _net = FakeNetwork::install(
        201,
        r#"{"reference": "PD-4K7Q-2M", "claim_id": "c-1", "access_token": "t-1", "state": "received"}"#,
    );
    let page = submit_missing_item_claim("PD-TRANSIT-0001").await;
    sleep(150).await;
    assert!(FakeNetwork::fetched().contains(&"POST /mock-api/claims".to_owned()));
    let heading = page.all("h2").into_iter().next().expect("a heading");
    assert_eq!(heading.text_content().as_deref(), Some("Claim received"));
    let text = page.root.text_content().unwrap_or_default();
    assert!(text.contains("Reference: PD-4K7Q-2M"), "{text}");
    assert!(text.contains("Your claim goes to the carrier now"), "{text}");
    assert!(page.try_by_label("Tracking number").is_none(), "the form made way");
    assert_eq!(page.root.active_element().as_ref(), Some(&heading), "the heading has the focus");

    page.click(&page.button("Report another parcel")).await;
    assert_eq!(page.by_label("Tracking number").value(), "");
}

#[wasm_bindgen_test]
async fn the_contact_form_adds_files_picked_one_after_another_and_each_can_be_removed() {
    let _net = FakeNetwork::install(404, "{}");
    let page = Page::mount(
        r#"{"lang": "en", "view": "contact", "proxyUrl": "/mock-api", "name": "Alex Example", "orderNumber": "ORD-4711",
            "email": "alex@example.com", "items": "[{\"name\": \"Grinder\", \"quantity\": 1}]"}"#,
    )
    .await;
    assert_eq!(page.by_label("Your name").value(), "Alex Example", "prefilled");
    assert_eq!(page.by_label("Order number or reference").value(), "ORD-4711");
    let input = page.by_label("Files");
    assert!(input.multiple());
    assert_eq!(input.accept(), "image/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt");

    let pick = js_sys::Function::new_with_args(
        "input, names",
        "const dt = new DataTransfer();
         for (const n of names.split(',')) dt.items.add(new File(['%PDF-1.4 test'], n, { type: 'application/pdf' }));
         input.files = dt.files;
         input.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    pick.call2(&wasm_bindgen::JsValue::NULL, &input, &"invoice.pdf,photo-list.pdf".into()).unwrap();
    sleep(100).await;
    pick.call2(&wasm_bindgen::JsValue::NULL, &input, &"receipt.pdf".into()).unwrap();
    sleep(100).await;
    let listed = |page: &Page| -> Vec<String> {
        page.all(".pd-file-list li span").iter().map(|s| s.text_content().unwrap()).collect()
    };
    assert_eq!(
        listed(&page),
        ["invoice.pdf: Uploaded", "photo-list.pdf: Uploaded", "receipt.pdf: Uploaded"],
        "a second pick adds to the first"
    );
    let remove = page
        .all("button")
        .into_iter()
        .find(|b| b.get_attribute("aria-label").as_deref() == Some("Remove photo-list.pdf"))
        .unwrap();
    page.click(remove.unchecked_ref()).await;
    assert_eq!(listed(&page), ["invoice.pdf: Uploaded", "receipt.pdf: Uploaded"]);

    // At most ten: the rest is not added, and the field says so.
    let names: Vec<String> = (0..9).map(|i| format!("f{i}.pdf")).collect();
    pick.call2(&wasm_bindgen::JsValue::NULL, &input, &names.join(",").into()).unwrap();
    sleep(150).await;
    assert_eq!(listed(&page).len(), 10);
    assert_eq!(page.error_of("Files").as_deref(), Some("Up to 10 files can be attached; the others were not added."));
    assert!(input.disabled(), "full");
}

#[wasm_bindgen_test]
async fn order_items_must_be_a_list_of_names_and_quantities() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    let err = match mount(host.clone(), js_sys::JSON::parse(r#"{"items": "[{\"name\": \"Grinder\"}]"}"#).unwrap()) {
        Err(e) => e.as_string().unwrap(),
        Ok(_) => panic!("items without a quantity were accepted"),
    };
    assert!(err.starts_with("parcel-desk: invalid options: items must be a JSON array"), "{err}");
    // The JS API may pass the array itself.
    let options = js_sys::JSON::parse(r#"{"items": [{"name": "Grinder", "quantity": 2}]}"#).unwrap();
    let mut widget = mount(host.clone(), options).expect("an array of items");
    widget.unmount();
}

#[wasm_bindgen_test]
async fn the_status_lookup_asks_for_the_reference_and_email_and_never_says_which_is_wrong() {
    let _net = FakeNetwork::install(404, r#"{"errors": [{"code": "not_found", "detail": "Not found."}]}"#);
    let page = Page::mount(r#"{"lang": "en", "proxyUrl": "/mock-api", "view": "status"}"#).await;
    let field = "Claim reference or order number";
    assert_eq!(page.all("h2")[0].text_content().as_deref(), Some("Claim status"));
    // Nothing typed: each field says so, nothing is sent.
    page.click(&page.button("Show status")).await;
    assert_eq!(page.error_of(field).as_deref(), Some("Please fill in this field."));
    assert_eq!(page.error_of("Email address or postal code").as_deref(), Some("Please fill in this field."));
    assert!(FakeNetwork::fetched().is_empty());
    // Neither a reference nor an order number (too long): said at the field.
    page.type_into(field, &"1".repeat(101)).await;
    page.type_into("Email address or postal code", "ann@example.com").await;
    page.click(&page.button("Show status")).await;
    assert_eq!(
        page.error_of(field).as_deref(),
        Some("Please enter the reference as shown in your confirmation (e.g. PD-4K7Q-2M) or your order number.")
    );
    assert!(FakeNetwork::fetched().is_empty());
    // Any case and spacing is a reference; the proxy's 404 is one text.
    page.type_into(field, " pd 4k7q 2m ").await;
    page.click(&page.button("Show status")).await;
    sleep(50).await;
    assert_eq!(FakeNetwork::fetched(), ["POST /mock-api/claims/lookup"]);
    assert!(!page.invalid(field) && !page.invalid("Email address or postal code"));
    let alerts = page.all("[role=alert]");
    let no_match = "No claim matches this reference or order number and this email address or postal code. \
                    Please check both and try again.";
    assert_eq!(alerts.iter().map(|a| a.text_content().unwrap_or_default()).collect::<Vec<_>>(), [no_match]);
    // What is not a reference goes as an order number.
    page.type_into(field, "ORD 12").await;
    page.click(&page.button("Show status")).await;
    sleep(50).await;
    assert_eq!(FakeNetwork::fetched(), ["POST /mock-api/claims/lookup", "POST /mock-api/claims/lookup"]);
    assert!(!page.invalid(field));
    // The older look-up stays one click away.
    page.click(&page.button("Look up by ticket number and order number instead")).await;
    assert!(page.try_by_label("Ticket number").is_some() && page.try_by_label("Order number").is_some());
    page.click(&page.button("Look up by claim reference instead")).await;
    assert!(page.try_by_label(field).is_some());
}

#[wasm_bindgen_test]
async fn too_many_lookups_have_their_own_text() {
    let _net = FakeNetwork::install(429, r#"{"errors": [{"code": "rate_limited", "detail": "Too many requests."}]}"#);
    add_languages();
    let page = Page::mount(r#"{"lang": "nl", "proxyUrl": "/mock-api", "view": "status"}"#).await;
    page.type_into("Referentie van uw melding of bestelnummer", "PD-4K7Q-2M").await;
    page.type_into("E-mailadres of postcode", "1011 AB").await;
    page.click(&page.button("Status bekijken")).await;
    sleep(50).await;
    let alerts: Vec<String> = page.all("[role=alert]").iter().map(|a| a.text_content().unwrap_or_default()).collect();
    assert_eq!(alerts, ["Te veel zoekopdrachten in korte tijd. Wacht een minuut en probeer het dan opnieuw."]);
    let t = parcel_desk::i18n::Lang::En.texts();
    let failure = |retry_after| parcel_desk::api::ApiFailure::Http { status: 429, envelope: None, retry_after };
    assert_eq!(
        parcel_desk::status::lookup_failure_text(t, &failure(Some(30))),
        "Too many look-ups in a short time. Please wait 30 seconds and try again."
    );
}

#[wasm_bindgen_test]
async fn a_remembered_claim_opens_by_its_reference_and_an_embedded_widget_leaves_the_url_alone() {
    let id = "6f1c2a4e-8b1d-4c1e-9a63-2f6d1e0b7c55";
    let _net = FakeNetwork::install(202, &format!(r#"{{"ticket_id": "{id}", "pending": true, "state": "with_shop"}}"#));
    parcel_desk::status::remember("/mock-api/", "pd 4k7q 2m", id, "v1.test.token");
    let before = web_sys::window().unwrap().location().href().unwrap();
    let page =
        Page::mount(r#"{"lang": "en", "proxyUrl": "/mock-api", "view": "status", "reference": "PD-4K7Q-2M"}"#).await;
    sleep(50).await;
    assert_eq!(FakeNetwork::fetched(), [format!("GET /mock-api/dsf/tickets/{id}")]);
    assert_eq!(page.all(".pd-claim-reference strong")[0].text_content().as_deref(), Some("PD-4K7Q-2M"));
    let phase = page.all(".pd-phase")[0].text_content().unwrap_or_default();
    assert!(phase.starts_with("With the shop"), "{phase}");
    let current: Vec<String> =
        page.all(".pd-steps [aria-current=step]").iter().map(|l| l.text_content().unwrap_or_default()).collect();
    assert_eq!(current, ["With the shop"]);
    assert_eq!(
        web_sys::window().unwrap().location().href().unwrap(),
        before,
        "no syncUrl: the page's URL is left alone"
    );
    // An unknown reference only prefills the look-up.
    drop(page);
    let page =
        Page::mount(r#"{"lang": "en", "proxyUrl": "/mock-api", "view": "status", "reference": "pd-0000-01"}"#).await;
    assert_eq!(page.by_label("Claim reference or order number").value(), "pd-0000-01");
    assert!(page.all(".pd-intro")[0].text_content().unwrap_or_default().starts_with("To see claim PD-0000-01 again"));
    web_sys::window().unwrap().session_storage().unwrap().unwrap().clear().unwrap();
}

/// The component library: a Leptos app renders `<ParcelDesk>` with a view
/// inside (no custom element, no `mount`). The widget gets a shadow root of
/// its own with the shared stylesheet, its styles do not reach the app, and
/// the component's typed props prefill the form.
mod library {
    use super::settle;
    use leptos::prelude::*;
    use parcel_desk::{ClaimForm, ClaimType, ParcelDesk, ParcelDeskOptions, Theme};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;
    use web_sys::{HtmlElement, HtmlInputElement};

    #[wasm_bindgen_test]
    async fn claim_form_in_a_leptos_app_is_isolated_and_prefilled() {
        web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
        let doc = web_sys::window().unwrap().document().unwrap();
        let app: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
        doc.body().unwrap().append_child(&app).unwrap();
        // The app's own button, beside the widget.
        let outside: HtmlElement = doc.create_element("button").unwrap().unchecked_into();
        outside.set_text_content(Some("App button"));
        app.append_child(&outside).unwrap();
        let before = web_sys::window().unwrap().get_computed_style(&outside).unwrap().unwrap();
        let before =
            (before.get_property_value("background-color").unwrap(), before.get_property_value("padding-top").unwrap());
        let handle = leptos::mount::mount_to(app.clone(), || {
            let options = ParcelDeskOptions::default().proxy_url("/nowhere").theme(Theme::Dark);
            view! {
                <ParcelDesk options=options>
                    <ClaimForm claim_type=ClaimType::Damage tracking_number="PD-LIB-0001" />
                </ParcelDesk>
            }
        });
        settle().await;
        let host = app.query_selector(".pd-isolated").unwrap().expect("the provider's element");
        let root = host.shadow_root().expect("the provider renders into a shadow root");
        assert_eq!(root.adopted_style_sheets().length(), 1, "one shared stylesheet");
        let widget = root.query_selector(".pd-root").unwrap().expect("the widget's root");
        assert!(widget.class_name().contains("pd-theme-dark"), "the typed theme: {}", widget.class_name());
        let heading = root.query_selector("h2").unwrap().expect("a heading").text_content().unwrap();
        assert_eq!(heading, "Report a problem with your parcel");
        let label = root.query_selector_all("label").unwrap();
        let tracking = (0..label.length())
            .map(|i| label.get(i).unwrap().unchecked_into::<web_sys::Element>())
            .find(|l| l.text_content().unwrap_or_default().trim_end_matches(" *").trim() == "Tracking number")
            .and_then(|l| l.get_attribute("for"))
            .and_then(|id| root.get_element_by_id(&id))
            .expect("a tracking number field")
            .unchecked_into::<HtmlInputElement>();
        assert_eq!(tracking.value(), "PD-LIB-0001");
        let damaged = root.query_selector("input[type=radio]:checked").unwrap().expect("a situation picked");
        let damaged_label = root.query_selector(&format!("label[for=\"{}\"]", damaged.id())).unwrap().unwrap();
        assert_eq!(damaged_label.text_content().unwrap(), "It arrived damaged");
        // Nothing of the widget's CSS reached the app.
        let after = web_sys::window().unwrap().get_computed_style(&outside).unwrap().unwrap();
        let after =
            (after.get_property_value("background-color").unwrap(), after.get_property_value("padding-top").unwrap());
        assert_eq!(before, after);
        drop(handle);
        settle().await;
        assert!(app.query_selector(".pd-isolated").unwrap().is_none(), "unmounted with the app");
        app.remove();
    }
}

/// What staff type into the needed fields of an inbox claim becomes a
/// typed `ShopCompletion` (the proxy's `deny_unknown_fields` body) through
/// the browser's JSON, and a key the contract does not have is refused.
#[wasm_bindgen_test]
fn needed_fields_map_onto_the_shop_completion() {
    use parcel_desk::staff::needed::{value_of, Typed};
    use parcel_desk_wire::inbox::{FieldKind, NeededField, ShopCompletion};
    let field = |key: &str, kind| NeededField { key: key.into(), label: key.into(), kind, choices: Vec::new() };
    let typed = |text: &str| Typed { text: text.into(), currency: "GBP".into(), ..Default::default() };
    let mut body = serde_json::Map::new();
    for (f, t) in [
        (field("contents_sales_price", FieldKind::Money), typed("49,90")),
        (field("carrier_contract_id", FieldKind::Number), typed("4711")),
        (field("additional_remarks", FieldKind::Text), typed(" Handed over on 1 December ")),
        (field("purchase_invoice", FieldKind::File), Typed { file_token: Some("f_1".into()), ..Default::default() }),
        (
            field("parcel_dimensions", FieldKind::Dimensions),
            Typed { dims: ["30".into(), "20".into(), "10,5".into()], ..Default::default() },
        ),
        (field("is_parcel_returned", FieldKind::Boolean), typed("true")),
    ] {
        body.insert(f.key.clone(), value_of(&f, &t).unwrap().unwrap());
    }
    let c: ShopCompletion =
        parcel_desk::json::convert(&serde_json::Value::Object(body.clone())).expect("a ShopCompletion");
    assert_eq!(
        c.contents_sales_price.as_ref().map(|m| (m.price, m.currency.as_str().to_owned())),
        Some((49.9, "GBP".into()))
    );
    assert_eq!(c.carrier_contract_id, Some(4711));
    assert_eq!(c.additional_remarks.as_deref(), Some("Handed over on 1 December"));
    assert_eq!(c.purchase_invoice.as_ref().map(|f| f.file_token.as_str()), Some("f_1"));
    assert_eq!(c.parcel_dimensions.as_ref().map(|d| (d.length, d.width, d.height)), Some((30.0, 20.0, 10.5)));
    assert_eq!(c.is_parcel_returned, Some(true));
    let sent = parcel_desk::json::to_string(&c).unwrap();
    assert!(sent.contains(r#""contents_sales_price":{"price":49.9,"currency":"GBP"}"#), "{sent}");
    body.insert("price".into(), serde_json::Value::Bool(true));
    assert!(parcel_desk::json::convert::<ShopCompletion>(&serde_json::Value::Object(body)).is_none());
}

#[wasm_bindgen_test]
async fn the_staff_view_opens_on_the_inbox_and_keeps_parcel_registration() {
    web_sys::window().unwrap().session_storage().unwrap().unwrap().clear().unwrap();
    let page = Page::mount(r#"{"view": "staff", "proxyUrl": "http://127.0.0.1:9/api"}"#).await;
    assert!(page.try_by_label("Staff access token").is_some());
    let texts: Vec<String> = page.all("p").iter().map(|p| p.text_content().unwrap_or_default()).collect();
    assert!(texts.iter().any(|t| t == "Enter the staff token to open the inbox."), "{texts:?}");
    let filters: Vec<String> = page.all(".pd-bucket").iter().map(|b| b.text_content().unwrap_or_default()).collect();
    assert_eq!(filters.len(), 7, "{filters:?}");
    assert!(filters[1].starts_with("To review"), "{filters:?}");
    page.click(&page.button("Register a parcel")).await;
    assert!(page.try_by_label("Carrier code").is_some());
    assert!(page.try_by_label("Staff access token").is_some(), "one token field for both sections");
}

/// A copy of the shadow root's content without Leptos' placeholder
/// comments and the first step's `data-pd` hooks, adjacent texts joined.
fn markup(root: &ShadowRoot) -> web_sys::Node {
    fn clean(node: &web_sys::Node) {
        let children = node.child_nodes();
        for i in (0..children.length()).rev() {
            let child = children.get(i).unwrap();
            if child.node_type() == web_sys::Node::COMMENT_NODE {
                node.remove_child(&child).unwrap();
            } else {
                if let Some(el) = child.dyn_ref::<Element>() {
                    el.remove_attribute("data-pd").unwrap();
                    el.remove_attribute("data-pd-first").unwrap();
                }
                // What an input holds, as attributes (the widget sets
                // properties, the first step writes attributes).
                if let Some(input) = child.dyn_ref::<HtmlInputElement>() {
                    let (value, checked) = (input.value(), input.checked());
                    input.remove_attribute("value").unwrap();
                    input.remove_attribute("checked").unwrap();
                    if !value.is_empty() && input.type_() == "text" {
                        input.set_attribute("value", &value).unwrap();
                    }
                    if checked {
                        input.set_attribute("checked", "").unwrap();
                    }
                }
                clean(&child);
            }
        }
    }
    let copy = root.first_element_child().unwrap().clone_node_with_deep(true).unwrap();
    clean(&copy);
    copy.normalize();
    copy
}

/// The first step (`show_first_step`: the split build shows it while the
/// widget's module loads) on a page of its own.
fn first_step(options: &str) -> (HtmlElement, parcel_desk::FirstStep) {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let doc = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = doc.create_element("parcel-desk-first").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&host).unwrap();
    let step = parcel_desk::show_first_step(host.clone(), js_sys::JSON::parse(options).unwrap()).unwrap();
    (host, step)
}

#[wasm_bindgen_test]
async fn the_first_step_is_the_widgets_first_view_to_the_element() {
    add_languages();
    for options in [
        r#"{"lang": "en"}"#,
        r#"{"lang": "nl", "orderNumber": "ORD-1001", "theme": "dark"}"#,
        r#"{"lang": "en", "trackingNumber": "JJD0001 <b>&\"", "view": "claim"}"#,
    ] {
        let (host, step) = first_step(options);
        let first = markup(&host.shadow_root().unwrap());
        drop(step);
        host.remove();
        let page = Page::mount(options).await;
        let widget = markup(&page.root);
        assert!(
            first.is_equal_node(Some(&widget)),
            "{options}: the first step differs from the widget's first view:\n{}\n{}",
            first.unchecked_ref::<Element>().outer_html(),
            widget.unchecked_ref::<Element>().outer_html()
        );
    }
}

#[wasm_bindgen_test]
async fn the_widget_takes_over_what_was_typed_chosen_and_focused_in_the_first_step() {
    let (host, step) = first_step(r#"{"lang": "en", "orderNumber": "ORD-1001"}"#);
    let root = host.shadow_root().unwrap();
    let by_id = |id: &str| root.get_element_by_id(id).unwrap().unchecked_into::<HtmlInputElement>();
    // The shop prefilled the order number: the customer switches to the
    // tracking number, types it, chooses what happened, and puts the caret
    // inside the number.
    assert_eq!(by_id("order_number").value(), "ORD-1001");
    let switch = root.query_selector("button.pd-link").unwrap().unwrap().unchecked_into::<HtmlElement>();
    assert_eq!(switch.text_content().unwrap(), "Use the tracking number instead");
    switch.click();
    assert!(root.get_element_by_id("order_number").is_none());
    by_id("tracking_number").set_value("JJD000390007");
    by_id("situation-damaged").click();
    by_id("tracking_number").focus().unwrap();
    by_id("tracking_number").set_selection_range(3, 6).unwrap();

    let page = Page { host, root, widget: Some(step.hand_over()) };
    settle().await;
    assert_eq!(page.by_label("Tracking number").value(), "JJD000390007");
    assert!(page.by_label("It arrived damaged").checked());
    // The damage claim's questions are the widget's own.
    assert!(page.try_by_label("What was in the parcel?").is_some());
    let active = page.root.active_element().expect("the focus stays in the widget");
    assert_eq!(active.id(), "tracking_number");
    let input = page.by_label("Tracking number");
    assert_eq!((input.selection_start().unwrap(), input.selection_end().unwrap()), (Some(3), Some(6)));
    // The order number the shop gave is still there behind the link.
    page.click(&page.button("I don't have the tracking number")).await;
    assert_eq!(page.by_label("Order number").value(), "ORD-1001");
}

#[wasm_bindgen_test]
async fn a_submit_in_the_first_step_waits_for_the_widget_which_then_makes_it() {
    let (host, step) = first_step(r#"{"lang": "en"}"#);
    let root = host.shadow_root().unwrap();
    let submit = root.query_selector(".pd-submit").unwrap().unwrap().unchecked_into::<HtmlElement>();
    submit.click();
    assert_eq!(submit.text_content().unwrap(), "Submitting…");
    assert_eq!(submit.get_attribute("aria-busy").as_deref(), Some("true"));
    // Enter in the tracking number does not submit (the widget looks the
    // parcel up instead).
    let page = Page { host, root, widget: Some(step.hand_over()) };
    settle().await;
    assert!(page.invalid("Tracking number"), "the waiting submit was made: the empty number is said");
    assert_eq!(
        page.error_of("Tracking number").as_deref(),
        Some("Please enter the tracking number, or your order number.")
    );
    assert_eq!(page.root.active_element().map(|e| e.id()).as_deref(), Some("tracking_number"));
    assert_eq!(page.button("Submit claim").get_attribute("aria-busy"), None);
}

#[wasm_bindgen_test]
async fn a_tab_chosen_in_the_first_step_is_the_widgets_view_and_the_page_hears_of_it() {
    let (host, step) = first_step(r#"{"lang": "en"}"#);
    let root = host.shadow_root().unwrap();
    let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let listener = {
        let heard = heard.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
            let view = js_sys::Reflect::get(&e.detail(), &"view".into()).unwrap().as_string().unwrap();
            heard.borrow_mut().push(view);
        })
    };
    host.add_event_listener_with_callback("parcel-desk:view-change", listener.as_ref().unchecked_ref()).unwrap();
    let tab = |name: &str| {
        let tabs = root.query_selector_all(".pd-tab").unwrap();
        (0..tabs.length())
            .map(|i| tabs.get(i).unwrap().unchecked_into::<HtmlElement>())
            .find(|t| t.text_content().unwrap() == name)
            .unwrap()
    };
    tab("Track a parcel").click();
    assert_eq!(tab("Track a parcel").get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(tab("Report a problem").get_attribute("aria-pressed").as_deref(), Some("false"));
    assert!(root.query_selector(".pd-form").unwrap().is_none(), "the claim form is not shown under another tab");
    // A keyboard user on the tab keeps the focus there.
    tab("Track a parcel").focus().unwrap();
    let page = Page { host, root, widget: Some(step.hand_over()) };
    settle().await;
    assert_eq!(page.button("Track a parcel").get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(page.root.active_element().and_then(|e| e.text_content()).as_deref(), Some("Track a parcel"));
    assert_eq!(page.by_label("Tracking number").id(), "track_number", "the tracking view");
    assert_eq!(*heard.borrow(), ["track"]);
}
