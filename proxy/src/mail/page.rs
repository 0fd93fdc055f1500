//! `GET /sandbox/mails`: the mails the sandbox kept instead of sending,
//! newest first (only in sandbox mode without `mail.smtp_url`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::render::escape;
use super::Mailer;
use crate::store::mail::MailRow;

/// The most mails the page lists.
const SHOWN: i64 = 200;

fn time(ms: i64) -> String {
    parcel_desk_wire::time::rfc3339_utc(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64))
}

fn entry(m: &MailRow) -> String {
    let subject = m.subject.as_deref().unwrap_or("(not written yet)");
    let state = match m.state.as_str() {
        "kept" => "kept".to_owned(),
        "needs_attention" => format!("needs attention: {}", m.reason.as_deref().unwrap_or("")),
        other => other.to_owned(),
    };
    let when = time(m.sent_at.unwrap_or(m.created_at));
    let html = m.html_body.as_deref().map(|h| {
        format!(
            "<details><summary>HTML version</summary><iframe sandbox title=\"HTML version\" srcdoc=\"{}\"></iframe></details>",
            escape(h)
        )
    });
    format!(
        "<article>\n<h2>{subject}</h2>\n<dl><dt>To</dt><dd>{to}</dd><dt>Moment</dt><dd>{moment}</dd>\
         <dt>Language</dt><dd>{lang}</dd><dt>When</dt><dd>{when}</dd><dt>State</dt><dd>{state}</dd>\
         <dt>Message-ID</dt><dd>{id}</dd></dl>\n<pre>{text}</pre>\n{html}\n</article>\n",
        subject = escape(subject),
        to = escape(m.recipient.as_deref().unwrap_or("")),
        moment = escape(&m.moment),
        lang = escape(m.language.as_deref().unwrap_or("")),
        when = escape(&when),
        state = escape(&state),
        id = escape(m.message_id.as_deref().unwrap_or("")),
        text = escape(m.text_body.as_deref().unwrap_or("")),
        html = html.unwrap_or_default(),
    )
}

/// The page's HTML for `mails` (newest first).
pub fn html(mails: &[MailRow]) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Sandbox mails — parcel-desk</title>\n<style>\n\
         body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.4}\n\
         article{border:1px solid #ccc;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}\n\
         dl{display:grid;grid-template-columns:max-content 1fr;gap:0 1rem}dt{font-weight:bold}dd{margin:0}\n\
         pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}iframe{width:100%;height:22rem;border:1px solid #ddd}\n\
         </style>\n</head>\n<body>\n<h1>Mails the sandbox kept</h1>\n\
         <p>In sandbox mode without <code>mail.smtp_url</code> the proxy keeps the mails it would send to \
         customers, newest first. Set <code>mail.smtp_url</code> to send them.</p>\n",
    );
    if mails.is_empty() {
        out.push_str("<p>No mails yet: file a claim with the widget, and its \"received\" mail shows here.</p>\n");
    }
    for m in mails {
        out.push_str(&entry(m));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The page's answer.
pub async fn serve(mailer: &Mailer) -> Response {
    match mailer.store().mails(SHOWN).await {
        Ok(mails) => {
            let mut res = html(&mails).into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "sandbox mails: store failed");
            (StatusCode::SERVICE_UNAVAILABLE, "The store is not available right now.").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_everything() {
        let m = MailRow {
            claim_id: "c".into(),
            moment: "received".into(),
            state: "kept".into(),
            recipient: Some("a@b.co".into()),
            language: Some("de".into()),
            subject: Some("Wir haben Ihre Reklamation PD-1 erhalten".into()),
            text_body: Some("Guten Tag <script>x</script>,".into()),
            html_body: Some("<p>Guten Tag &lt;script&gt;</p>".into()),
            message_id: Some("<c.received@sandbox.invalid>".into()),
            reason: None,
            attempts: 1,
            created_at: 0,
            sent_at: Some(1000),
        };
        let page = html(&[m]);
        assert!(page.contains("Wir haben Ihre Reklamation PD-1 erhalten"));
        assert!(page.contains("Guten Tag &lt;script&gt;x&lt;/script&gt;,"));
        assert!(!page.contains("<script>"));
        assert!(page.contains("srcdoc=\"&lt;p&gt;Guten Tag &amp;lt;script&amp;gt;&lt;/p&gt;\""));
        assert!(page.contains("&lt;c.received@sandbox.invalid&gt;"));
        assert!(html(&[]).contains("No mails yet"));
    }
}
