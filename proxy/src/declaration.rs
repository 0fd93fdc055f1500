//! The customer's declaration of non-receipt as a one-page PDF: the
//! `customer_confirmation` document of a customer's lost claim.
//!
//! Written with the wire crate's small PDF writer ([`parcel_desk_wire::pdf`]):
//! one A4 page, Helvetica with `WinAnsiEncoding`, so names such as
//! "Jürgen Müller" render; text outside Windows-1252 becomes `?`.

use parcel_desk_wire::customer::mapping::DECLARATION_SENTENCE;
use parcel_desk_wire::pdf::{text_pdf, Font, Line};

/// What the declaration says.
#[derive(Clone, Debug)]
pub struct DeclarationText<'a> {
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// The name the customer typed as their signature.
    pub signed_name: &'a str,
    pub order_number: Option<&'a str>,
    pub tracking_number: &'a str,
    /// The claim type's segment (`lost`).
    pub claim_type: &'a str,
}

/// The declaration's lines.
fn lines(d: &DeclarationText<'_>) -> Vec<Line> {
    let mut lines = vec![
        Line::new(Font::Bold, 18.0, "Declaration of non-receipt"),
        Line::new(Font::Regular, 11.0, ""),
        Line::new(Font::Regular, 11.0, format!("Date: {}", d.date)),
        Line::new(Font::Regular, 11.0, format!("Name: {}", d.signed_name.trim())),
    ];
    if let Some(order) = d.order_number.map(str::trim).filter(|o| !o.is_empty()) {
        lines.push(Line::new(Font::Regular, 11.0, format!("Order number: {order}")));
    }
    lines.push(Line::new(Font::Regular, 11.0, format!("Tracking number: {}", d.tracking_number.trim())));
    lines.push(Line::new(Font::Regular, 11.0, format!("Claim type: {}", d.claim_type)));
    lines.push(Line::new(Font::Regular, 11.0, ""));
    lines.push(Line::new(Font::Bold, 12.0, DECLARATION_SENTENCE));
    lines.push(Line::new(Font::Regular, 11.0, ""));
    lines.push(Line::new(Font::Regular, 11.0, format!("Signed: {}", d.signed_name.trim())));
    lines
}

/// The declaration as a complete PDF file.
pub fn declaration_pdf(d: &DeclarationText<'_>) -> Vec<u8> {
    text_pdf(&lines(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        declaration_pdf(&DeclarationText {
            date: "2026-12-03",
            signed_name: name,
            order_number: Some("ORD-3"),
            tracking_number: "PD-OWN-0003",
            claim_type: "lost",
        })
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_complete_pdf_with_the_name_in_win_ansi() {
        let pdf = sample("Jürgen Müller");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        assert!(contains(&pdf, b"(Name: J\xfcrgen M\xfcller)"));
        assert!(contains(&pdf, DECLARATION_SENTENCE.as_bytes()));
        assert!(contains(&pdf, b"(Order number: ORD-3)"));
        // The xref offsets point at the objects.
        assert_eq!(parcel_desk_wire::pdf::check_structure(&pdf), Ok(()));
    }

    #[test]
    fn parentheses_and_backslashes_are_escaped() {
        let pdf = sample("A (B) \\ C 日本");
        assert!(contains(&pdf, b"(Name: A \\(B\\) \\\\ C ??)"));
    }
}
