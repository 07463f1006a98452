//! Diesel table definitions shared by both backends. Every column uses a type that
//! diesel's `MultiConnection` supports on SQLite and PostgreSQL alike (text, integers).

diesel::table! {
    jurisdictions (code) {
        code -> Text,
        name -> Text,
        parent -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    jurisdiction_keys (jurisdiction, key_id) {
        jurisdiction -> Text,
        key_id -> Text,
        public_key -> Text,
        added_at -> Text,
        retired_at -> Nullable<Text>,
    }
}

diesel::table! {
    basins (code) {
        code -> Text,
        name -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    sections (code) {
        code -> Text,
        name -> Text,
        basin -> Text,
        river -> Text,
        water_body -> Text,
        target_class -> Text,
        upstream -> Text,
        downstream -> Text,
        latitude -> Nullable<Text>,
        longitude -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    stations (code) {
        code -> Text,
        name -> Text,
        section -> Text,
        public_key -> Nullable<Text>,
        key_id -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    access_tokens (id) {
        id -> BigInt,
        token_sha256 -> Text,
        role -> Text,
        subject -> Nullable<Text>,
        label -> Nullable<Text>,
        created_at -> Text,
        expires_at -> Nullable<Text>,
        revoked_at -> Nullable<Text>,
        last_used_at -> Nullable<Text>,
    }
}

diesel::table! {
    log_head (id) {
        id -> Integer,
        size -> BigInt,
        last_leaf_hash -> Text,
    }
}

diesel::table! {
    log_entries (entry_index) {
        entry_index -> BigInt,
        kind -> Text,
        time -> Text,
        prev -> Text,
        body -> Text,
        leaf -> Text,
        leaf_hash -> Text,
    }
}

diesel::table! {
    log_nodes (level, node_index) {
        level -> Integer,
        node_index -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    log_checkpoints (tree_size) {
        tree_size -> BigInt,
        root_hash -> Text,
        note -> Text,
        signed_at -> Text,
    }
}

diesel::table! {
    log_publications (tree_size) {
        tree_size -> BigInt,
        published_at -> Text,
    }
}

diesel::table! {
    log_cosignatures (tree_size, witness) {
        tree_size -> BigInt,
        witness -> Text,
        signature_line -> Text,
        cosigned_at -> BigInt,
    }
}

diesel::table! {
    reading_batches (station, batch_id) {
        station -> Text,
        batch_id -> Text,
        body -> Binary,
        body_sha256 -> Text,
        signature -> Nullable<Text>,
        response -> Text,
        log_index -> BigInt,
        received_at -> Text,
    }
}

diesel::table! {
    readings (id) {
        id -> BigInt,
        station -> Text,
        section -> Text,
        sampled_at -> Text,
        batch_id -> Text,
        reading_values -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        revises -> Nullable<BigInt>,
        superseded_by -> Nullable<BigInt>,
        invalidated_at -> Nullable<Text>,
        invalidated_by -> Nullable<Text>,
        invalidation_reason -> Nullable<Text>,
        invalidated_log_index -> Nullable<BigInt>,
        reading_flags -> Nullable<Text>,
    }
}

diesel::table! {
    agreements (code) {
        code -> Text,
        name -> Text,
        basin -> Text,
        upstream -> Text,
        downstream -> Text,
        period_kind -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    agreement_versions (agreement, version) {
        agreement -> Text,
        version -> BigInt,
        effective_from -> Text,
        effective_to -> Nullable<Text>,
        min_valid_months -> BigInt,
        components -> Text,
        created_at -> Text,
        log_index -> BigInt,
        below_detection -> Nullable<Text>,
    }
}

diesel::table! {
    settlements (id) {
        id -> BigInt,
        agreement -> Text,
        agreement_version -> BigInt,
        period -> Text,
        document -> Text,
        document_sha256 -> Text,
        signature -> Text,
        key_id -> Text,
        status -> Text,
        net_fen -> BigInt,
        amount_fen -> BigInt,
        payer -> Nullable<Text>,
        payee -> Nullable<Text>,
        issued_at -> Text,
        log_index -> BigInt,
        supersedes -> Nullable<BigInt>,
        superseded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    settlement_acknowledgements (settlement_id, jurisdiction) {
        settlement_id -> BigInt,
        jurisdiction -> Text,
        key_id -> Text,
        signature -> Text,
        acknowledged_at -> Text,
        log_index -> BigInt,
    }
}

diesel::table! {
    settlement_disputes (settlement_id, log_index) {
        settlement_id -> BigInt,
        log_index -> BigInt,
        jurisdiction -> Text,
        reason -> Text,
        disputed_at -> Text,
    }
}

diesel::table! {
    settlement_payments (settlement_id, reference) {
        settlement_id -> BigInt,
        reference -> Text,
        amount_fen -> BigInt,
        paid_at -> Text,
        recorded_at -> Text,
        log_index -> BigInt,
    }
}

diesel::table! {
    ledger_keys (public_key) {
        public_key -> Text,
        origin -> Text,
        key_id -> Text,
        valid_from -> Text,
        valid_to -> Nullable<Text>,
    }
}

diesel::table! {
    station_keys (station, key_id) {
        station -> Text,
        key_id -> Text,
        public_key -> Text,
        added_at -> Text,
        retired_at -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    jurisdictions,
    jurisdiction_keys,
    station_keys,
    basins,
    sections,
    stations,
    access_tokens,
    log_head,
    log_entries,
    log_nodes,
    log_checkpoints,
    log_publications,
    log_cosignatures,
    reading_batches,
    readings,
    agreements,
    agreement_versions,
    settlements,
    settlement_acknowledgements,
    settlement_disputes,
    settlement_payments,
    ledger_keys,
);
