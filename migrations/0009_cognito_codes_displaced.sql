-- The pending code a new one displaced, kept beside it until that one is delivered: a code the
-- sender certainly did not deliver is withdrawn, and the displaced code (hash, expiry,
-- attempts, as they were at that moment, a used one NULL) is pending again.
ALTER TABLE cognito_codes ADD COLUMN displaced_hash TEXT;
ALTER TABLE cognito_codes ADD COLUMN displaced_expires_at INTEGER;
ALTER TABLE cognito_codes ADD COLUMN displaced_attempts INTEGER;
