-- Catalogue mapping (对照, issue 16): the clinic's own item codes ↔ national codes, and their
-- upload to the center (3301; 3302 revokes).
--
-- catalog_mappings (electron/policy/mapping-store.ts owns it): one row per clinic item.
-- `national_code` is what the clinic wants (NULL = not mapped yet); `center_code` is what the
-- center is known to hold (set only when its answer to a 3301 / 3302 is recorded). A line is
-- settled in the national protocol only when both are the same code (mapping-store.ts
-- nationalCodeFor): a mapping the center has not confirmed is never discovered at the center.
CREATE TABLE catalog_mappings (
  clinic_code   TEXT PRIMARY KEY,
  clinic_name   TEXT NOT NULL,
  clinic_spec   TEXT,
  clinic_unit   TEXT,
  national_code TEXT,
  list_type     TEXT,
  origin        TEXT NOT NULL CHECK (origin IN ('import', 'suggested', 'edited')),
  center_code   TEXT,
  last_error    TEXT,
  updated_by    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX catalog_mappings_national ON catalog_mappings (national_code);

-- mapping_outbox (electron/outbox/mapping-queue.ts owns it): the outbox's rules for mapping
-- messages. The settlement outbox cannot hold them: its settlement_id references settlements and
-- its kind is CHECKed, and rebuilding it needs foreign keys off, which a migration's transaction
-- cannot do (see 0016). Same rules: msgid fixed when the row is written, in the transaction that
-- changes the mapping; claimed ('sent') durably before it leaves; an unknown outcome resent under
-- the SAME msgid (the center answers a repeat from its store); a clinic code's messages in id order.
CREATE TABLE mapping_outbox (
  id              INTEGER PRIMARY KEY,
  clinic_code     TEXT NOT NULL,
  infno           TEXT NOT NULL CHECK (infno IN ('3301', '3302')),
  msgid           TEXT NOT NULL UNIQUE,
  national_code   TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'unknown', 'confirmed', 'rejected')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  resolved_at     TEXT,
  response        TEXT
) STRICT;
CREATE INDEX mapping_outbox_open ON mapping_outbox (id) WHERE state IN ('queued', 'sent', 'unknown');
CREATE INDEX mapping_outbox_code ON mapping_outbox (clinic_code, id);
