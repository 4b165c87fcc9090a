-- The national chain's journal (electron/center/national/chain-store.ts owns it). A settlement
-- in the national protocol is a chain of exchanges (2201 → 2203 → 2204 → 2206 → 2207), undone
-- in reverse when refused part-way (2208 → 2205 → 2202) and resolved by 2601 when a committing
-- step's outcome is unknown. Every step's msgid, infno and body are written here BEFORE it is
-- sent, so after a crash the runner knows exactly what may have reached the center.

CREATE TABLE national_chains (
  chain_id   TEXT PRIMARY KEY,
  -- The local settlement the chain carries to the center (NULL for a chain started by a test).
  settlement_id TEXT,
  psn_no     TEXT NOT NULL,
  spec       TEXT NOT NULL,           -- the chain's input (JSON): person, visit, lines, totals
  state      TEXT NOT NULL CHECK (state IN ('running', 'compensating', 'settled', 'undone', 'blocked')),
  mdtrt_id   TEXT,
  setl_id    TEXT,
  result     TEXT,                    -- JSON: the center's settlement, or the refusal that undid the chain
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX national_chains_open ON national_chains (created_at) WHERE state IN ('running', 'compensating');
CREATE INDEX national_chains_settlement ON national_chains (settlement_id);

CREATE TABLE national_steps (
  msgid      TEXT PRIMARY KEY,
  chain_id   TEXT NOT NULL REFERENCES national_chains (chain_id),
  seq        INTEGER NOT NULL,
  infno      TEXT NOT NULL,
  -- forward: a step of the chain; undo: 2208/2205/2202 of a refused chain; reverse: a 2601.
  purpose    TEXT NOT NULL CHECK (purpose IN ('forward', 'undo', 'reverse')),
  body       TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('sending', 'success', 'rejected', 'busy', 'unknown', 'reversed', 'undone')),
  output     TEXT,
  code       TEXT,
  reason     TEXT,
  sent_at    TEXT NOT NULL,
  answered_at TEXT,
  UNIQUE (chain_id, seq)
) STRICT;
