//! The settlement lifecycle of API.md: `issued` → (both parties acknowledged) `acknowledged` →
//! (payments reach `amount_fen`) `paid`; `issued` or `acknowledged` → (a dispute) `disputed`;
//! `issued`, `acknowledged` or `disputed` → (a superseding settlement) `superseded`. Anything
//! else is refused, and the refusal says why (a 409 upstream).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Issued,
    Acknowledged,
    Disputed,
    Paid,
    Superseded,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Self::Issued,
        Self::Acknowledged,
        Self::Disputed,
        Self::Paid,
        Self::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Acknowledged => "acknowledged",
            Self::Disputed => "disputed",
            Self::Paid => "paid",
            Self::Superseded => "superseded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What someone asks to do to a settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Acknowledge,
    Dispute,
    Pay,
    Supersede,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a settlement that is {status} cannot {what}: {why}")]
pub struct Refused {
    pub status: Status,
    pub what: &'static str,
    pub why: &'static str,
}

/// Checks that `action` may happen to a settlement in `status`. `amount_is_zero`: a zero-net
/// settlement has nothing to pay and ends at `acknowledged`.
pub fn check(status: Status, action: Action, amount_is_zero: bool) -> Result<(), Refused> {
    let refuse = |what, why| Err(Refused { status, what, why });
    match (action, status) {
        (Action::Acknowledge, Status::Issued) => Ok(()),
        (Action::Acknowledge, _) => refuse(
            "be acknowledged",
            "only an issued settlement awaits acknowledgement",
        ),
        (Action::Dispute, Status::Issued | Status::Acknowledged) => Ok(()),
        (Action::Dispute, _) => refuse(
            "be disputed",
            "only issued or acknowledged settlements can be disputed",
        ),
        (Action::Pay, Status::Acknowledged) if amount_is_zero => refuse(
            "be paid",
            "its net is zero, so it ends at acknowledged with nothing to pay",
        ),
        (Action::Pay, Status::Acknowledged) => Ok(()),
        (Action::Pay, _) => refuse(
            "be paid",
            "payments need a settlement both parties acknowledged",
        ),
        (Action::Supersede, Status::Issued | Status::Acknowledged | Status::Disputed) => Ok(()),
        (Action::Supersede, Status::Paid) => refuse(
            "be superseded",
            "it is paid; settle corrections with a later period",
        ),
        (Action::Supersede, Status::Superseded) => refuse(
            "be superseded",
            "it was superseded already; name the settlement in force",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_transitions_of_the_contract_are_allowed() {
        use Action::*;
        use Status::*;
        let allowed = [
            (Issued, Acknowledge),
            (Issued, Dispute),
            (Acknowledged, Dispute),
            (Acknowledged, Pay),
            (Issued, Supersede),
            (Acknowledged, Supersede),
            (Disputed, Supersede),
        ];
        for status in Status::ALL {
            for action in [Acknowledge, Dispute, Pay, Supersede] {
                assert_eq!(
                    check(status, action, false).is_ok(),
                    allowed.contains(&(status, action)),
                    "{status} {action:?}"
                );
            }
        }
    }

    #[test]
    fn a_zero_net_settlement_cannot_be_paid() {
        assert!(check(Status::Acknowledged, Action::Pay, true).is_err());
    }

    #[test]
    fn statuses_round_trip_as_text() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("preview"), None);
    }
}
