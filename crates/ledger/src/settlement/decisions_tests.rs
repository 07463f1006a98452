//! The lifecycle decisions, as the server and the auditor's replay both make them.

use basin_audit::messages::{ack_message, public_key_base64, sign};
use basin_domain::Code;
use ed25519_dalek::SigningKey;

use super::decisions::*;
use super::lifecycle::Status;
use crate::entry::{SettlementAcknowledged, SettlementDisputed, SettlementPaid};

fn code(text: &str) -> Code {
    Code::parse(text).unwrap()
}

fn settlement(status: Status, amount_fen: i64) -> SettlementSnapshot {
    SettlementSnapshot {
        id: "7".into(),
        status,
        amount_fen,
        document_sha256: "ab".repeat(32),
        parties: (code("HE-CD"), code("BJ")),
        acknowledgements: Vec::new(),
        payments: Vec::new(),
    }
}

fn signed_ack(party: &str, seed: u8) -> (SettlementAcknowledged, PartyKey) {
    let key = SigningKey::from_bytes(&[seed; 32]);
    let signature = sign(&ack_message(&"ab".repeat(32)).unwrap(), &key);
    let request = SettlementAcknowledged {
        settlement_id: "7".into(),
        jurisdiction: code(party),
        key_id: format!("k{seed}"),
        signature,
    };
    let party_key = PartyKey {
        public_key: public_key_base64(&key.verifying_key()),
        retired: false,
    };
    (request, party_key)
}

fn payment(reference: &str, amount_fen: i64) -> SettlementPaid {
    SettlementPaid {
        settlement_id: "7".into(),
        amount_fen,
        paid_at: "2025-08-01T00:00:00Z".into(),
        reference: reference.into(),
    }
}

#[test]
fn the_second_party_to_acknowledge_makes_the_settlement_acknowledged() {
    let mut snapshot = settlement(Status::Issued, 100);
    let (first, first_key) = signed_ack("HE-CD", 1);
    let decision = decide_acknowledgement(&snapshot, &first, Some(&first_key)).unwrap();
    assert_eq!(decision, Decision::Record { new_status: None });
    snapshot.acknowledgements.push(first.clone());
    let (second, second_key) = signed_ack("BJ", 2);
    let decision = decide_acknowledgement(&snapshot, &second, Some(&second_key)).unwrap();
    assert_eq!(
        decision,
        Decision::Record {
            new_status: Some(Status::Acknowledged)
        }
    );
    // The same acknowledgement again is a replay, not a second record.
    assert_eq!(
        decide_acknowledgement(&snapshot, &first, Some(&first_key)),
        Ok(Decision::Replay)
    );
}

#[test]
fn an_acknowledgement_needs_a_party_a_live_key_and_its_signature() {
    let snapshot = settlement(Status::Issued, 100);
    let (outsider, key) = signed_ack("HE-ZJK", 1);
    assert!(matches!(
        decide_acknowledgement(&snapshot, &outsider, Some(&key)),
        Err(Refusal::NotAParty { .. })
    ));
    let (request, key) = signed_ack("BJ", 1);
    assert!(matches!(
        decide_acknowledgement(&snapshot, &request, None),
        Err(Refusal::Invalid {
            field: RequestField::KeyId,
            ..
        })
    ));
    let retired = PartyKey {
        retired: true,
        ..key.clone()
    };
    assert!(matches!(
        decide_acknowledgement(&snapshot, &request, Some(&retired)),
        Err(Refusal::Invalid {
            field: RequestField::KeyId,
            ..
        })
    ));
    let (_, other_key) = signed_ack("BJ", 9);
    assert!(matches!(
        decide_acknowledgement(&snapshot, &request, Some(&other_key)),
        Err(Refusal::Invalid {
            field: RequestField::Signature,
            ..
        })
    ));
    let disputed = settlement(Status::Disputed, 100);
    assert!(matches!(
        decide_acknowledgement(&disputed, &request, Some(&key)),
        Err(Refusal::Lifecycle(_))
    ));
}

#[test]
fn payments_add_up_to_the_amount_and_never_beyond() {
    let mut snapshot = settlement(Status::Acknowledged, 100);
    assert_eq!(
        decide_payment(&snapshot, &payment("p1", 40)),
        Ok(Decision::Record { new_status: None })
    );
    snapshot.payments.push(payment("p1", 40));
    assert!(matches!(
        decide_payment(&snapshot, &payment("p2", 61)),
        Err(Refusal::Invalid {
            field: RequestField::AmountFen,
            ..
        })
    ));
    assert!(matches!(
        decide_payment(&snapshot, &payment("p1", 41)),
        Err(Refusal::Conflicts {
            field: RequestField::AmountFen,
            ..
        })
    ));
    assert_eq!(
        decide_payment(&snapshot, &payment("p1", 40)),
        Ok(Decision::Replay)
    );
    assert_eq!(
        decide_payment(&snapshot, &payment("p2", 60)),
        Ok(Decision::Record {
            new_status: Some(Status::Paid)
        })
    );
    assert!(decide_payment(&settlement(Status::Issued, 100), &payment("p1", 1)).is_err());
}

#[test]
fn a_party_may_dispute_an_issued_or_acknowledged_settlement() {
    let dispute = SettlementDisputed {
        settlement_id: "7".into(),
        jurisdiction: code("BJ"),
        reason: "late data".into(),
    };
    for status in [Status::Issued, Status::Acknowledged] {
        assert_eq!(
            decide_dispute(&settlement(status, 1), &dispute),
            Ok(Decision::Record {
                new_status: Some(Status::Disputed)
            })
        );
    }
    assert!(decide_dispute(&settlement(Status::Paid, 1), &dispute).is_err());
}

#[test]
fn a_new_settlement_must_name_the_one_in_force_which_must_not_be_paid() {
    let in_force = settlement(Status::Issued, 100).in_force();
    assert_eq!(decide_supersession(None, None), Ok(None));
    assert!(matches!(
        decide_supersession(Some(&in_force), None),
        Err(SupersessionRefusal::InForce { .. })
    ));
    assert_eq!(
        decide_supersession(Some(&in_force), Some("7")),
        Ok(Some("7".into()))
    );
    assert!(matches!(
        decide_supersession(Some(&in_force), Some("8")),
        Err(SupersessionRefusal::NotInForce { .. })
    ));
    assert!(matches!(
        decide_supersession(None, Some("7")),
        Err(SupersessionRefusal::NotInForce { .. })
    ));
    let paid = settlement(Status::Paid, 100).in_force();
    assert!(matches!(
        decide_supersession(Some(&paid), Some("7")),
        Err(SupersessionRefusal::Lifecycle { .. })
    ));
}
