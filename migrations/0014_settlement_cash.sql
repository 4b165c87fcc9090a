-- The cash side of a settlement at the window (issue 13), owned by electron/settlement:
--   self_pay               1 = settled as 自费: the patient paid the whole bill in cash, nothing
--                          was sent to the center (no outbox row), the fund paid nothing.
--   cash_received          fen the patient handed over, typed in the confirm step (NULL for rows
--                          settled before this column, by the CLI or the HIS without a window,
--                          and for refund rows).
--   change_given           fen handed back: cash_received − cash_pay (NULL when cash_received is).
--   account_balance_before the personal account's balance the split started from (fen; NULL for
--                          self-pay and old rows); the balance after is this minus account_pay.
ALTER TABLE settlements ADD COLUMN self_pay INTEGER NOT NULL DEFAULT 0 CHECK (self_pay IN (0, 1));
ALTER TABLE settlements ADD COLUMN cash_received INTEGER;
ALTER TABLE settlements ADD COLUMN change_given INTEGER;
ALTER TABLE settlements ADD COLUMN account_balance_before INTEGER;

-- The per-day offline limit guards money the fund may not pay: a self-pay settlement made while
-- the center is offline puts nothing at risk, so it is left out of the day's offline total.
DROP TRIGGER offline_day_totals_insert;
DROP TRIGGER offline_day_totals_update;

CREATE TRIGGER offline_day_totals_insert AFTER INSERT ON settlements
WHEN NEW.online = 0 AND NEW.refund_of IS NULL AND NEW.self_pay = 0
BEGIN
  INSERT INTO offline_day_totals (day, total) VALUES (NEW.created_day, NEW.total)
    ON CONFLICT (day) DO UPDATE SET total = total + excluded.total;
END;

CREATE TRIGGER offline_day_totals_update AFTER UPDATE OF created_day, online, refund_of, total, self_pay ON settlements
BEGIN
  UPDATE offline_day_totals SET total = total - OLD.total
    WHERE day = OLD.created_day AND OLD.online = 0 AND OLD.refund_of IS NULL AND OLD.self_pay = 0;
  INSERT INTO offline_day_totals (day, total)
    SELECT NEW.created_day, NEW.total WHERE NEW.online = 0 AND NEW.refund_of IS NULL AND NEW.self_pay = 0
    ON CONFLICT (day) DO UPDATE SET total = total + excluded.total;
END;
