//! The claim form's answers as signals, and the draft they are kept as.

use leptos::prelude::*;
use parcel_desk_wire::customer::{OrderItem, PhotoRole, Resolution};
use serde::{Deserialize, Serialize};

use super::model::{parcel_problem, Draft, FieldError, Missing, Situation};
use crate::upload::{Picked, Upload};
use crate::Ctx;

/// Every answer of the form, one signal each (all `Copy`).
#[derive(Clone, Copy)]
pub struct Inputs {
    pub tracking_number: RwSignal<String>,
    pub order_number: RwSignal<String>,
    pub use_order: RwSignal<bool>,
    pub situation: RwSignal<Option<Situation>>,
    pub missing: RwSignal<Missing>,
    pub items: RwSignal<Vec<OrderItem>>,
    pub contents: RwSignal<String>,
    pub exterior: RwSignal<String>,
    pub length: RwSignal<String>,
    pub width: RwSignal<String>,
    pub height: RwSignal<String>,
    pub photos: [(PhotoRole, RwSignal<Vec<Picked>>); 3],
    pub remarks: RwSignal<String>,
    pub new_address: RwSignal<String>,
    pub email: RwSignal<String>,
    pub name: RwSignal<String>,
    pub resolution: RwSignal<Option<Resolution>>,
    pub declared: RwSignal<bool>,
    pub signed_name: RwSignal<String>,
    /// (body as sent, Idempotency-Key) of the last submit.
    pub attempt: RwSignal<Option<(String, String)>>,
}

/// What a draft keeps: the answers (photos by name and token, never the
/// file) and the last attempt's key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Saved {
    pub draft: Draft,
    pub use_order: bool,
    pub attempt: Option<(String, String)>,
}

impl Inputs {
    pub fn new(ctx: &Ctx, tracking_number: String) -> Self {
        let s = |v: Option<&String>| RwSignal::new(v.cloned().unwrap_or_default());
        let order = ctx.order_number.clone().unwrap_or_default();
        Inputs {
            use_order: RwSignal::new(tracking_number.is_empty() && !order.is_empty()),
            tracking_number: RwSignal::new(tracking_number),
            order_number: RwSignal::new(order),
            situation: RwSignal::new(None),
            missing: RwSignal::new(Missing::Item),
            items: RwSignal::new(Vec::new()),
            contents: s(None),
            exterior: s(None),
            length: s(None),
            width: s(None),
            height: s(None),
            photos: [PhotoRole::Damage, PhotoRole::Contents, PhotoRole::Packaging]
                .map(|role| (role, RwSignal::new(Vec::new()))),
            remarks: s(None),
            new_address: s(None),
            email: s(ctx.email.as_ref()),
            name: s(ctx.customer_name.as_ref()),
            resolution: RwSignal::new(None),
            declared: RwSignal::new(false),
            signed_name: s(None),
            attempt: RwSignal::new(None),
        }
    }

    /// The answers as they stand (tracked: an effect that calls this runs
    /// again when any answer changes).
    pub fn draft(&self) -> Draft {
        let photos = self
            .photos
            .iter()
            .flat_map(|(role, list)| {
                // `try_`: a list's files outlive their picker when the form
                // is replaced (the success screen), and are gone then.
                list.get().into_iter().filter_map(move |p| match p.slot.state.try_get() {
                    Some(Upload::Done { name, token }) => Some((*role, name, token)),
                    _ => None,
                })
            })
            .collect();
        let uploading = self
            .photos
            .iter()
            .any(|(_, list)| list.with(|l| l.iter().any(|p| p.slot.state.try_with(Upload::busy).unwrap_or(false))));
        let use_order = self.use_order.get();
        Draft {
            tracking_number: if use_order { String::new() } else { self.tracking_number.get() },
            order_number: if use_order { self.order_number.get() } else { String::new() },
            situation: self.situation.get(),
            missing: self.missing.get(),
            items: self.items.get(),
            contents: self.contents.get(),
            exterior: self.exterior.get(),
            length: self.length.get(),
            width: self.width.get(),
            height: self.height.get(),
            photos,
            uploading,
            remarks: self.remarks.get(),
            new_address: self.new_address.get(),
            email: self.email.get(),
            name: self.name.get(),
            resolution: self.resolution.get(),
            declared: self.declared.get(),
            signed_name: self.signed_name.get(),
        }
    }

    /// The parcel's problem, checked alone ([`Draft::parcel_problem`]).
    /// Untracked.
    pub fn parcel_problem(&self) -> Option<FieldError> {
        if self.use_order.get_untracked() {
            self.order_number.with_untracked(|o| parcel_problem("", o))
        } else {
            self.tracking_number.with_untracked(|n| parcel_problem(n, ""))
        }
    }

    pub(super) fn saved(&self) -> Saved {
        Saved { draft: self.draft(), use_order: self.use_order.get(), attempt: self.attempt.get() }
    }

    pub(super) fn restore(&self, saved: Saved) {
        let d = saved.draft;
        self.use_order.set(saved.use_order);
        if saved.use_order {
            self.order_number.set(d.order_number);
        } else {
            self.tracking_number.set(d.tracking_number);
        }
        self.situation.set(d.situation);
        self.missing.set(d.missing);
        self.items.set(d.items);
        self.contents.set(d.contents);
        self.exterior.set(d.exterior);
        self.length.set(d.length);
        self.width.set(d.width);
        self.height.set(d.height);
        for (role, list) in self.photos {
            let done: Vec<Picked> = d
                .photos
                .iter()
                .filter(|(r, _, _)| *r == role)
                .enumerate()
                .map(|(i, (_, name, token))| Picked::done(i as u32, name.clone(), token.clone()))
                .collect();
            list.set(done);
        }
        self.remarks.set(d.remarks);
        self.new_address.set(d.new_address);
        if !d.email.is_empty() {
            self.email.set(d.email);
        }
        if !d.name.is_empty() {
            self.name.set(d.name);
        }
        self.resolution.set(d.resolution);
        self.declared.set(d.declared);
        self.signed_name.set(d.signed_name);
        self.attempt.set(saved.attempt);
    }

    /// Empties the answers about the parcel, for the next claim (the
    /// customer's e-mail address and name stay).
    pub fn clear(&self) {
        for s in [
            self.tracking_number,
            self.order_number,
            self.contents,
            self.exterior,
            self.length,
            self.width,
            self.height,
            self.remarks,
            self.new_address,
            self.signed_name,
        ] {
            s.set(String::new());
        }
        self.use_order.set(false);
        self.situation.set(None);
        self.missing.set(Missing::Item);
        self.items.set(Vec::new());
        for (_, list) in self.photos {
            list.set(Vec::new());
        }
        self.resolution.set(None);
        self.declared.set(false);
        self.attempt.set(None);
    }
}
