-- outbox_person (psn_no, id) served per-person upload order before the heads table (0009);
-- since then nothing reads it (the heads triggers use the partial outbox_open_person), yet every
-- settlement still wrote a page of it. One index fewer: one WAL page fewer per settle.
DROP INDEX IF EXISTS outbox_person;
