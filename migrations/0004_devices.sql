-- Print jobs (electron/devices): a settlement's receipt is a durable job created right after
-- the settlement commits. A worker prints it; a failure waits (failed-waiting) and is retried
-- at next_attempt_at. A reprint is a new job with copy = 1 (audited by the caller).
-- settlement_id has no foreign key: the settlements table belongs to a later migration and a
-- test page or an imported receipt may have no settlement row.
CREATE TABLE print_jobs (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  settlement_id    TEXT NOT NULL,
  copy             INTEGER NOT NULL DEFAULT 0 CHECK (copy IN (0, 1)),
  state            TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'done', 'failed-waiting')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  TEXT,              -- ISO time; NULL when done
  last_error       TEXT,              -- code: message of the last failed attempt
  printer          TEXT NOT NULL,     -- the printer spec the job was made for (preview, serial:…, tcp:…, file:…)
  profile          TEXT NOT NULL CHECK (profile IN ('58mm', '80mm')),
  receipt_json     TEXT NOT NULL,     -- ReceiptData (native/escpos/receipt.ts)
  bytes            BLOB NOT NULL,     -- the ESC/POS bytes, built once at enqueue
  created_at       TEXT NOT NULL,
  printed_at       TEXT
);

CREATE INDEX print_jobs_by_settlement ON print_jobs (settlement_id, id);
CREATE INDEX print_jobs_due ON print_jobs (state, next_attempt_at);
