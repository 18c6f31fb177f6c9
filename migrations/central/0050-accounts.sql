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
