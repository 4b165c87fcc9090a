-- The hospital window (issue 19), after 0026: a stay settlement's amounts are guarded on UPDATE
-- too (0026 guarded only the INSERT), and the stay queue is read per person (electron/outbox/
-- stay-queue.ts `due`: each person's earliest open step, across their stays) through an index
-- of the open steps by person, as the settlement outbox's outbox_open_person.
CREATE TRIGGER stay_settlements_money_update BEFORE UPDATE OF deposits, personal_cash, refund, collect, axis_start, axis_end ON stay_settlements
WHEN typeof(NEW.deposits) <> 'integer' OR typeof(NEW.personal_cash) <> 'integer' OR typeof(NEW.refund) <> 'integer'
   OR typeof(NEW.collect) <> 'integer' OR typeof(NEW.axis_start) <> 'integer' OR typeof(NEW.axis_end) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: stay_settlements: an amount is not whole fen'); END;

CREATE INDEX stay_outbox_open_person ON stay_outbox (psn_no, id) WHERE state IN ('queued', 'sent', 'unknown');
