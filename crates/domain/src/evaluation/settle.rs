//! Who pays whom (compensation.md §4): a positive net means downstream pays upstream, a negative one
//! upstream pays downstream, and a zero net is a settlement with no payer.

use serde::Serialize;

use crate::code::Code;
use crate::money::Fen;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentDirection {
    /// `None` (JSON null) when the net is zero.
    pub payer: Option<Code>,
    pub payee: Option<Code>,
    /// `|net_fen|`.
    pub amount_fen: Fen,
}

pub fn settle_direction(net_fen: Fen, upstream: &Code, downstream: &Code) -> PaymentDirection {
    let (payer, payee) = if net_fen.is_positive() {
        (Some(downstream.clone()), Some(upstream.clone()))
    } else if net_fen.is_negative() {
        (Some(upstream.clone()), Some(downstream.clone()))
    } else {
        (None, None)
    };
    PaymentDirection {
        payer,
        payee,
        amount_fen: net_fen.abs(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Code {
        Code::parse(text).unwrap()
    }

    #[test]
    fn a_positive_net_means_downstream_pays_upstream() {
        let direction = settle_direction(Fen::new(696_000).unwrap(), &code("HE-CD"), &code("BJ"));
        assert_eq!(direction.payer, Some(code("BJ")));
        assert_eq!(direction.payee, Some(code("HE-CD")));
        assert_eq!(direction.amount_fen.as_i64(), 696_000);
    }

    #[test]
    fn a_negative_net_means_upstream_pays_downstream() {
        let direction =
            settle_direction(Fen::new(-120_000_000).unwrap(), &code("HE-CD"), &code("BJ"));
        assert_eq!(direction.payer, Some(code("HE-CD")));
        assert_eq!(direction.payee, Some(code("BJ")));
        assert_eq!(direction.amount_fen.as_i64(), 120_000_000);
    }

    #[test]
    fn a_zero_net_has_no_payer_and_no_payee() {
        let direction = settle_direction(Fen::ZERO, &code("HE-CD"), &code("BJ"));
        assert_eq!(
            serde_json::to_value(&direction).unwrap(),
            serde_json::json!({"payer": null, "payee": null, "amount_fen": 0})
        );
    }
}
