//! The claim form's first step as plain HTML, while the rest of the
//! widget's code loads (the split build: `mount` shows it, then hands it
//! over to the Leptos widget, a module of its own).
//!
//! The shell this lives in has no Leptos in it: this file writes the same
//! markup the Leptos form renders first (the tabs, the tracking number or
//! order number, "What happened?" and the submit button), so nothing
//! moves when the widget takes over. Until then the customer can type,
//! choose, switch to the order number and between tabs; a submit waits
//! ("Submitting…") and is made again by the widget as soon as it is there.
//! When the widget takes over, it starts from what was typed and chosen
//! ([`Handed`]), the focused control keeps the focus and the caret, and
//! nothing is lost. If the widget's code cannot be loaded, the step says so
//! and offers "Try again".

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

use crate::claim::model::Situation;
use crate::claim::{FormValues, Handed};
use crate::i18n::{Lang, Texts};
use crate::{Options, View};

/// Where the focus was, and in a text input its text and caret.
struct Focus {
    /// Its place among the [`CONTROLS`] (the widget's markup is the same,
    /// so the same place is the same control: a tab or a link too).
    place: u32,
    text: Option<(String, u32, u32)>,
}

/// What can have the focus in the first step.
const CONTROLS: &str = "button, input";

/// What the first step knows besides its DOM.
struct State {
    texts: &'static Texts,
    /// The views with tabs, in order (none: no tabs).
    tabs: Vec<View>,
    view: View,
    use_order: bool,
    /// The value of the one of tracking / order number not shown.
    other: String,
    submit: bool,
    /// "Try again" after the widget's code could not be loaded.
    retry: Option<Rc<dyn Fn()>>,
    /// The claim form, off the page while another tab is pressed.
    parked: Option<Element>,
}

/// The first step on the page, until [`Light::take_over`].
pub struct Light {
    container: HtmlElement,
    state: Rc<RefCell<State>>,
    listener: Closure<dyn FnMut(web_sys::Event)>,
}

const EVENTS: [&str; 3] = ["click", "keydown", "submit"];

/// `text` for HTML text or a quoted attribute.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Appends `parts`: the odd ones (1, 3, …) escaped, the others as they are.
fn html(out: &mut String, parts: &[&str]) {
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            escape(out, part);
        } else {
            out.push_str(part);
        }
    }
}

/// The required mark (as `fields::LabelText`'s) and the label's end.
const REQUIRED_LABEL: &str = "<span class=\"pd-required\" aria-hidden=\"true\"> *</span></label>";

/// The tracking number (or order number) with its label and hint, the link
/// that switches between them, and (tracking number) the place of what
/// tracking says: as `fields::TextField` and `claim::ClaimForm` render them.
fn parcel_field(out: &mut String, t: &Texts, use_order: bool, value: &str) {
    let (id, label, hint, link) = if use_order {
        ("order_number", t.order_number, t.order_number_hint, t.use_tracking_number)
    } else {
        ("tracking_number", t.tracking_number, t.tracking_hint, t.no_tracking_number)
    };
    html(out, &["<div class=\"pd-field\"><label for=\"", id, "\">", label, REQUIRED_LABEL]);
    if !hint.is_empty() {
        html(out, &["<p class=\"pd-hint\" id=\"", id, "-hint\">", hint, "</p>"]);
    }
    html(
        out,
        &[
            "<input part=\"input\" type=\"text\" id=\"",
            id,
            "\" name=\"",
            id,
            "\" autocomplete=\"off\" aria-required=\"true\"",
        ],
    );
    if !hint.is_empty() {
        html(out, &[" aria-describedby=\"", id, "-hint\""]);
    }
    if !value.is_empty() {
        html(out, &[" value=\"", value, "\""]);
    }
    html(out, &["></div><button type=\"button\" class=\"pd-link\" data-pd=\"order\">", link, "</button>"]);
    if !use_order {
        out.push_str("<div class=\"pd-parcel\" aria-live=\"polite\"></div>");
    }
}

/// The claim form's first step (`claim::ClaimForm` before anything is
/// known about the parcel).
fn claim_form(out: &mut String, t: &Texts, use_order: bool, value: &str, situation: Option<Situation>) {
    html(out, &[
        "<form class=\"pd-form\" novalidate aria-labelledby=\"pd-claim-title\"><h2 id=\"pd-claim-title\" class=\"pd-title\" part=\"title\">",
        t.claim_title,
        "</h2><p class=\"pd-intro\">",
        t.claim_intro,
        "</p><p class=\"pd-hint\">",
        t.required_note,
        "</p>",
    ]);
    parcel_field(out, t, use_order, value);
    html(
        out,
        &[
            "<fieldset class=\"pd-field\"><legend>",
            t.situation_legend,
            "<span class=\"pd-required\" aria-hidden=\"true\"> *</span></legend>",
        ],
    );
    for s in Situation::ALL {
        let checked = if situation == Some(s) { " checked" } else { "" };
        html(
            out,
            &[
                "<div class=\"pd-radio\"><input type=\"radio\" id=\"",
                s.id(),
                "\" name=\"situation\"",
                checked,
                "><label for=\"",
                s.id(),
                "\">",
                crate::claim::situation_label(t, s),
                "</label></div>",
            ],
        );
    }
    html(
        out,
        &["</fieldset><button type=\"submit\" class=\"pd-submit\" part=\"submit\">", t.submit, "</button></form>"],
    );
}

impl Light {
    /// Shows the first step of the widget `options` ask for in `container`
    /// (empty). A stored claim draft is restored by the widget: until then
    /// this says "Loading…", as the widget's form does.
    pub fn show(container: &HtmlElement, options: &Options, lang: Lang) -> Result<Light, JsValue> {
        let texts = lang.texts();
        let t = texts;
        let tag = lang.tag();
        let view = options.view.as_deref().and_then(View::from_name).unwrap_or(View::Claim);
        let labelled = crate::tabs(t);
        let tabs: Vec<View> = labelled.iter().map(|(v, _)| *v).collect();
        let tracking = options.tracking_number.clone().unwrap_or_default();
        let order = options.order_number.clone().unwrap_or_default();
        let use_order = tracking.is_empty() && !order.is_empty();
        let (shown, other) = if use_order { (order, tracking) } else { (tracking, order) };
        let theme = match options.theme.as_deref() {
            Some("dark") => "dark",
            Some("auto") => "auto",
            _ => "light",
        };
        let mut out = String::with_capacity(4096);
        // (`data-pd-first`: the widget's root has none; tests wait for that.)
        html(
            &mut out,
            &["<div class=\"pd-root pd-theme-", theme, "\" part=\"root\" lang=\"", tag, "\" data-pd-first>"],
        );
        if tabs.len() > 1 {
            html(&mut out, &["<nav class=\"pd-nav\" part=\"nav\" aria-label=\"", t.nav_label, "\">"]);
            for (v, label) in labelled {
                let pressed = if v == view { "true" } else { "false" };
                html(
                    &mut out,
                    &[
                        "<button type=\"button\" class=\"pd-tab\" part=\"tab\" aria-pressed=\"",
                        pressed,
                        "\" data-pd=\"",
                        v.name(),
                        "\">",
                        label,
                        "</button>",
                    ],
                );
            }
            out.push_str("</nav>");
        }
        // The view's module and texts, beside the widget's (none for the
        // claim form: the step shows its start).
        #[cfg(all(feature = "split", views))]
        crate::lazy::preload_first(view, lang);
        // Another view shows "Loading…" until its module is there, as the
        // widget does; so does the claim form while a stored draft waits to
        // be restored by the widget with the draft's module (fetched now,
        // beside the widget's, not once the widget is there).
        let draft = view == View::Claim && {
            let proxy = crate::api::Proxy::new(options.proxy_url.as_deref().unwrap_or(crate::DEFAULT_PROXY_URL));
            crate::draft::stored(&crate::draft::claim_key(proxy.base()))
        };
        #[cfg(feature = "split")]
        if draft {
            crate::claim::preload_draft();
        }
        if view != View::Claim || draft {
            html(&mut out, &["<p class=\"pd-hint\" role=\"status\">", t.loading, "</p>"]);
        } else {
            let situation = crate::claim_type_option(options).map(Situation::of);
            claim_form(&mut out, t, use_order, &shown, situation);
        }
        out.push_str("</div>");
        container.set_inner_html(&out);

        let state = Rc::new(RefCell::new(State {
            texts,
            tabs,
            view,
            use_order,
            other,
            submit: false,
            retry: None,
            parked: None,
        }));
        let listener = {
            let state = state.clone();
            let container = container.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| on_event(&container, &state, ev))
        };
        for name in EVENTS {
            container.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())?;
        }
        Ok(Light { container: container.clone(), state, listener })
    }

    /// The widget's code could not be loaded: says so above the form, with
    /// "Try again" (`retry`); a submit that waited is given up (the button
    /// can be pressed again).
    pub fn failed(&self, retry: Rc<dyn Fn()>) {
        let mut state = self.state.borrow_mut();
        let t = state.texts;
        state.retry = Some(retry);
        let asked = std::mem::take(&mut state.submit);
        drop(state);
        let Ok(Some(root)) = self.container.query_selector(".pd-root") else { return };
        if let Ok(Some(old)) = root.query_selector(".pd-part-failed") {
            old.remove();
        }
        let mut out = String::new();
        html(
            &mut out,
            &[
                "<div class=\"pd-banner pd-part-failed\" role=\"alert\"><p>",
                t.err_part_not_loaded,
                "</p><button type=\"button\" class=\"pd-secondary\" data-pd=\"retry\">",
                t.retry,
                "</button></div>",
            ],
        );
        let place = root.query_selector(".pd-form, p[role=status]").ok().flatten();
        let _ = match &place {
            Some(place) => place.insert_adjacent_html("beforebegin", &out),
            None => root.insert_adjacent_html("beforeend", &out),
        };
        set_busy(&self.container, t, false);
        if asked {
            focus_retry(&self.container);
        }
    }

    /// Ends the first step: what it held, and its DOM and listeners gone
    /// (the widget renders into the same container).
    pub fn take_over(self) -> Taken {
        let state = self.state.borrow();
        let input = |id: &str| {
            let within: &Element = state.parked.as_ref().unwrap_or(&self.container);
            within.query_selector(&format!("#{id}")).ok().flatten().map(|el| el.unchecked_into::<HtmlInputElement>())
        };
        let form = input("tracking_number").or_else(|| input("order_number")).map(|shown| {
            let (tracking_number, order_number) = if state.use_order {
                (state.other.clone(), shown.value())
            } else {
                (shown.value(), state.other.clone())
            };
            FormValues {
                use_order: state.use_order,
                tracking_number,
                order_number,
                situation: Situation::ALL.into_iter().find(|s| input(s.id()).is_some_and(|r| r.checked())),
            }
        });
        let focus = self
            .container
            .get_root_node()
            .dyn_into::<ShadowRoot>()
            .ok()
            .and_then(|root| root.active_element())
            .and_then(|el| {
                let controls = self.container.query_selector_all(CONTROLS).ok()?;
                let place =
                    (0..controls.length()).find(|i| controls.get(*i).is_some_and(|c| c.is_same_node(Some(&el))))?;
                Some((el, place))
            })
            .map(|(el, place)| Focus {
                place,
                text: el
                    .dyn_ref::<HtmlInputElement>()
                    .filter(|i| i.type_() == "text")
                    .and_then(|i| Some((i.value(), i.selection_start().ok()??, i.selection_end().ok()??))),
            });
        let taken = Taken {
            handed: Handed::new((state.tabs.len() > 1).then_some(state.view), form),
            focus,
            submit: state.submit && state.view == View::Claim,
        };
        drop(state);
        self.container.set_inner_html("");
        taken
    }
}

impl Drop for Light {
    /// Its listeners go with it (taken over, or unmounted before that).
    fn drop(&mut self) {
        for name in EVENTS {
            let _ = self.container.remove_event_listener_with_callback(name, self.listener.as_ref().unchecked_ref());
        }
    }
}

/// What [`Light::take_over`] took: for the widget, and for right after it
/// is on the page ([`Taken::resume`]).
pub struct Taken {
    pub handed: Handed,
    focus: Option<Focus>,
    submit: bool,
}

impl Taken {
    /// With the widget in `container`: the focus back where it was, and a
    /// submit that waited made again.
    pub fn resume(&self, container: &HtmlElement) {
        let find = |selector: &str| container.query_selector(selector).ok().flatten();
        if let Some(focus) = &self.focus {
            let control = container.query_selector_all(CONTROLS).ok().and_then(|c| c.get(focus.place));
            if let Some(el) = control.and_then(|c| c.dyn_into::<Element>().ok()) {
                let _ = el.unchecked_ref::<HtmlElement>().focus();
                // (The widget sets the input's text a moment later, to the
                // same text: set now, the caret then stays where it is.)
                if let (Some(input), Some((text, start, end))) = (el.dyn_ref::<HtmlInputElement>(), &focus.text) {
                    input.set_value(text);
                    let _ = input.set_selection_range(*start, *end);
                }
            }
        }
        if self.submit {
            if let Some(button) = find(".pd-form button[type=submit]") {
                button.unchecked_into::<HtmlElement>().click();
            }
        }
    }
}

/// Focuses "Try again" of the widget that could not be loaded.
fn focus_retry(container: &HtmlElement) {
    if let Ok(Some(button)) = container.query_selector(".pd-part-failed button") {
        let _ = button.unchecked_into::<HtmlElement>().focus();
    }
}

/// The submit button while a submit waits for the widget (as the widget's
/// own: "Submitting…", disabled, `aria-busy`).
fn set_busy(container: &HtmlElement, t: &Texts, busy: bool) {
    let Ok(Some(button)) = container.query_selector(".pd-submit") else { return };
    button.set_text_content(Some(if busy { t.submitting } else { t.submit }));
    let _ = if busy {
        button.set_attribute("disabled", "").and_then(|_| button.set_attribute("aria-busy", "true"))
    } else {
        button.remove_attribute("disabled").and_then(|_| button.remove_attribute("aria-busy"))
    };
}

fn on_event(container: &HtmlElement, state: &Rc<RefCell<State>>, ev: web_sys::Event) {
    let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
    match ev.type_().as_str() {
        "submit" => {
            ev.prevent_default();
            let mut s = state.borrow_mut();
            if s.retry.is_some() {
                // The widget could not be loaded: its "Try again" first.
                focus_retry(container);
                return;
            }
            s.submit = true;
            set_busy(container, s.texts, true);
        }
        // Enter in a text input looks the parcel up in the widget, it
        // does not submit: here it does nothing (the widget looks up what
        // was typed once it is there).
        "keydown" => {
            let enter = ev.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.key() == "Enter" && !k.is_composing());
            if enter
                && target.is_some_and(|t| t.tag_name() == "INPUT" && t.get_attribute("type").as_deref() == Some("text"))
            {
                ev.prevent_default();
            }
        }
        _ => {
            let Some(button) = target.and_then(|t| t.closest("button[data-pd]").ok().flatten()) else { return };
            let action = button.get_attribute("data-pd").unwrap_or_default();
            if action == "retry" {
                let retry = state.borrow_mut().retry.take();
                if let Some(retry) = retry {
                    if let Ok(Some(banner)) = container.query_selector(".pd-part-failed") {
                        banner.remove();
                    }
                    retry();
                }
            } else if action == "order" {
                switch_parcel_field(container, state);
            } else if let Some(view) = View::from_name(&action) {
                show_tab(container, state, view);
            }
        }
    }
}

/// "I don't have the tracking number" / "Use the tracking number instead".
fn switch_parcel_field(container: &HtmlElement, state: &Rc<RefCell<State>>) {
    let mut s = state.borrow_mut();
    let id = if s.use_order { "#order_number" } else { "#tracking_number" };
    let Ok(Some(input)) = container.query_selector(id) else { return };
    let Ok(Some(field)) = input.closest(".pd-field") else { return };
    let shown = input.unchecked_into::<HtmlInputElement>().value();
    s.use_order = !s.use_order;
    let mut out = String::new();
    parcel_field(&mut out, s.texts, s.use_order, &s.other);
    s.other = shown;
    // The field, its link and the tracking answer's place, up to
    // "What happened?".
    while let Some(next) = field.next_element_sibling().filter(|n| n.tag_name() != "FIELDSET") {
        next.remove();
    }
    let _ = field.insert_adjacent_html("beforebegin", &out);
    field.remove();
}

/// A tab: pressed, and the claim form shown only on its own tab (the other
/// views come with the widget).
fn show_tab(container: &HtmlElement, state: &Rc<RefCell<State>>, view: View) {
    state.borrow_mut().view = view;
    if let Ok(tabs) = container.query_selector_all(".pd-tab") {
        for i in 0..tabs.length() {
            if let Some(tab) = tabs.get(i).and_then(|t| t.dyn_into::<Element>().ok()) {
                let pressed = tab.get_attribute("data-pd").as_deref() == Some(view.name());
                let _ = tab.set_attribute("aria-pressed", if pressed { "true" } else { "false" });
            }
        }
    }
    // Taken off the page while another tab is pressed (and kept, with
    // what was typed in it); put back on the claim tab.
    let mut s = state.borrow_mut();
    if view == View::Claim {
        if let (Some(form), Ok(Some(root))) = (s.parked.take(), container.query_selector(".pd-root")) {
            let _ = root.append_child(&form);
        }
    } else if let Ok(Some(form)) = container.query_selector(".pd-form, .pd-root > p[role=status]") {
        form.remove();
        s.parked = Some(form);
    }
}
