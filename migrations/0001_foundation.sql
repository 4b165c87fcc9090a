-- Settings, operators and the audit log: what every other part relies on.

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,          -- JSON
  updated_at TEXT NOT NULL
);

CREATE TABLE operators (
  id              TEXT PRIMARY KEY,  -- operator number, typed at login
  name            TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'admin')),
  pin_hash        TEXT NOT NULL,     -- scrypt$N$r$p$salt$hash
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until    TEXT,              -- ISO time; NULL when not locked
  active          INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL
);

-- Append-only; each row's hash covers its content and the previous row's hash, so an edited,
-- deleted or reordered row breaks the chain at that point (see electron/auth/audit.ts).
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  operator_id TEXT,
  action      TEXT NOT NULL,
  subject     TEXT,
  detail      TEXT NOT NULL DEFAULT '{}',
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
