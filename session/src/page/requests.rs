//! Tracked client requests: the run's accepted `Input::Request`s (`TimeTravel::accepted`,
//! from the run alone, so links and reloads keep them), at most `REQUESTS_TRACKED_MAX` shown,
//! and what became of each (`RequestStatus`), read at the moment shown by `view::requests`.

/// The most requests shown; beyond it, the oldest go (counted in `omitted`).
pub const REQUESTS_TRACKED_MAX: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestStatus {
    /// Not yet committed at its index, nor replaced there by a committed entry.
    Pending,
    /// Its entry (its index, its term) is committed.
    Committed,
    /// Another entry was committed at its index: the request is lost.
    Lost,
}

impl RequestStatus {
    pub fn name(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Committed => "committed",
            RequestStatus::Lost => "lost",
        }
    }
}
