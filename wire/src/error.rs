//! The Support API error envelope and the Python-style validation detail.

use serde::{Deserialize, Serialize};

/// `{"errors": [...]}`: every Support API error, and every error the
/// parcel-desk proxy produces itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ErrorEnvelope {
    pub errors: Vec<ApiError>,
}

/// One entry of [`ErrorEnvelope`]. The spec marks no inner field required,
/// so each defaults when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ApiError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: u16,
}

impl ErrorEnvelope {
    /// One error with the title the HTTP status carries.
    pub fn single(status: u16, code: &str, detail: impl Into<String>) -> Self {
        ErrorEnvelope {
            errors: vec![ApiError {
                code: code.to_owned(),
                detail: detail.into(),
                title: status_title(status).to_owned(),
                status,
            }],
        }
    }

    /// The first error's detail, or an empty string.
    pub fn first_detail(&self) -> &str {
        self.errors.first().map(|e| e.detail.as_str()).unwrap_or("")
    }

    /// Every validation issue found in any error's detail.
    pub fn validation_issues(&self) -> Vec<ValidationIssue> {
        self.errors.iter().flat_map(|e| parse_validation_detail(&e.detail)).collect()
    }
}

/// The title upstream uses for a status.
pub fn status_title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Rate limit exceeded",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

/// One entry of upstream's `Validation Error. Errors: [...]` detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationIssue {
    /// Python validation type, e.g. `missing`.
    pub kind: String,
    /// Location path, e.g. `["parcel_dimensions", "length"]`; the first
    /// element is the body field.
    pub loc: Vec<String>,
    pub msg: String,
}

impl ValidationIssue {
    /// The top-level body field the issue is about.
    pub fn field(&self) -> Option<&str> {
        self.loc.iter().map(String::as_str).find(|s| *s != "body")
    }
}

/// Writes issues in upstream's format (used by the sandbox), so that
/// [`parse_validation_detail`] reads back what upstream would send.
pub fn format_validation_detail(issues: &[ValidationIssue]) -> String {
    fn quote(s: &str) -> String {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
    let items: Vec<String> = issues
        .iter()
        .map(|i| {
            let loc: Vec<String> = i.loc.iter().map(|l| quote(l)).collect();
            let tuple = if loc.len() == 1 { format!("({},)", loc[0]) } else { format!("({})", loc.join(", ")) };
            format!("{{'type': {}, 'loc': {}, 'msg': {}}}", quote(&i.kind), tuple, quote(&i.msg))
        })
        .collect();
    format!("Validation Error. Errors: [{}]", items.join(", "))
}

/// Parses the Python-literal list inside a 400 validation detail, e.g.
/// `Validation Error. Errors: [{'type': 'missing', 'loc': ('contents_sales_price',), 'msg': 'Field required'}]`.
///
/// Returns no issues for a detail without such a list (e.g. `Parcel not
/// found.`) or one that does not parse: the caller then shows the detail
/// as text.
pub fn parse_validation_detail(detail: &str) -> Vec<ValidationIssue> {
    let Some(start) = detail.find('[') else { return Vec::new() };
    let mut p = Py { s: &detail.as_bytes()[start..], i: 0 };
    let Some(PyVal::Seq(items)) = p.value() else { return Vec::new() };
    items
        .into_iter()
        .filter_map(|item| {
            let PyVal::Dict(entries) = item else { return None };
            let get = |k: &str| entries.iter().find(|(key, _)| key == k).map(|(_, v)| v);
            let text = |v: Option<&PyVal>| match v {
                Some(PyVal::Str(s)) => s.clone(),
                Some(PyVal::Atom(a)) => a.clone(),
                _ => String::new(),
            };
            let loc = match get("loc") {
                Some(PyVal::Seq(parts)) => parts.iter().map(|p| text(Some(p))).collect(),
                Some(v @ PyVal::Str(_)) => vec![text(Some(v))],
                _ => Vec::new(),
            };
            Some(ValidationIssue { kind: text(get("type")), loc, msg: text(get("msg")) })
        })
        .collect()
}

enum PyVal {
    Str(String),
    /// Numbers, True/False/None: kept as written.
    Atom(String),
    /// Lists and tuples.
    Seq(Vec<PyVal>),
    /// Dicts with string keys (other keys are dropped).
    Dict(Vec<(String, PyVal)>),
}

/// A small recursive-descent reader for the Python literals upstream
/// prints (`repr` of lists, tuples, dicts, strings, numbers).
struct Py<'a> {
    s: &'a [u8],
    i: usize,
}

impl Py<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<PyVal> {
        self.ws();
        match *self.s.get(self.i)? {
            b'[' => self.seq(b']').map(PyVal::Seq),
            b'(' => self.seq(b')').map(PyVal::Seq),
            b'{' => self.dict().map(PyVal::Dict),
            q @ (b'\'' | b'"') => self.string(q).map(PyVal::Str),
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| !matches!(c, b',' | b')' | b']' | b'}' | b':') && !c.is_ascii_whitespace())
                {
                    self.i += 1;
                }
                (self.i > start).then(|| PyVal::Atom(String::from_utf8_lossy(&self.s[start..self.i]).into_owned()))
            }
        }
    }

    fn seq(&mut self, close: u8) -> Option<Vec<PyVal>> {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(items);
            }
            items.push(self.value()?);
            if !self.eat(b',') {
                return self.eat(close).then_some(items);
            }
        }
    }

    fn dict(&mut self) -> Option<Vec<(String, PyVal)>> {
        self.i += 1;
        let mut entries = Vec::new();
        loop {
            if self.eat(b'}') {
                return Some(entries);
            }
            let key = self.value()?;
            if !self.eat(b':') {
                return None;
            }
            let val = self.value()?;
            if let PyVal::Str(k) = key {
                entries.push((k, val));
            }
            if !self.eat(b',') {
                return self.eat(b'}').then_some(entries);
            }
        }
    }

    fn string(&mut self, quote: u8) -> Option<String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.i)?;
            self.i += 1;
            match c {
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        other => other,
                    });
                }
                c if c == quote => return Some(String::from_utf8_lossy(&out).into_owned()),
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec_example() {
        let d = "Validation Error. Errors: [{'type': 'missing', 'loc': ('contents_sales_price',), 'msg': 'Field required'}]";
        let issues = parse_validation_detail(d);
        assert_eq!(
            issues,
            vec![ValidationIssue {
                kind: "missing".into(),
                loc: vec!["contents_sales_price".into()],
                msg: "Field required".into()
            }]
        );
        assert_eq!(issues[0].field(), Some("contents_sales_price"));
    }

    #[test]
    fn parses_nested_locs_inputs_and_quotes() {
        let d = r#"Validation Error. Errors: [{'type': 'float_parsing', 'loc': ('body', 'parcel_dimensions', 'length'), 'msg': "Input should be a valid number, unable to parse string as a number", 'input': {'a': [1, 2.5, None]}}, {'type': 'missing', 'loc': ('additional_remarks',), 'msg': 'Field required', 'input': {'tracking_number': 'it\'s'}}]"#;
        let issues = parse_validation_detail(d);
        assert_eq!(issues.len(), 2);
        assert_eq!(issues[0].loc, ["body", "parcel_dimensions", "length"]);
        assert_eq!(issues[0].field(), Some("parcel_dimensions"));
        assert!(issues[0].msg.starts_with("Input should be a valid number"));
        assert_eq!(issues[1].field(), Some("additional_remarks"));
    }

    #[test]
    fn plain_details_and_garbage_give_no_issues() {
        assert!(parse_validation_detail("Parcel not found.").is_empty());
        assert!(parse_validation_detail("Errors: [{'type': 'missing', 'loc': (").is_empty());
        assert!(parse_validation_detail("[").is_empty());
    }

    #[test]
    fn format_and_parse_round_trip() {
        let issues = vec![
            ValidationIssue { kind: "missing".into(), loc: vec!["sales_invoice".into()], msg: "Field required".into() },
            ValidationIssue { kind: "x".into(), loc: vec!["a".into(), "b'c".into()], msg: "it's".into() },
        ];
        let text = format_validation_detail(&issues);
        assert!(text.starts_with(
            "Validation Error. Errors: [{'type': 'missing', 'loc': ('sales_invoice',), 'msg': 'Field required'}"
        ));
        assert_eq!(parse_validation_detail(&text), issues);
    }
}
