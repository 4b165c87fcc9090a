-- The clinic stream (electron/clinic/stream-store.ts): which records changed since they were
-- last written to the clinic's PostgreSQL. A trigger on each streamed table adds a marker
-- (kind, record id) in the same transaction as the change, so no writer can forget one and a
-- crash never separates a change from its marker. The streamer reads a record's current state
-- when it sends it and deletes the markers it has sent once PostgreSQL committed them; a
-- marker's seq is the record's version there (later states overwrite earlier ones, never the
-- other way round). Markers are kept only while the stream is enabled (clinicDatabaseUrl set).

CREATE TABLE clinic_stream_state (
  k          INTEGER PRIMARY KEY CHECK (k = 1),
  enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  changed_at TEXT NOT NULL
) STRICT;
INSERT INTO clinic_stream_state (k, enabled, changed_at) VALUES (1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE clinic_stream (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  kind      TEXT NOT NULL CHECK (kind IN ('settlement', 'adjustment', 'notice', 'shift', 'cash_movement', 'shift_correction', 'worklist_action', 'audit')),
  record_id TEXT NOT NULL,
  at        TEXT NOT NULL   -- real time the change was committed (the lag shown in the status bar)
) STRICT;

-- Supervisors' commands from the clinic applied here, each once (electron/clinic/commands.ts).
CREATE TABLE clinic_commands_applied (
  command_id INTEGER PRIMARY KEY,
  action     TEXT NOT NULL,
  settlement_id TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('applied', 'refused')),
  code       TEXT,
  message    TEXT,
  applied_at TEXT NOT NULL,
  acked_at   TEXT
) STRICT;

CREATE TRIGGER clinic_mark_settlement_ins AFTER INSERT ON settlements WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('settlement', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_settlement_upd AFTER UPDATE ON settlements WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('settlement', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;

-- A settlement's center-agreed amounts and receivable live in these tables: their changes are
-- changes of the settlement's consolidated row.
CREATE TRIGGER clinic_mark_adjustment_ins AFTER INSERT ON adjustments WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN
  INSERT INTO clinic_stream (kind, record_id, at) VALUES ('adjustment', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  INSERT INTO clinic_stream (kind, record_id, at) VALUES ('settlement', NEW.settlement_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER clinic_mark_adjustment_upd AFTER UPDATE ON adjustments WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('adjustment', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_receivable_ins AFTER INSERT ON receivables WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('settlement', NEW.settlement_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_receivable_upd AFTER UPDATE ON receivables WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('settlement', NEW.settlement_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_receivable_del AFTER DELETE ON receivables WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('settlement', OLD.settlement_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;

CREATE TRIGGER clinic_mark_notice_ins AFTER INSERT ON center_notices WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('notice', NEW.notice_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_notice_upd AFTER UPDATE ON center_notices WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('notice', NEW.notice_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;

CREATE TRIGGER clinic_mark_shift_ins AFTER INSERT ON shifts WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('shift', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_shift_upd AFTER UPDATE ON shifts WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('shift', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_cash_movement AFTER INSERT ON cash_movements WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('cash_movement', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_shift_correction AFTER INSERT ON shift_corrections WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('shift_correction', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER clinic_mark_worklist_action AFTER INSERT ON worklist_actions WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN
  INSERT INTO clinic_stream (kind, record_id, at) VALUES ('worklist_action', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  INSERT INTO clinic_stream (kind, record_id, at) VALUES ('settlement', NEW.settlement_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER clinic_mark_audit AFTER INSERT ON audit_log WHEN (SELECT enabled FROM clinic_stream_state) = 1
BEGIN INSERT INTO clinic_stream (kind, record_id, at) VALUES ('audit', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
