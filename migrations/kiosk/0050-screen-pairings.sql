-- The browser host's paired screens (src/kiosk/screen-pairing.ts). A screen proves its role with a long-lived
-- token; only the token's SHA-256 is kept, so a copy of this database pairs nothing. A revoked screen's row stays,
-- with the time it was revoked, for the audit trail.
CREATE TABLE screen_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('citizen', 'staff', 'technician')),
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  revoked_at INTEGER
) STRICT;

-- One-time pairing codes, issued by technician mode or by `hcp kiosk pair` (another process: hence a table, not
-- memory), redeemed once, minutes after they were issued. Only their SHA-256 is kept.
CREATE TABLE screen_pairing_codes (
  code_hash TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('citizen', 'staff', 'technician')),
  label TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
