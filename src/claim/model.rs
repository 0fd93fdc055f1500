//! What the customer answered, and how it becomes a [`CustomerClaim`].
//!
//! Plain data (no DOM), so the rules are the same in every view and easy
//! to test: the rules themselves are wire's ([`rules::validate`], shared
//! with the proxy); this module adds what text input needs (numbers typed
//! as text, uploads still running) and turns what happened, in the
//! customer's words ([`Situation`]), into a claim type from what tracking
//! allows ([`ClaimOffer`]).

use parcel_desk_wire::customer::{rules, CustomerClaim, Declaration, OrderItem, Photo, PhotoRole, Resolution};
use parcel_desk_wire::tracking::{ClaimOffer, NotOffered};
use parcel_desk_wire::{ClaimType, Dimensions, ValidationIssue};

use crate::tracking::normalize_tracking_number;

/// What happened, as the customer says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Situation {
    /// Not arrived: lost, late, or delivered but not received, whichever
    /// tracking allows.
    NotArrived,
    Damaged,
    /// Something missing, or the parcel arrived empty.
    Missing,
    /// Sent back to the shop.
    Returned,
    /// The address is wrong (before delivery).
    WrongAddress,
}

impl Situation {
    pub const ALL: [Situation; 5] =
        [Situation::NotArrived, Situation::Damaged, Situation::Missing, Situation::Returned, Situation::WrongAddress];

    /// The control id of its radio button.
    pub fn id(self) -> &'static str {
        match self {
            Situation::NotArrived => "situation-not-arrived",
            Situation::Damaged => "situation-damaged",
            Situation::Missing => "situation-missing",
            Situation::Returned => "situation-returned",
            Situation::WrongAddress => "situation-address",
        }
    }

    /// The situation a claim type (the `claimType` option) starts with.
    pub fn of(claim: ClaimType) -> Situation {
        match claim {
            ClaimType::Damage => Situation::Damaged,
            ClaimType::Other => Situation::Missing,
            ClaimType::UnjustReturn => Situation::Returned,
            ClaimType::AddressChange => Situation::WrongAddress,
            _ => Situation::NotArrived,
        }
    }

    /// The claim this situation files for a parcel with `offers` (none:
    /// tracking did not answer, e.g. only an order number is known), or
    /// why it cannot be filed now.
    pub fn claim(self, offers: &[ClaimOffer]) -> Result<ClaimType, (ClaimType, NotOffered, Option<String>)> {
        let check = |claim: ClaimType| match offers.iter().find(|o| o.claim_type == claim) {
            Some(o) if !o.offered => {
                Err((claim, o.reason.clone().unwrap_or(NotOffered::Unlisted(String::new())), o.from.clone()))
            }
            _ => Ok(claim),
        };
        match self {
            Situation::NotArrived if offers.is_empty() => Ok(ClaimType::Lost),
            // Delivered → not received; overdue → lost; past the expected
            // date → late. Else why lost is not possible yet.
            Situation::NotArrived => check(ClaimType::DeliveredNotReceived)
                .or_else(|_| check(ClaimType::Lost))
                .or_else(|lost| check(ClaimType::LateDelivery).map_err(|_| lost))
                .map_err(|lost| match lost.1 {
                    NotOffered::Delivered => (ClaimType::DeliveredNotReceived, NotOffered::NotDelivered, None),
                    _ => lost,
                }),
            Situation::Damaged => check(ClaimType::Damage),
            Situation::Missing => check(ClaimType::Other),
            Situation::Returned => check(ClaimType::UnjustReturn),
            Situation::WrongAddress => check(ClaimType::AddressChange),
        }
    }
}

/// What is missing from a parcel that arrived (the `other` claim's subject).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Missing {
    #[default]
    Item,
    Empty,
}

impl Missing {
    /// The subject upstream gets (the carrier reads English).
    pub fn subject(self) -> &'static str {
        match self {
            Missing::Item => "Item missing from the parcel",
            Missing::Empty => "The parcel arrived empty",
        }
    }
}

/// The answers a field error is shown at (and links to).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    TrackingNumber,
    Situation,
    Contents,
    Exterior,
    Dimensions,
    Photos,
    Remarks,
    NewAddress,
    Email,
    Name,
    Declaration,
    SignedName,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::TrackingNumber,
        Field::Situation,
        Field::Contents,
        Field::Exterior,
        Field::Dimensions,
        Field::Photos,
        Field::Remarks,
        Field::NewAddress,
        Field::Email,
        Field::Name,
        Field::Declaration,
        Field::SignedName,
    ];

    /// The id of the control an error summary link moves to.
    pub fn id(self) -> &'static str {
        match self {
            Field::TrackingNumber => "tracking_number",
            Field::Situation => "situation-not-arrived",
            Field::Contents => "contents",
            Field::Exterior => "exterior",
            Field::Dimensions => "dimensions-length",
            Field::Photos => "photos-damage",
            Field::Remarks => "remarks",
            Field::NewAddress => "new_address",
            Field::Email => "email",
            Field::Name => "name",
            Field::Declaration => "declaration",
            Field::SignedName => "signed_name",
        }
    }

    /// The field a validation issue of `POST /claims` is about.
    pub fn of_issue(issue: &ValidationIssue) -> Option<Field> {
        let at = |i: usize| issue.loc.get(i).map(String::as_str);
        let first = if at(0) == Some("body") { 1 } else { 0 };
        Some(match at(first)? {
            "tracking_number" | "order_number" => Field::TrackingNumber,
            "claim_type" => Field::Situation,
            "contents" | "items" => Field::Contents,
            "exterior" => Field::Exterior,
            "dimensions" => Field::Dimensions,
            "photos" => Field::Photos,
            "remarks" | "subject" => Field::Remarks,
            "new_address" => Field::NewAddress,
            "email" => Field::Email,
            "name" => Field::Name,
            "declaration" if at(first + 1) == Some("signed_name") => Field::SignedName,
            "declaration" => Field::Declaration,
            _ => return None,
        })
    }
}

/// Why one answer is not accepted, before or after submit.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldError {
    Missing,
    /// Neither a tracking number nor an order number.
    NoParcel,
    NotATrackingNumber,
    NotAnEmail,
    NotPositive,
    NotANumber,
    PhotoNeeded,
    TooManyPhotos,
    NotAccepted,
    /// A photo is still uploading.
    UploadPending,
    /// A rule the widget does not know: the proxy's own message.
    Upstream(String),
}

impl FieldError {
    /// The widget's error for a validation issue of wire's rules.
    pub fn of_issue(issue: &ValidationIssue) -> FieldError {
        match issue.msg.as_str() {
            rules::MSG_MISSING | rules::MSG_DECLARATION => FieldError::Missing,
            rules::MSG_PARCEL => FieldError::NoParcel,
            rules::MSG_TRACKING => FieldError::NotATrackingNumber,
            rules::MSG_EMAIL => FieldError::NotAnEmail,
            rules::MSG_POSITIVE => FieldError::NotPositive,
            rules::MSG_PHOTO => FieldError::PhotoNeeded,
            rules::MSG_TOO_MANY_PHOTOS => FieldError::TooManyPhotos,
            rules::MSG_NOT_ACCEPTED => FieldError::NotAccepted,
            other => FieldError::Upstream(other.to_owned()),
        }
    }
}

/// The answers as typed: strings, the picked items, finished photos.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub tracking_number: String,
    pub order_number: String,
    pub situation: Option<Situation>,
    pub missing: Missing,
    /// The order's items the customer ticked.
    pub items: Vec<OrderItem>,
    pub contents: String,
    pub exterior: String,
    pub length: String,
    pub width: String,
    pub height: String,
    /// (role, file name, token) of each finished photo.
    pub photos: Vec<(PhotoRole, String, String)>,
    /// A photo is still being prepared or uploaded.
    #[serde(skip)]
    pub uploading: bool,
    pub remarks: String,
    pub new_address: String,
    pub email: String,
    pub name: String,
    pub resolution: Option<Resolution>,
    pub declared: bool,
    pub signed_name: String,
}

/// The problem of a parcel given by `tracking_number` or `order_number`
/// ([`Draft::parcel_problem`]).
pub fn parcel_problem(tracking_number: &str, order_number: &str) -> Option<FieldError> {
    let number = normalize_tracking_number(tracking_number);
    let number = number.trim();
    if number.is_empty() {
        return text(order_number).is_none().then_some(FieldError::NoParcel);
    }
    (!parcel_desk_wire::route::valid_tracking_number(number)).then_some(FieldError::NotATrackingNumber)
}

/// Parses a decimal as people type it: `12.50`, `12,50`, ` 7 `.
pub fn parse_decimal(s: &str) -> Option<Result<f64, FieldError>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Some(decimal(s).ok_or(FieldError::NotANumber))
}

/// `[+-]digits[(.|,)digits]` with at least one digit, as the nearest f64
/// (the same value `str::parse` gives; written by hand because Rust's float
/// parser is several KB of wasm). No exponents, no thousands separators; more
/// than 15 significant digits or 22 decimals count as not a number.
fn decimal(s: &str) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mut mantissa, mut scale, mut separator, mut any) = (0u64, 0usize, false, false);
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if mantissa >= 1_000_000_000_000_000 {
                    return None;
                }
                scale += usize::from(separator);
                any = true;
            }
            b'.' | b',' if !separator => separator = true,
            _ => return None,
        }
    }
    // Both operands are exact, so the division rounds once: the nearest f64.
    let value = mantissa as f64 / *POW10.get(scale).filter(|_| any)?;
    Some(if negative { -value } else { value })
}

fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Which questions a claim type asks (beyond the parcel and the person).
pub struct Asks {
    pub contents: bool,
    pub exterior: bool,
    pub dimensions: bool,
    pub photos: bool,
    pub new_address: bool,
    /// Remarks are the question itself (`other`): required.
    pub remarks_required: bool,
    pub resolution: bool,
    pub declaration: bool,
}

impl Asks {
    pub fn of(claim: ClaimType) -> Asks {
        use ClaimType::*;
        Asks {
            contents: matches!(claim, Lost | Damage | DeliveredNotReceived),
            exterior: claim == Damage,
            dimensions: matches!(claim, Lost | DeliveredNotReceived),
            photos: claim == Damage,
            new_address: claim == AddressChange,
            remarks_required: claim == Other,
            resolution: matches!(claim, Lost | Damage | DeliveredNotReceived | Other),
            declaration: matches!(claim, Lost | DeliveredNotReceived),
        }
    }
}

impl Draft {
    /// The parcel's problem, checked alone before the claim is known: as
    /// [`Draft::to_request`] would find it.
    pub fn parcel_problem(&self) -> Option<FieldError> {
        parcel_problem(&self.tracking_number, &self.order_number)
    }

    /// Builds the body for `claim` and lists every problem, in form order.
    /// The body is only sent when the list is empty.
    pub fn to_request(&self, claim: ClaimType) -> (CustomerClaim, Vec<(Field, FieldError)>) {
        let asks = Asks::of(claim);
        let mut problems = Vec::new();
        let dimensions = if asks.dimensions { self.dimensions(&mut problems) } else { None };
        let body = CustomerClaim {
            claim_type: claim,
            tracking_number: Some(normalize_tracking_number(&self.tracking_number)).filter(|n| !n.is_empty()),
            order_number: text(&self.order_number),
            contents: text(&self.contents).filter(|_| asks.contents),
            items: if asks.contents { self.items.clone() } else { Vec::new() },
            exterior: text(&self.exterior).filter(|_| asks.exterior),
            dimensions,
            photos: if asks.photos {
                self.photos.iter().map(|(role, _, token)| Photo { file_token: token.clone(), role: *role }).collect()
            } else {
                Vec::new()
            },
            remarks: text(&self.remarks),
            new_address: text(&self.new_address).filter(|_| asks.new_address),
            subject: (claim == ClaimType::Other).then(|| self.missing.subject().to_owned()),
            email: self.email.trim().to_owned(),
            name: self.name.trim().to_owned(),
            resolution: self.resolution.filter(|_| asks.resolution),
            declaration: asks
                .declaration
                .then(|| Declaration { accepted: self.declared, signed_name: self.signed_name.trim().to_owned() }),
            // Set by the form: the language the page shows.
            language: None,
        };
        for issue in rules::validate(&body) {
            let Some(field) = Field::of_issue(&issue) else { continue };
            if !problems.iter().any(|(f, _)| *f == field) {
                problems.push((field, FieldError::of_issue(&issue)));
            }
        }
        if asks.photos && self.uploading {
            problems.retain(|(f, _)| *f != Field::Photos);
            problems.push((Field::Photos, FieldError::UploadPending));
        }
        problems.sort_by_key(|(f, _)| Field::ALL.iter().position(|g| g == f));
        (body, problems)
    }

    /// The optional size: nothing typed is no size; a partial one is
    /// missing its other numbers.
    fn dimensions(&self, problems: &mut Vec<(Field, FieldError)>) -> Option<Dimensions> {
        let parts = [&self.length, &self.width, &self.height].map(|s| parse_decimal(s));
        if parts.iter().all(Option::is_none) {
            return None;
        }
        let mut values = [0.0; 3];
        for (i, part) in parts.into_iter().enumerate() {
            match part {
                None => problems.push((Field::Dimensions, FieldError::Missing)),
                Some(Err(e)) => problems.push((Field::Dimensions, e)),
                Some(Ok(v)) => values[i] = v,
            }
        }
        problems.dedup_by(|a, b| a.0 == b.0);
        // Zero and negative sizes go to the shared rule ("more than 0").
        Some(Dimensions { length: values[0], width: values[1], height: values[2] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parcel_alone_is_checked_as_the_whole_claim_checks_it() {
        for (tracking, order) in [
            ("", ""),
            ("  ", " "),
            ("", "ORD-1"),
            ("PD-OWN-0003", ""),
            (" pd-own-0003 ", "ORD-1"),
            ("a/b", ""),
            ("..", "ORD-1"),
            ("3SYZXG1234567", ""),
            ("has space", ""),
        ] {
            let draft = Draft { tracking_number: tracking.into(), order_number: order.into(), ..Draft::default() };
            for claim in [ClaimType::Other, ClaimType::Lost, ClaimType::Damage] {
                let whole = draft.to_request(claim).1.into_iter().find(|(f, _)| *f == Field::TrackingNumber);
                assert_eq!(draft.parcel_problem(), whole.map(|(_, e)| e), "{tracking:?} {order:?} {claim:?}");
            }
        }
    }

    #[test]
    fn decimals_parse_as_str_parse_does() {
        for s in [
            "12.50",
            "12,50",
            "7",
            "0",
            "0.1",
            "0,3",
            ".5",
            "5.",
            "-3.25",
            "+4",
            "999999999999999",
            "0.0000000000000000000001",
            "123456.789012345",
        ] {
            let expected: f64 = s.replace(',', ".").parse().unwrap();
            assert_eq!(parse_decimal(s), Some(Ok(expected)), "{s}");
            assert_eq!(parse_decimal(&format!("  {s} ")), Some(Ok(expected)), "{s} with spaces");
        }
        for s in [
            "twelve",
            "1e3",
            "1.234,56",
            "1,2,3",
            "-",
            ".",
            "+.",
            "12 50",
            "0x10",
            "inf",
            "NaN",
            "1000000000000000000",
            "5€",
        ] {
            assert_eq!(parse_decimal(s), Some(Err(FieldError::NotANumber)), "{s}");
        }
        assert_eq!(parse_decimal("   "), None);
    }

    fn damage() -> Draft {
        Draft {
            tracking_number: " pd delivered 0002 ".into(),
            situation: Some(Situation::Damaged),
            contents: "Blue mug".into(),
            photos: vec![(PhotoRole::Damage, "crack.jpg".into(), "tok-1".into())],
            email: "ann@example.com".into(),
            name: "Ann".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_damage_claim_takes_only_the_customers_answers() {
        let mut d = damage();
        d.exterior = "Dented".into();
        d.length = "30".into();
        d.resolution = Some(Resolution::Replacement);
        let (body, problems) = d.to_request(ClaimType::Damage);
        assert_eq!(problems, []);
        assert_eq!(body.tracking_number.as_deref(), Some("PDDELIVERED0002"));
        assert_eq!(body.exterior.as_deref(), Some("Dented"));
        assert_eq!(body.dimensions, None, "a damage claim has no size");
        assert_eq!(body.photos, [Photo { file_token: "tok-1".into(), role: PhotoRole::Damage }]);
        assert_eq!(body.resolution, Some(Resolution::Replacement));
        assert_eq!(body.declaration, None);
    }

    #[test]
    fn each_rule_has_its_own_error_in_form_order() {
        let d = Draft { situation: Some(Situation::Damaged), email: "ann@".into(), ..Draft::default() };
        let (_, problems) = d.to_request(ClaimType::Damage);
        assert_eq!(
            problems,
            [
                (Field::TrackingNumber, FieldError::NoParcel),
                (Field::Contents, FieldError::Missing),
                (Field::Photos, FieldError::PhotoNeeded),
                (Field::Email, FieldError::NotAnEmail),
                (Field::Name, FieldError::Missing),
            ]
        );
        let mut d = damage();
        d.uploading = true;
        assert_eq!(d.to_request(ClaimType::Damage).1, [(Field::Photos, FieldError::UploadPending)]);
    }

    #[test]
    fn a_lost_claim_needs_the_signed_declaration_and_takes_an_optional_size() {
        let mut d = damage();
        d.photos.clear();
        d.length = "0".into();
        d.width = "20,5".into();
        let (body, problems) = d.to_request(ClaimType::Lost);
        assert_eq!(body.photos, [], "photos go only with a damage claim");
        assert_eq!(
            problems,
            [
                (Field::Dimensions, FieldError::Missing),
                (Field::Declaration, FieldError::NotAccepted),
                (Field::SignedName, FieldError::Missing)
            ]
        );
        d.height = "x".into();
        assert_eq!(d.to_request(ClaimType::Lost).1[0], (Field::Dimensions, FieldError::NotANumber));
        d.height = "10".into();
        assert_eq!(d.to_request(ClaimType::Lost).1[0], (Field::Dimensions, FieldError::NotPositive));
        d.length = "30".into();
        d.declared = true;
        d.signed_name = "Ann Smith".into();
        let (body, problems) = d.to_request(ClaimType::Lost);
        assert_eq!(problems, []);
        assert_eq!(body.dimensions, Some(Dimensions { length: 30.0, width: 20.5, height: 10.0 }));
        assert_eq!(body.declaration, Some(Declaration { accepted: true, signed_name: "Ann Smith".into() }));
    }

    #[test]
    fn something_missing_is_an_other_claim_with_its_subject() {
        let d = Draft {
            order_number: "ORD-1".into(),
            missing: Missing::Empty,
            remarks: "Nothing inside".into(),
            contents: "ignored".into(),
            email: "a@b.example".into(),
            name: "A".into(),
            ..Draft::default()
        };
        let (body, problems) = d.to_request(ClaimType::Other);
        assert_eq!(problems, []);
        assert_eq!(body.subject.as_deref(), Some("The parcel arrived empty"));
        assert_eq!(body.contents, None);
        assert_eq!(body.tracking_number, None);
    }

    fn offer(claim: ClaimType, reason: Option<NotOffered>) -> ClaimOffer {
        ClaimOffer { claim_type: claim, offered: reason.is_none(), reason, from: None }
    }

    #[test]
    fn not_arrived_becomes_the_claim_tracking_allows() {
        use ClaimType::*;
        let all = |no: &[(ClaimType, NotOffered)]| -> Vec<ClaimOffer> {
            ClaimType::ALL.iter().map(|c| offer(*c, no.iter().find(|(d, _)| d == c).map(|(_, r)| r.clone()))).collect()
        };
        let delivered = all(&[(Lost, NotOffered::Delivered), (LateDelivery, NotOffered::Delivered)]);
        assert_eq!(Situation::NotArrived.claim(&delivered), Ok(DeliveredNotReceived));
        let overdue = all(&[(DeliveredNotReceived, NotOffered::NotDelivered), (LateDelivery, NotOffered::NotLate)]);
        assert_eq!(Situation::NotArrived.claim(&overdue), Ok(Lost));
        let late = all(&[(DeliveredNotReceived, NotOffered::NotDelivered), (Lost, NotOffered::TooRecent)]);
        assert_eq!(Situation::NotArrived.claim(&late), Ok(LateDelivery));
        let early = all(&[
            (DeliveredNotReceived, NotOffered::NotDelivered),
            (Lost, NotOffered::TooRecent),
            (LateDelivery, NotOffered::NotLate),
        ]);
        assert_eq!(Situation::NotArrived.claim(&early), Err((Lost, NotOffered::TooRecent, None)));
        assert_eq!(Situation::NotArrived.claim(&[]), Ok(Lost), "no tracking: the shop sorts it out");
        assert_eq!(Situation::WrongAddress.claim(&delivered), Ok(AddressChange), "offered");
        let returned = all(&[(AddressChange, NotOffered::Delivered), (UnjustReturn, NotOffered::NotReturned)]);
        assert_eq!(Situation::Returned.claim(&returned), Err((UnjustReturn, NotOffered::NotReturned, None)));
    }
}
