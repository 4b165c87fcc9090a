-- Bill files the watched inbox refused (issue 14). The file itself is removed from the inbox:
-- what it held (names, ID numbers) is kept only here, inside the encrypted database, for the
-- supervisor to see (`bill refused --show ID`); the note left in inbox/rejected/ carries the code
-- and a reason without the file's content. Owned by electron/settlement/refused-files.ts.
CREATE TABLE refused_bill_files (
  id          INTEGER PRIMARY KEY,
  file        TEXT NOT NULL,                  -- the name it had in the inbox
  refused_at  TEXT NOT NULL,
  code        TEXT NOT NULL,                  -- BILL_INVALID, BILL_FILE_TOO_LARGE, BILL_FILE_SYMLINK ...
  message     TEXT NOT NULL,                  -- the reason, without the file's content
  sha256      TEXT,                           -- of the content, when it was read
  bytes       INTEGER,
  content     BLOB                            -- the file as it was (NULL when not read: a link, too large, not a file)
);
CREATE INDEX refused_bill_files_sha ON refused_bill_files (file, sha256);
