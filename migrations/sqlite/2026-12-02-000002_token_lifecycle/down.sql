ALTER TABLE access_tokens DROP COLUMN last_used_at;
ALTER TABLE access_tokens DROP COLUMN revoked_at;
ALTER TABLE access_tokens DROP COLUMN expires_at;
