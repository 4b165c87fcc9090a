-- Dispensing stock per batch (issue 17, docs/STOCK.md). Owned by electron/stock/stock-store.ts
-- (stock_batches, stock_movements) and electron/outbox/stock-queue.ts (stock_outbox).
--
-- Quantities are in the catalogue's unit, held as integers scaled by 10^4 (the 4-place decimals
-- of SPLIT-MODEL, electron/api/money.ts parseScaled): never a float. Prices are integer fen.

-- One row per batch received (a purchase), per drug. `quantity` is what is on the shelf now; it
-- may go below zero only when the clinic allows selling more than it holds (stockAllowNegative).
CREATE TABLE stock_batches (
  id              INTEGER PRIMARY KEY,
  drug_code       TEXT NOT NULL,              -- the clinic's item code (the bill's code)
  drug_name       TEXT NOT NULL,
  batch_no        TEXT NOT NULL,              -- the maker's lot number (生产批号)
  production_date TEXT,                       -- YYYY-MM-DD
  expiry_date     TEXT NOT NULL,              -- YYYY-MM-DD, FEFO order
  quantity        INTEGER NOT NULL,           -- × 10^4, in the catalogue's unit
  purchase_price  INTEGER NOT NULL CHECK (purchase_price >= 0 AND purchase_price = CAST(purchase_price AS INTEGER)),  -- fen per unit
  supplier        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  UNIQUE (drug_code, batch_no)
) STRICT;
CREATE INDEX stock_batches_fefo ON stock_batches (drug_code, expiry_date, id);

-- Every change of a batch's quantity, signed (× 10^4): purchase +, purchase return −, sale −,
-- refund + (the very batch the sale took), adjustment ± (loss, damage, count), inventory (the
-- counted difference). A sale's rows name the settlement and line; a refund's rows name the
-- sale's row they give back (`restores`), so a refund restores exactly what was taken, once.
CREATE TABLE stock_movements (
  id            INTEGER PRIMARY KEY,
  batch_id      INTEGER REFERENCES stock_batches (id),   -- NULL: sold beyond stock with no batch at all
  drug_code     TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('purchase', 'purchase_return', 'sale', 'refund', 'loss', 'damage', 'count', 'inventory')),
  quantity      INTEGER NOT NULL,
  settlement_id TEXT,
  line_no       INTEGER,
  restores      INTEGER UNIQUE REFERENCES stock_movements (id),
  reason        TEXT,
  operator_id   TEXT NOT NULL,
  at            TEXT NOT NULL
) STRICT;
CREATE INDEX stock_movements_settlement ON stock_movements (settlement_id) WHERE settlement_id IS NOT NULL;
CREATE INDEX stock_movements_batch ON stock_movements (batch_id, id);

-- The stock reports to the center (3501 inventory, 3502 stock change, 3503 purchase, 3504
-- purchase return), with the outbox's exactly-once rules. The settlement outbox cannot hold them
-- (its settlement_id references settlements; see 0020 for mapping_outbox, the same case). Same
-- rules: msgid fixed when the row is written, in the transaction that changes the stock; claimed
-- ('sent') durably before it leaves; an unknown outcome resent under the SAME msgid; ONE queue,
-- sent strictly in id order (a purchase before its return, a count after what it counted).
CREATE TABLE stock_outbox (
  id              INTEGER PRIMARY KEY,
  movement_id     INTEGER NOT NULL REFERENCES stock_movements (id),
  infno           TEXT NOT NULL CHECK (infno IN ('3501', '3502', '3503', '3504')),
  msgid           TEXT NOT NULL UNIQUE,
  protocol        TEXT NOT NULL CHECK (protocol IN ('simple', 'national')),
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'unknown', 'confirmed', 'rejected')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  resolved_at     TEXT,
  response        TEXT
) STRICT;
CREATE INDEX stock_outbox_open ON stock_outbox (id) WHERE state IN ('queued', 'sent', 'unknown');
