//! A small hand-written PDF 1.4 writer for text documents: the proxy's
//! declaration of non-receipt and the sandbox's generated invoices.
//!
//! One A4 page per 44 lines, the standard Helvetica fonts (no embedding)
//! with `WinAnsiEncoding`, so names such as "Jürgen Müller" render; text
//! outside Windows-1252 becomes `?`. String literals escape `(`, `)` and
//! `\`. The cross-reference table's offsets are exact.

/// A line's font.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

/// One line of text.
#[derive(Clone, Debug)]
pub struct Line {
    pub font: Font,
    /// Points.
    pub size: f32,
    pub text: String,
}

impl Line {
    pub fn new(font: Font, size: f32, text: impl Into<String>) -> Line {
        Line { font, size, text: text.into() }
    }
}

/// Windows-1252 for the characters it has, `?` for the others; control
/// characters become spaces.
pub fn win_ansi(s: &str) -> Vec<u8> {
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

/// A PDF string literal of at most 120 characters: `(` … `)` with `(`,
/// `)` and `\` escaped.
pub fn literal(s: &str) -> Vec<u8> {
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

/// Lines per page.
const PER_PAGE: usize = 44;

/// One page's content stream.
fn content(lines: &[Line]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut y = 770.0;
    for l in lines {
        let font = match l.font {
            Font::Regular => "F1",
            Font::Bold => "F2",
        };
        out.extend_from_slice(format!("BT /{font} {} Tf 72 {y} Td ", l.size).as_bytes());
        out.extend_from_slice(&literal(&l.text));
        out.extend_from_slice(b" Tj ET\n");
        y -= (l.size * 1.6).max(14.0);
    }
    out
}

/// `lines` as a complete PDF file (at least one page).
pub fn text_pdf(lines: &[Line]) -> Vec<u8> {
    let pages: Vec<&[Line]> = if lines.is_empty() { vec![&[][..]] } else { lines.chunks(PER_PAGE).collect() };
    // 1 catalog, 2 pages, 3 and 4 fonts, then a page and its content per page.
    let page_obj = |i: usize| 5 + 2 * i;
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", page_obj(i))).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    for (i, page) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                page_obj(i) + 1
            )
            .into_bytes(),
        );
        let stream = content(page);
        let mut obj = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        obj.extend_from_slice(&stream);
        obj.extend_from_slice(b"endstream");
        objects.push(obj);
    }
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

/// Checks the structure [`text_pdf`] writes (and any simple PDF with a
/// classic cross-reference table): the header, `startxref` pointing at
/// `xref`, a trailer, and every in-use entry pointing at its `N 0 obj`.
/// For tests of the proxy and the sandbox.
pub fn check_structure(pdf: &[u8]) -> Result<(), String> {
    if !pdf.starts_with(b"%PDF-1.") {
        return Err("no %PDF-1.x header".into());
    }
    if !pdf.ends_with(b"%%EOF\n") && !pdf.ends_with(b"%%EOF") {
        return Err("no %%EOF at the end".into());
    }
    let at = pdf.windows(10).rposition(|w| w == b"startxref\n").ok_or("no startxref")? + 10;
    let tail = std::str::from_utf8(&pdf[at..]).map_err(|_| "startxref is not text")?;
    let xref: usize = tail.lines().next().and_then(|l| l.trim().parse().ok()).ok_or("startxref has no offset")?;
    if !pdf.get(xref..).is_some_and(|r| r.starts_with(b"xref\n")) {
        return Err(format!("startxref {xref} does not point at xref"));
    }
    let table = std::str::from_utf8(&pdf[xref..at]).map_err(|_| "xref is not text")?;
    if !table.contains("trailer") || !table.contains("/Root") {
        return Err("no trailer with /Root".into());
    }
    let mut lines = table.lines().skip(1);
    let header = lines.next().ok_or("empty xref")?;
    let count: usize = header.split_whitespace().nth(1).and_then(|n| n.parse().ok()).ok_or("bad xref header")?;
    for (n, entry) in lines.take(count).enumerate() {
        if !entry.ends_with("n ") && !entry.ends_with('n') {
            continue;
        }
        let off: usize = entry.get(..10).and_then(|o| o.parse().ok()).ok_or("bad xref entry")?;
        if !pdf.get(off..).is_some_and(|r| r.starts_with(format!("{n} 0 obj").as_bytes())) {
            return Err(format!("xref entry {n} does not point at its object"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_valid_file_with_the_text_in_win_ansi() {
        let pdf =
            text_pdf(&[Line::new(Font::Bold, 18.0, "Invoice"), Line::new(Font::Regular, 11.0, "Jürgen (x) \\ 日")]);
        assert_eq!(check_structure(&pdf), Ok(()));
        assert!(contains(&pdf, b"(Invoice)"));
        assert!(contains(&pdf, b"(J\xfcrgen \\(x\\) \\\\ ?)"));
    }

    #[test]
    fn long_documents_get_more_pages_and_stay_valid() {
        let lines: Vec<Line> = (0..100).map(|i| Line::new(Font::Regular, 11.0, format!("line {i}"))).collect();
        let pdf = text_pdf(&lines);
        assert_eq!(check_structure(&pdf), Ok(()));
        assert!(contains(&pdf, b"/Count 3"));
        assert!(contains(&pdf, b"(line 99)"));
        assert_eq!(check_structure(&text_pdf(&[])), Ok(()));
        assert!(check_structure(&pdf[..pdf.len() - 30]).is_err());
    }
}
