-- Tokens that can be withdrawn: an optional expiry, a revocation time, and when each was last
-- used (kept to the minute, so the lookup on every request rarely writes).
ALTER TABLE access_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE access_tokens ADD COLUMN revoked_at TEXT;
ALTER TABLE access_tokens ADD COLUMN last_used_at TEXT;
