-- Accounts, their departments and their sessions (issue 15). Passwords are argon2id hashes (PHC strings); a
-- session is known by the SHA-256 of its id only, so a copy of this table opens no session.

CREATE TABLE accounts (
  id                   uuid PRIMARY KEY,
  username             text NOT NULL,
  display_name         text NOT NULL,
  role                 text NOT NULL CHECK (role IN ('admin', 'supervisor', 'handler', 'leader', 'auditor')),
  password_hash        text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT true,
  failed_logins        integer NOT NULL DEFAULT 0,
  locked_until         timestamptz,
  disabled_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
-- One account per name whatever its case: "Admin" and "admin" are one person.
CREATE UNIQUE INDEX accounts_username ON accounts (lower(username));

-- A handler's departments: what it may see (src/central/accounts/actor.ts filters through this table in SQL).
CREATE TABLE account_departments (
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  department_code text NOT NULL REFERENCES departments (code),
  PRIMARY KEY (account_id, department_code)
);

CREATE TABLE sessions (
  id_hash      bytea PRIMARY KEY,
  account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           text
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- API keys for programs (issue 15): a scope (a role, never `handler`, which needs departments), known by the
-- SHA-256 of the key only (the key has 256 random bits: a fast hash is enough), shown once at creation.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  scope        text NOT NULL CHECK (scope IN ('admin', 'supervisor', 'leader', 'auditor')),
  key_hash     bytea NOT NULL UNIQUE,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_keys_name ON api_keys (lower(name)) WHERE revoked_at IS NULL;
