//! Each claim's history: who did what and when (`claim_history`). The
//! pipeline, the staff inbox and the mail outbox add to it; the inbox shows
//! it. Entries are only ever added.

use super::db::Val;
use super::{now_ms, Store, StoreError};

/// One entry of a claim's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Milliseconds since the epoch.
    pub at: i64,
    /// Who: a staff token's name, `staff` for the unnamed token,
    /// `customer`, `proxy` (the pipeline) or `mail`.
    pub actor: String,
    /// What, as a short machine word (`accepted`, `approved`, `rejected`,
    /// `filed`, `mail_sent`, ...).
    pub action: String,
    /// Free text: a reason, the fields filled in, a mail's moment.
    pub detail: Option<String>,
}

impl Store {
    /// Adds one entry to a claim's history, now.
    pub async fn add_history(
        &self,
        claim_id: &str,
        actor: &str,
        action: &str,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        self.db
            .exec(
                "INSERT INTO claim_history (claim_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)",
                &[Val::Text(claim_id), Val::Int(now_ms()), Val::Text(actor), Val::Text(action), Val::OptText(detail)],
            )
            .await?;
        Ok(())
    }

    /// A claim's history, oldest first.
    pub async fn history(&self, claim_id: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        self.db
            .query(
                "SELECT at, actor, action, detail FROM claim_history WHERE claim_id = $1 ORDER BY seq",
                &[Val::Text(claim_id)],
                |r| Ok(HistoryEntry { at: r.get(0)?, actor: r.get(1)?, action: r.get(2)?, detail: r.get(3)? }),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[tokio::test]
    async fn entries_come_back_in_order() {
        let s = Store::open_path(std::path::Path::new(":memory:"), 24).await.unwrap();
        s.add_history("c1", "proxy", "accepted", None).await.unwrap();
        s.add_history("c1", "Anna", "approved", Some("invoice uploaded")).await.unwrap();
        s.add_history("c2", "proxy", "accepted", None).await.unwrap();
        let h = s.history("c1").await.unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!((h[1].actor.as_str(), h[1].action.as_str()), ("Anna", "approved"));
        assert_eq!(h[1].detail.as_deref(), Some("invoice uploaded"));
    }
}
