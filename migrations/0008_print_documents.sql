-- Print jobs that are not a settlement's receipt: the shift report on the receipt printer.
-- For kind = 'document', settlement_id names the document (e.g. "shift-report:<shift id>")
-- and receipt_json holds {title, lines}; receipt previews and reprints look at receipts only.
ALTER TABLE print_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'receipt' CHECK (kind IN ('receipt', 'document'));
