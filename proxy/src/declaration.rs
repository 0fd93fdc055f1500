//! The customer's declaration of non-receipt as a one-page PDF: the
//! `customer_confirmation` document of a customer's lost claim.
//!
//! A small hand-written PDF 1.4 writer: one page (A4), the standard
//! Helvetica fonts (no embedding) with `WinAnsiEncoding`, so names such as
//! "Jürgen Müller" render; text outside Windows-1252 becomes `?`. String
//! literals escape `(`, `)` and `\`.

use parcel_desk_wire::customer::mapping::DECLARATION_SENTENCE;

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

/// Windows-1252 for the characters it has, `?` for the others; control
/// characters become spaces.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8a,
            '‹' => 0x8b,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9a,
            '›' => 0x9b,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            c if c.is_control() => b' ',
            _ => b'?',
        })
        .collect()
}

/// A PDF string literal: `(` … `)` with `(`, `)` and `\` escaped.
fn literal(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for b in win_ansi(s).into_iter().take(120) {
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// The page's content stream.
fn content(d: &DeclarationText<'_>) -> Vec<u8> {
    let mut lines: Vec<(&str, f32, String)> = vec![
        ("F2", 18.0, "Declaration of non-receipt".into()),
        ("F1", 11.0, String::new()),
        ("F1", 11.0, format!("Date: {}", d.date)),
        ("F1", 11.0, format!("Name: {}", d.signed_name.trim())),
    ];
    if let Some(order) = d.order_number.map(str::trim).filter(|o| !o.is_empty()) {
        lines.push(("F1", 11.0, format!("Order number: {order}")));
    }
    lines.push(("F1", 11.0, format!("Tracking number: {}", d.tracking_number.trim())));
    lines.push(("F1", 11.0, format!("Claim type: {}", d.claim_type)));
    lines.push(("F1", 11.0, String::new()));
    lines.push(("F2", 12.0, DECLARATION_SENTENCE.into()));
    lines.push(("F1", 11.0, String::new()));
    lines.push(("F1", 11.0, format!("Signed: {}", d.signed_name.trim())));
    let mut out = Vec::new();
    let mut y = 770.0;
    for (font, size, text) in lines {
        out.extend_from_slice(format!("BT /{font} {size} Tf 72 {y} Td ").as_bytes());
        out.extend_from_slice(&literal(&text));
        out.extend_from_slice(b" Tj ET\n");
        y -= size * 1.8;
    }
    out
}

/// The declaration as a complete PDF file.
pub fn declaration_pdf(d: &DeclarationText<'_>) -> Vec<u8> {
    let stream = content(d);
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut content_obj = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
    content_obj.extend_from_slice(&stream);
    content_obj.extend_from_slice(b"endstream");
    objects.push(content_obj);

    // The binary comment tells tools the file holds 8-bit text.
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
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
        let at = pdf.windows(10).rposition(|w| w == b"startxref\n").unwrap() + 10;
        let tail = std::str::from_utf8(&pdf[at..]).unwrap();
        let xref: usize = tail.lines().next().unwrap().parse().unwrap();
        assert!(pdf[xref..].starts_with(b"xref\n"));
        let table = std::str::from_utf8(&pdf[xref..at]).unwrap();
        let first: usize = table.lines().nth(3).unwrap()[..10].parse().unwrap();
        assert!(pdf[first..].starts_with(b"1 0 obj"));
    }

    #[test]
    fn parentheses_and_backslashes_are_escaped() {
        let pdf = sample("A (B) \\ C 日本");
        assert!(contains(&pdf, b"(Name: A \\(B\\) \\\\ C ??)"));
    }
}
