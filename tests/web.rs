//! In-browser component tests (wasm-bindgen-test in headless Chromium).
//! Controls are found the way a person finds them: by their label text.

#![cfg(target_arch = "wasm32")]

use parcel_desk::mount;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Leptos' scheduled effects and re-renders run.
async fn settle() {
    for _ in 0..3 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .unwrap();
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
    async fn mount(options: &str) -> Page {
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
async fn renders_the_lost_claim_form_in_a_shadow_root_with_its_styles() {
    let page = Page::mount(r#"{"proxyUrl": "/api", "lang": "en"}"#).await;
    let heading = page.all("h2");
    assert_eq!(heading[0].text_content().unwrap(), "Report a lost parcel");
    assert_eq!(page.by_label("Tracking number").value(), "");
    let sheets: js_sys::Array = page.root.adopted_style_sheets().unchecked_into();
    assert_eq!(sheets.length(), 1, "the widget stylesheet is adopted by the shadow root");
    // Nothing leaks into the page itself.
    let doc = web_sys::window().unwrap().document().unwrap();
    assert!(doc.query_selector(".pd-root").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn prefills_the_tracking_number_and_speaks_german() {
    let page = Page::mount(r#"{"lang": "de-AT", "trackingNumber": "PD-OWN-0003"}"#).await;
    assert_eq!(page.by_label("Sendungsnummer").value(), "PD-OWN-0003");
    assert_eq!(page.all(".pd-root")[0].get_attribute("lang").as_deref(), Some("de"));
}

#[wasm_bindgen_test]
async fn sendcloud_rates_parcels_need_every_field_the_spec_requires() {
    let page = Page::mount(r#"{"lang": "en"}"#).await;
    page.click(&page.button("Submit claim")).await;

    for label in [
        "Tracking number",
        "What was in the parcel?",
        "What did the parcel look like?",
        "Anything else the carrier should know?",
        "Sales invoice",
        "Purchase invoice",
        "Signed statement that the parcel did not arrive",
        "Carrier's claim form, filled in",
    ] {
        assert!(page.invalid(label), "{label} should be marked invalid");
        assert_eq!(page.error_of(label).as_deref(), Some("Please fill in this field."), "{label}");
    }
    assert!(page.invalid("Amount"), "the sales price is required");
    assert!(page.invalid("Length (cm)"), "the dimensions are required");
    // Purchase price is optional: its amount field is the second "Amount".
    let purchase = page.root.get_element_by_id("contents_purchase_price-amount").unwrap();
    assert_eq!(purchase.get_attribute("aria-invalid"), None);

    let banner = page.all("[role=alert]");
    assert_eq!(banner.len(), 1);
    assert!(banner[0].text_content().unwrap().contains("Nothing you entered was lost"));

    // Focus went to the first invalid field.
    let active = page.root.active_element().expect("focus is inside the widget");
    assert_eq!(active.id(), "tracking_number");
}

#[wasm_bindgen_test]
async fn own_contract_parcels_need_only_the_tracking_number() {
    let page = Page::mount(r#"{"lang": "en"}"#).await;
    assert!(page.try_by_label("Carrier contract number").is_none(), "hidden for Sendcloud-rates parcels");
    page.click(&page.by_label("On the shop's own carrier contract").unchecked_into()).await;
    assert!(page.try_by_label("Carrier contract number").is_some());

    page.type_into("Carrier contract number", "12.5").await;
    page.click(&page.button("Submit claim")).await;
    assert!(page.invalid("Tracking number"));
    assert!(!page.invalid("What was in the parcel?"), "not required for own-contract parcels");
    assert!(!page.invalid("Sales invoice"));
    assert_eq!(page.error_of("Carrier contract number").as_deref(), Some("Please enter a whole number."));
    assert_eq!(page.by_label("Carrier contract number").value(), "12.5", "what was typed stays");
}

#[wasm_bindgen_test]
async fn fixing_a_field_and_resubmitting_clears_its_message() {
    let page = Page::mount(r#"{"lang": "en"}"#).await;
    page.type_into("Amount", "twelve").await;
    page.click(&page.button("Submit claim")).await;
    assert_eq!(page.error_of("Amount").as_deref(), Some("Please enter a number, e.g. 12.50."));
    page.type_into("Amount", "12,50").await;
    page.type_into("Tracking number", "PD-TRANSIT-0001").await;
    page.click(&page.button("Submit claim")).await;
    assert!(!page.invalid("Amount"));
    assert!(!page.invalid("Tracking number"));
    assert!(page.invalid("What was in the parcel?"));
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
    assert!(err.starts_with("parcel-desk: invalid options:"), "{err}");
}
