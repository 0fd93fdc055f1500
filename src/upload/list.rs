//! [`FileList`]: a field for several files, added one pick after another.

use super::*;

/// One file of a [`FileList`], with a key that stays the same while the
/// list changes around it.
#[derive(Clone, Copy)]
pub struct Picked {
    pub key: u32,
    pub slot: Slot,
}

impl Picked {
    /// A file uploaded earlier (from a draft).
    pub fn done(key: u32, name: String, token: String) -> Picked {
        Picked { key, slot: Slot::new(Upload::Done { name, token }) }
    }
}

/// A field for several files: one picker (`multiple`) that adds what is
/// picked, drop and pick again as often as wanted; every file is listed with
/// its own progress, cancel, retry and a remove button. A second pick never
/// replaces the first. At most `max_files`; each file is checked against
/// `limits` before it is sent.
#[component]
pub fn FileList(
    #[prop(into)] id: String,
    label: &'static str,
    files: RwSignal<Vec<Picked>>,
    #[prop(into)] max_files: Signal<usize>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    upload_route: Route,
    limits: &'static Limits,
    /// Photos only: accepts images and offers the phone's camera.
    #[prop(optional)]
    photos: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let hint = hint.filter(|h| !h.is_empty());
    let upload_url = StoredValue::new(ctx.proxy.url(&upload_route, &[]));
    let dragging = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);
    let next_key = StoredValue::new(files.with_untracked(|f| f.iter().map(|p| p.key + 1).max().unwrap_or(0)));

    let add = move |list: web_sys::FileList| {
        let max = max_files.get_untracked();
        let room = max.saturating_sub(files.with_untracked(Vec::len));
        refused.set((list.length() as usize > room).then(|| {
            if photos {
                t.err_photos_not_added.to_owned()
            } else {
                t.err_too_many_files.replace("{}", &max.to_string())
            }
        }));
        for i in 0..list.length().min(room as u32) {
            let Some(file) = list.get(i) else { continue };
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let picked = Picked { key, slot: Slot::new(Upload::Empty) };
            files.update(|f| f.push(picked));
            picked.slot.pick(file, upload_url.get_value(), limits, t, |_| {});
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        if let Some(list) = input.files() {
            add(list);
        }
        // Empty again: the next pick (even of the same file) adds to the list.
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(list) = ev.data_transfer().and_then(|d| d.files()) {
            add(list);
        }
    };
    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };
    let remove = move |key: u32| {
        files.update(|f| {
            if let Some(i) = f.iter().position(|p| p.key == key) {
                f.remove(i).slot.clear();
            }
        });
        refused.set(None);
    };

    let failed = move || {
        files.with(|f| {
            f.iter().find_map(|p| {
                p.slot.state.with(|s| match s {
                    Upload::Failed { name, message, .. } => Some(format!("{name}: {message}")),
                    _ => None,
                })
            })
        })
    };
    let field_error = Signal::derive(move || refused.get().or_else(|| error.get()));
    let shown_error = Signal::derive(move || field_error.get().or_else(failed));
    let (hint_id, status_id, error_id) = (format!("{id}-hint"), format!("{id}-status"), format!("{id}-error"));
    let described = {
        let base = if hint.is_some() { format!("{hint_id} {status_id}") } else { status_id.clone() };
        let error_id = error_id.clone();
        move || if field_error.with(Option::is_some) { format!("{base} {error_id}") } else { base.clone() }
    };
    let accept = if photos {
        "image/*"
    } else if std::ptr::eq(limits, &prepare::JTL) {
        "image/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt"
    } else {
        "image/*,application/pdf,.doc,.docx,.odt,.rtf,.txt"
    };
    let full = move || files.with(Vec::len) >= max_files.get();

    view! {
        <div class="pd-field pd-file" class:pd-invalid=move || shown_error.with(Option::is_some)
            class:pd-dragging=move || dragging.get()
            on:dragover=on_dragover on:dragleave=move |_| dragging.set(false) on:drop=on_drop>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="pd-hint" id=hint_id>{h}</p> })}
            <div class="pd-file-pick">
                <input type="file" id=id.clone() name=id.clone() multiple=true accept=accept
                    disabled=full
                    aria-invalid=move || shown_error.with(Option::is_some).then_some("true")
                    aria-describedby=described
                    on:change=on_change />
                {photos.then(|| {
                    let camera_id = format!("{id}-camera");
                    view! {
                        <label class="pd-camera" for=camera_id.clone()>{t.take_photo}</label>
                        <input type="file" class="pd-visually-hidden" id=camera_id accept="image/*"
                            capture="environment" disabled=full on:change=on_change />
                    }
                })}
            </div>
            <p class="pd-hint pd-drop-hint">{t.drop_hint}</p>
            <ul class="pd-file-list" id=status_id aria-live="polite">
                <For each=move || files.get() key=|p| p.key let:picked>
                    {
                        let slot = picked.slot;
                        let key = picked.key;
                        move || {
                            let remove_button = |name: &str| view! {
                                <button type="button" class="pd-link" on:click=move |_| remove(key)
                                    aria-label=format!("{} {name}", t.remove_file)>{t.remove_file}</button>
                            };
                            match slot.state.get() {
                                Upload::Empty => None,
                                Upload::Preparing { name } => Some(view! {
                                    <li class="pd-file-status">
                                        <span class="pd-muted">{format!("{name}: {}", t.preparing)}</span>
                                        {remove_button(&name)}
                                    </li>
                                }.into_any()),
                                Upload::Uploading { name, sent, total } => {
                                    let percent = if total > 0.0 { (sent / total * 100.0).round().clamp(0.0, 100.0) as u32 } else { 0 };
                                    Some(view! {
                                        <li class="pd-file-status">
                                            <span class="pd-muted">{format!("{name}: {} {percent} %", t.uploading)}</span>
                                            <progress max="100" prop:value=percent
                                                aria-label=format!("{} {name}", t.upload_progress)></progress>
                                            {remove_button(&name)}
                                        </li>
                                    }.into_any())
                                }
                                Upload::Done { name, .. } => Some(view! {
                                    <li class="pd-file-status">
                                        <span class="pd-uploaded">{format!("{name}: {}", t.uploaded)}</span>
                                        {remove_button(&name)}
                                    </li>
                                }.into_any()),
                                Upload::Failed { name, message, retry: can_retry } => {
                                    let can_retry = can_retry && slot.can_retry();
                                    Some(view! {
                                        <li class="pd-file-status">
                                            <span class="pd-field-error">{format!("{name}: {message}")}</span>
                                            {can_retry.then(|| view! {
                                                <button type="button" class="pd-link"
                                                    on:click=move |_| slot.retry(upload_url.get_value(), t)>{t.retry}</button>
                                            })}
                                            {remove_button(&name)}
                                        </li>
                                    }.into_any())
                                }
                            }
                        }
                    }
                </For>
            </ul>
            <FieldErrorText id=error_id error=field_error />
        </div>
    }
}
