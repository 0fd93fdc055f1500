//! [`Slot`]: one file's upload, with cancel and retry.

use super::*;

/// One file's upload: its state, and what cancel and retry need (the
/// prepared file and the running transfer, kept in this browser tab only,
/// never in drafts).
#[derive(Clone, Copy)]
pub struct Slot {
    pub state: RwSignal<Upload>,
    blob: StoredValue<Option<(Blob, String)>, LocalStorage>,
    transfer: StoredValue<Option<xhr::Transfer>, LocalStorage>,
}

impl Slot {
    pub fn new(state: Upload) -> Slot {
        Slot::with_state(RwSignal::new(state))
    }

    /// A slot around an existing state signal (a field's own).
    pub fn with_state(state: RwSignal<Upload>) -> Slot {
        Slot { state, blob: StoredValue::new_local(None), transfer: StoredValue::new_local(None) }
    }

    /// Uploads `blob` as `name` to `url`.
    fn send(self, url: String, blob: Blob, name: String, t: &'static Texts) {
        let state = self.state;
        let transfer = self.transfer;
        let total = blob.size();
        state.set(Upload::Uploading { name: name.clone(), sent: 0.0, total });
        let progress = move |sent: f64, total: f64| {
            state.try_update(|s| {
                if let Upload::Uploading { sent: s_sent, total: s_total, .. } = s {
                    *s_sent = sent;
                    *s_total = total;
                }
            });
        };
        match xhr::start(&url, &blob, &name, progress) {
            Err(_) => state.set(Upload::Failed { name, message: t.err_unexpected.into(), retry: true }),
            Ok((handle, done)) => {
                transfer.set_value(Some(handle));
                spawn_local(async move {
                    let outcome = done.await;
                    transfer.try_set_value(None);
                    // The customer may have picked another file meanwhile
                    // (or removed this one).
                    let current =
                        state.try_with_untracked(|s| matches!(s, Upload::Uploading { name: n, .. } if *n == name));
                    if current != Some(true) {
                        return;
                    }
                    state.set(match outcome {
                        None => Upload::Empty,
                        Some(Ok(answer)) => Upload::Done { name, token: answer.file_token },
                        Some(Err(f)) => {
                            let retry = !matches!(f.status(), Some(413 | 415));
                            Upload::Failed { name, message: upload_error_text(t, &f), retry }
                        }
                    });
                });
            }
        }
    }

    /// Checks and prepares `file` (photos shrunk), then uploads it;
    /// `prepared` sees the decoded image first (for a thumbnail).
    pub(super) fn pick(
        self,
        file: File,
        url: String,
        limits: &'static Limits,
        t: &'static Texts,
        prepared: impl FnOnce(&prepare::Prepared) + 'static,
    ) {
        self.abort();
        let name = file.name();
        self.state.set(Upload::Preparing { name: name.clone() });
        spawn_local(async move {
            match prepare(file, limits).await {
                Err(e) => {
                    self.blob.try_set_value(None);
                    self.state.try_set(Upload::Failed {
                        name,
                        message: prepare_error_text(t, e, limits).into(),
                        retry: false,
                    });
                }
                Ok(p) => {
                    // Removed while it was being prepared.
                    if self.state.try_with_untracked(|s| matches!(s, Upload::Preparing { .. })) != Some(true) {
                        return;
                    }
                    prepared(&p);
                    self.blob.set_value(Some((p.blob.clone(), p.name.clone())));
                    self.send(url, p.blob, p.name, t);
                }
            }
        });
    }

    /// Stops a running transfer (the upload then ends as empty).
    pub(super) fn abort(self) {
        if let Some(x) = self.transfer.try_get_value().flatten() {
            x.abort();
        }
    }

    /// Sends the prepared file once more.
    pub(super) fn retry(self, url: String, t: &'static Texts) {
        if let Some((blob, name)) = self.blob.get_value() {
            self.send(url, blob, name, t);
        }
    }

    pub(super) fn can_retry(self) -> bool {
        self.blob.with_value(Option::is_some)
    }

    /// Stops and forgets the file.
    pub(super) fn clear(self) {
        self.abort();
        self.state.set(Upload::Empty);
        self.blob.set_value(None);
    }
}
