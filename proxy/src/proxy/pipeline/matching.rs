//! The matching pass: finds the int ids of filed claims, and the tickets
//! of attempts that may have arrived, in upstream's list of tickets.

use super::*;

/// One pass over upstream's newest tickets: maps every claim waiting for
/// its int id that it can. `Err(wait_ms)`: no read budget.
pub(super) async fn match_pass(st: &ProxyState) -> Result<(), i64> {
    let started = now_ms();
    st.tickets.worker.lock().unwrap_or_else(|e| e.into_inner()).last_pass = Some(started);
    let Ok(waiting) = st.tickets.store.claims_to_match(started - MATCH_WINDOW_MS).await else { return Ok(()) };
    let Some(oldest) = waiting.iter().map(|c| c.first_sent_at.unwrap_or(c.created_at)).min() else {
        return Ok(());
    };
    let window_start = oldest - MATCH_SLACK_MS;
    let mut items: Vec<(i64, i64, Value)> = Vec::new();
    let mut oldest_seen = i64::MAX;
    'pages: for page in 1..=MAX_LIST_PAGES {
        let mut tries = 0;
        let answer = loop {
            match st.take_budget(Budget::Read).await.unwrap_or(Err(1000)) {
                Ok(()) => {}
                // A short wait (a 429's hold, the end of a window) is waited out.
                Err(wait) if wait <= 5_000 => {
                    tokio::time::sleep(Duration::from_millis(wait as u64 + 20)).await;
                    continue;
                }
                Err(wait) => return Err(wait),
            }
            tries += 1;
            let query = format!("page={page}&size=20");
            let up = Upstream {
                method: Method::GET,
                segments: &["dsf", "tickets"],
                query: Some(&query),
                content_type: None,
                content_length: None,
                body: None,
            };
            match call(&st.sendcloud, &st.sendcloud.base, up).await {
                Ok(a) if a.status.is_success() => break a,
                Ok(a) if a.status == StatusCode::TOO_MANY_REQUESTS => {
                    // Everyone on the store waits; this pass too, then tries the page again.
                    let secs = a.retry_after_secs().min(10);
                    let _ = st.tickets.store.hold_budget(&st.sendcloud.account, "read", now_ms() + secs * 1000).await;
                }
                Ok(a) => tracing::warn!(status = a.status.as_u16(), page, "listing upstream tickets failed"),
                Err(e) => tracing::warn!(timeout = e.is_timeout(), page, "listing upstream tickets failed"),
            }
            // A failed page is tried again (at most 4 times in all): one
            // lost page would otherwise void the whole pass.
            if tries >= 4 {
                break 'pages;
            }
        };
        let page_items = list_items(&answer.body);
        let n = page_items.len();
        for item in page_items {
            let Ok(t) = serde_json::from_value::<TicketResponse>(item.clone()) else { continue };
            let Some(created) = parse_rfc3339(&t.created_at).map(|s| s * 1000) else { continue };
            oldest_seen = oldest_seen.min(created);
            items.push((created, t.id, item));
        }
        if n < 20 {
            oldest_seen = i64::MIN;
            break;
        }
        if oldest_seen < window_start {
            break;
        }
    }
    items.sort_by_key(|(created, id, _)| (*created, *id));
    let mut taken: HashSet<i64> = HashSet::new();
    for claim in &waiting {
        let (Some(first), Some(last)) = (claim.first_sent_at, claim.last_sent_at) else { continue };
        let mut found = None;
        for (created, id, item) in &items {
            let type_ok = item.get("type").and_then(Value::as_str) == Some(upstream_type(&claim.claim_type).as_str());
            let tracking_ok = item
                .get("tracking_number")
                .and_then(Value::as_str)
                .is_none_or(|t| t.trim().eq_ignore_ascii_case(&claim.tracking_number));
            if type_ok
                && tracking_ok
                && !taken.contains(id)
                && *created >= first - MATCH_SLACK_MS
                && *created <= last + MATCH_WINDOW_MS
                && !st.tickets.store.ticket_taken(*id).await.unwrap_or(true)
            {
                found = Some((created, id, item));
                break;
            }
        }
        if let Some((_, id, _)) = found {
            taken.insert(*id);
            match st.tickets.store.map_ticket(&claim.id, *id).await {
                Ok(true) => {
                    tracing::info!(claim_id = %claim.id, ticket_id = id, "claim mapped to its upstream ticket");
                    let detail = format!("ticket {id}");
                    if let Err(e) =
                        st.tickets.store.add_history(&claim.id, "proxy", "ticket_known", Some(&detail)).await
                    {
                        tracing::error!(error = %e, "could not record a claim's history");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "could not map a claim"),
            }
        }
    }
    if oldest_seen < i64::MAX {
        st.tickets.worker.lock().unwrap_or_else(|e| e.into_inner()).last_reach = Some((started, oldest_seen));
    }
    Ok(())
}
