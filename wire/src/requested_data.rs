//! Carrier data requests: `GET /dsf/tickets/requested-data` (open requests)
//! and `POST /dsf/tickets/requested-data` (answer one).

use serde::{Deserialize, Serialize};

use crate::claim::FileRef;
use crate::ticket::DataType;

/// One open data request of a ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RequestedData {
    pub request_id: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub order_number: Option<String>,
    pub data_type: DataType,
}

/// `{"data": [...]}`: the list the proxy answers (filtered to one ticket),
/// and the shape the sandbox answers upstream's list in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RequestedDataList {
    pub data: Vec<RequestedData>,
}

/// 201 of `POST /dsf/tickets/requested-data`: the request answered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RequestedDataAnswerCreated {
    pub request_id: i64,
}

/// Body of `POST /dsf/tickets/requested-data`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestedDataAnswer {
    pub request_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<FileRef>>,
    /// Sales data rows, passed through as given (upstream does not document
    /// their fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_data: Option<Vec<serde_json::Value>>,
}

impl RequestedDataAnswer {
    /// True when the answer carries something: a non-blank comment, an
    /// attachment or a sales data row.
    pub fn has_content(&self) -> bool {
        self.comment.as_deref().is_some_and(|c| !c.trim().is_empty())
            || self.attachments.as_ref().is_some_and(|a| !a.is_empty())
            || self.sales_data.as_ref().is_some_and(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_rejects_unknown_fields_and_round_trips() {
        let a: RequestedDataAnswer =
            serde_json::from_str(r#"{"request_id":301,"comment":"see attached","attachments":[{"file_token":"t"}]}"#)
                .unwrap();
        assert!(a.has_content());
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"request_id":301,"comment":"see attached","attachments":[{"file_token":"t"}]}"#
        );
        assert!(serde_json::from_str::<RequestedDataAnswer>(r#"{"request_id":1,"ticket":2}"#).is_err());
        assert!(!RequestedDataAnswer { request_id: 1, comment: Some(" ".into()), ..Default::default() }.has_content());
        let l: RequestedDataList = serde_json::from_str(
            r#"{"data":[{"request_id":1,"title":"t","description":"d","tracking_number":null,"order_number":"O","data_type":"hologram"}]}"#,
        )
        .unwrap();
        assert_eq!(l.data[0].data_type.as_str(), "hologram");
    }
}
