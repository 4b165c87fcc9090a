-- Center client state (electron/center): the message id sequence, the person cache and the
-- client's view of the center (sign-in number, last contact). The sandbox center keeps its own
-- database file; nothing of it lives here.

-- One row: the last message id's stamp and sequence, so ids stay unique across restarts and
-- when the clock moves backwards (electron/center/wire/msgid.ts decides the next one).
CREATE TABLE center_msgid (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  stamp TEXT NOT NULL,     -- yyyyMMddHHmmss of the last id ('' before the first)
  seq   INTEGER NOT NULL   -- 1..9999
);
INSERT INTO center_msgid (id, stamp, seq) VALUES (1, '', 0);

-- The last 1101 answer per credential, so a known patient can be settled offline.
CREATE TABLE center_person_cache (
  cert_type TEXT NOT NULL CHECK (cert_type IN ('01', '02', '03')),
  cert_no   TEXT NOT NULL,
  card_sn   TEXT,
  psn_no    TEXT NOT NULL,
  view      TEXT NOT NULL,   -- JSON PersonView without source/cachedAt
  cached_at TEXT NOT NULL,   -- ISO time of the answer
  PRIMARY KEY (cert_type, cert_no)
);
CREATE INDEX center_person_cache_psn ON center_person_cache (psn_no);

-- Key/value facts about the center: sign_no from 9001, last contact, last error.
CREATE TABLE center_state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
