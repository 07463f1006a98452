DROP TABLE settlement_payments;
DROP TABLE settlement_disputes;
DROP TABLE settlement_acknowledgements;
DROP TABLE settlements;
DROP TABLE agreement_versions;
DROP TABLE agreements;
