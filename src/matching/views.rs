//! What the match endpoints take and give.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::engine::Explanation;
use crate::listings::domain::Mode;
use crate::listings::views::ListingView;

/// One ranked listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchItem {
    pub listing: ListingView,
    /// Relevance in [0, 1].
    pub score: f32,
    pub explanation: Explanation,
}

/// Ranked listings of the other side.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchList {
    pub items: Vec<MatchItem>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MatchParams {
    /// 1 to 50, default 10.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<usize>,
}

/// An ad-hoc search, for looking before posting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// A problem or an offer, in Chinese or English; a long paragraph is fine.
    #[schema(min_length = 1, max_length = 10_000)]
    pub text: String,
    /// `capabilities` (default) or `needs`.
    #[schema(pattern = "^(capabilities|needs)$")]
    pub side: Option<String>,
    pub field_codes: Option<Vec<String>>,
    pub cooperation_modes: Option<Vec<Mode>>,
    /// With `side=capabilities`: the TRL you need.
    #[schema(minimum = 1, maximum = 9)]
    pub trl_required: Option<u8>,
    pub region_code: Option<String>,
    /// 1 to 50, default 10.
    #[schema(minimum = 1, maximum = 50)]
    pub limit: Option<usize>,
}
