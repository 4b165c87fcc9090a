-- Security additions (electron/auth, electron/db/backup.ts).

-- When an operator's PIN was last set or changed (shown to the admin; NULL for operators
-- created before this migration).
ALTER TABLE operators ADD COLUMN pin_changed_at TEXT;

-- Every backup made (scheduled, manual, or the copy taken before a restore), so rotation
-- and the admin screen know what exists without trusting the folder's listing alone.
CREATE TABLE backups (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,               -- ISO time the copy was taken
  file       TEXT NOT NULL,               -- absolute path of the copy
  bytes      INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('scheduled', 'manual')),
  removed_at TEXT                         -- set when rotation deleted the file
);
CREATE INDEX backups_at ON backups (at);
