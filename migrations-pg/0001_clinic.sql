-- The clinic's consolidated records in PostgreSQL (electron/clinic; docs/CLINIC.md).
-- Every row belongs to one window (its terminal number) and is written only by that window's
-- own login role (row-level security below); supervisors read everything through
-- clinic_reader. Money is bigint fen. Patient identity never arrives readable: psn_ref is an
-- HMAC pseudonym of the person number, names and certificate numbers are AES-256-GCM
-- ciphertext under the clinic key, which PostgreSQL never sees.

-- Group roles (cluster-wide, so created only when missing). Each window logs in with its own
-- role, a member of clinic_window; a supervisor's window role is also a member of clinic_reader.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clinic_window') THEN CREATE ROLE clinic_window NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clinic_reader') THEN CREATE ROLE clinic_reader NOLOGIN; END IF;
END $$;

-- Which login role is which window: the one place RLS learns "my window" from.
CREATE TABLE clinic_windows (
  window_id  text PRIMARY KEY CHECK (window_id ~ '^[0-9]{2}$'),
  role_name  name NOT NULL UNIQUE,
  name       text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION clinic_my_window() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT window_id FROM clinic_windows WHERE role_name = current_user $$;

-- One row per settlement or refund row of a window. `version` is the window's stream sequence
-- at the time the row was read: an upsert applies only when newer, so states land in order
-- however often a batch is resent.
CREATE TABLE settlements (
  window_id            text NOT NULL,
  id                   text NOT NULL,
  version              bigint NOT NULL,
  created_at           timestamptz NOT NULL,
  created_day          date NOT NULL,               -- China day, as at the window
  operator_id          text NOT NULL,
  shift_id             text NOT NULL,
  psn_ref              text NOT NULL,               -- HMAC-SHA256 pseudonym of psn_no
  psn_name_enc         text NOT NULL,               -- AES-256-GCM, clinic key
  cert_type            text NOT NULL,
  cert_no_enc          text NOT NULL,               -- AES-256-GCM, clinic key
  insutype             text NOT NULL,
  insurance_type       text NOT NULL,
  visit_type           text NOT NULL,
  state                text NOT NULL CHECK (state IN ('provisional', 'confirmed', 'adjusted', 'rejected', 'refunded')),
  online               boolean NOT NULL,
  refund_of            text,
  total                bigint NOT NULL,
  fund_pay             bigint NOT NULL,
  critical_illness_pay bigint NOT NULL,
  account_pay          bigint NOT NULL,
  cash_pay             bigint NOT NULL,
  -- What the center has (reconciliation's "local"): known_to_center and the center-agreed amounts.
  known_to_center      boolean NOT NULL,
  center_setl_id       text,
  agreed_total         bigint NOT NULL,
  agreed_fund          bigint NOT NULL,             -- fund + critical illness
  agreed_account       bigint NOT NULL,
  reject_code          text,
  reject_reason        text,
  -- The window's receivable for this settlement (none: owed 0, status NULL).
  owed                 bigint NOT NULL DEFAULT 0,
  paid                 bigint NOT NULL DEFAULT 0,
  deducted             bigint NOT NULL DEFAULT 0,
  rejected             bigint NOT NULL DEFAULT 0,
  outstanding          bigint NOT NULL DEFAULT 0,
  receivable_status    text,
  written_off          boolean NOT NULL DEFAULT false,
  updated_at           timestamptz NOT NULL,
  streamed_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (window_id, id)
);
CREATE INDEX settlements_day ON settlements (created_day, window_id);
CREATE INDEX settlements_center_id ON settlements (center_setl_id) WHERE center_setl_id IS NOT NULL;
CREATE INDEX settlements_open_receivable ON settlements (created_day) WHERE outstanding <> 0 OR receivable_status = 'rejected';

-- Everything else a window streams, as JSON: adjustment, notice, shift, cash_movement,
-- shift_correction, worklist_action, audit. Identity inside a body is encrypted by the window.
CREATE TABLE records (
  window_id   text NOT NULL,
  kind        text NOT NULL,
  record_id   text NOT NULL,
  version     bigint NOT NULL,
  body        jsonb NOT NULL,
  streamed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (window_id, kind, record_id)
);

-- Supervisors' actions on a settlement, carried back to its window: the window applies the
-- action to its own database and acknowledges here. Nobody writes another window's data.
CREATE TABLE commands (
  id             bigserial PRIMARY KEY,
  window_id      text NOT NULL REFERENCES clinic_windows (window_id),
  settlement_id  text NOT NULL,
  action         text NOT NULL CHECK (action IN ('reupload', 'write_off')),
  note           text NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
  issued_by      text NOT NULL,
  issued_at      timestamptz NOT NULL DEFAULT now(),
  state          text NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'applied', 'refused')),
  result_code    text,
  result_message text,
  acked_at       timestamptz
);
CREATE INDEX commands_pending ON commands (window_id, id) WHERE state = 'issued';

-- Row-level security: a window sees and writes only its own rows; a reader sees all.
ALTER TABLE settlements ENABLE ROW LEVEL SECURITY;
ALTER TABLE records ENABLE ROW LEVEL SECURITY;
ALTER TABLE commands ENABLE ROW LEVEL SECURITY;

CREATE POLICY window_own ON settlements TO clinic_window
  USING (window_id = clinic_my_window()) WITH CHECK (window_id = clinic_my_window());
CREATE POLICY reader_all ON settlements FOR SELECT TO clinic_reader USING (true);
CREATE POLICY window_own ON records TO clinic_window
  USING (window_id = clinic_my_window()) WITH CHECK (window_id = clinic_my_window());
CREATE POLICY reader_all ON records FOR SELECT TO clinic_reader USING (true);
-- A window reads its commands and acknowledges them (only the ack columns are granted).
CREATE POLICY window_own_read ON commands FOR SELECT TO clinic_window USING (window_id = clinic_my_window());
CREATE POLICY window_own_ack ON commands FOR UPDATE TO clinic_window
  USING (window_id = clinic_my_window()) WITH CHECK (window_id = clinic_my_window());
CREATE POLICY reader_all ON commands FOR SELECT TO clinic_reader USING (true);
CREATE POLICY reader_issue ON commands FOR INSERT TO clinic_reader WITH CHECK (state = 'issued' AND acked_at IS NULL);

GRANT SELECT ON clinic_windows TO clinic_window, clinic_reader;
GRANT SELECT, INSERT, UPDATE ON settlements, records TO clinic_window;
GRANT SELECT ON commands TO clinic_window;
GRANT UPDATE (state, result_code, result_message, acked_at) ON commands TO clinic_window;
GRANT SELECT ON settlements, records, commands TO clinic_reader;
GRANT INSERT (window_id, settlement_id, action, note, issued_by) ON commands TO clinic_reader;
GRANT USAGE ON SEQUENCE commands_id_seq TO clinic_reader;
