-- Money columns refuse anything but whole fen (issue 15). A plain INTEGER column stores 12.5 as
-- a REAL without a word; every amount in this database is integer fen (electron/api/money.ts).
-- SQLite cannot add a CHECK to an existing table, and rebuilding these tables (create, copy,
-- drop, rename) would need foreign keys switched off, which cannot be done inside the
-- migration's transaction (settlements is referenced by the outbox, lines, adjustments...). So
-- the same rule is kept by triggers: an INSERT, or an UPDATE of a money column, whose amount is
-- not an integer (NULL stays allowed where the column allows it) is aborted with
-- MONEY_NOT_INTEGER. test/integration/db/money-integers.test.ts tries 12.5 in each column.

CREATE TRIGGER settlements_money_insert BEFORE INSERT ON settlements
WHEN typeof(NEW.total) NOT IN ('integer', 'null')
   OR typeof(NEW.full_own_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.over_limit_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.pre_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.eligible) NOT IN ('integer', 'null')
   OR typeof(NEW.deductible) NOT IN ('integer', 'null')
   OR typeof(NEW.fund_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.co_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.over_cap_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.critical_illness_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.personal_total) NOT IN ('integer', 'null')
   OR typeof(NEW.account_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.cash_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.cash_received) NOT IN ('integer', 'null')
   OR typeof(NEW.change_given) NOT IN ('integer', 'null')
   OR typeof(NEW.account_balance_before) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: settlements: an amount is not whole fen'); END;
CREATE TRIGGER settlements_money_update BEFORE UPDATE OF total, full_own_pay, over_limit_self_pay, pre_self_pay, eligible, deductible, fund_pay, co_pay, over_cap_self_pay, critical_illness_pay, personal_total, account_pay, cash_pay, cash_received, change_given, account_balance_before ON settlements
WHEN typeof(NEW.total) NOT IN ('integer', 'null')
   OR typeof(NEW.full_own_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.over_limit_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.pre_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.eligible) NOT IN ('integer', 'null')
   OR typeof(NEW.deductible) NOT IN ('integer', 'null')
   OR typeof(NEW.fund_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.co_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.over_cap_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.critical_illness_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.personal_total) NOT IN ('integer', 'null')
   OR typeof(NEW.account_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.cash_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.cash_received) NOT IN ('integer', 'null')
   OR typeof(NEW.change_given) NOT IN ('integer', 'null')
   OR typeof(NEW.account_balance_before) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: settlements: an amount is not whole fen'); END;

CREATE TRIGGER settlement_lines_money_insert BEFORE INSERT ON settlement_lines
WHEN typeof(NEW.amount) NOT IN ('integer', 'null')
   OR typeof(NEW.full_own_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.over_limit_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.pre_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.eligible) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: settlement_lines: an amount is not whole fen'); END;
CREATE TRIGGER settlement_lines_money_update BEFORE UPDATE OF amount, full_own_pay, over_limit_self_pay, pre_self_pay, eligible ON settlement_lines
WHEN typeof(NEW.amount) NOT IN ('integer', 'null')
   OR typeof(NEW.full_own_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.over_limit_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.pre_self_pay) NOT IN ('integer', 'null')
   OR typeof(NEW.eligible) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: settlement_lines: an amount is not whole fen'); END;

CREATE TRIGGER adjustments_money_insert BEFORE INSERT ON adjustments
WHEN typeof(NEW.local_amount) NOT IN ('integer', 'null')
   OR typeof(NEW.center_amount) NOT IN ('integer', 'null')
   OR typeof(NEW.difference) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: adjustments: an amount is not whole fen'); END;
CREATE TRIGGER adjustments_money_update BEFORE UPDATE OF local_amount, center_amount, difference ON adjustments
WHEN typeof(NEW.local_amount) NOT IN ('integer', 'null')
   OR typeof(NEW.center_amount) NOT IN ('integer', 'null')
   OR typeof(NEW.difference) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: adjustments: an amount is not whole fen'); END;

CREATE TRIGGER offline_day_totals_money_insert BEFORE INSERT ON offline_day_totals
WHEN typeof(NEW.total) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: offline_day_totals: an amount is not whole fen'); END;
CREATE TRIGGER offline_day_totals_money_update BEFORE UPDATE OF total ON offline_day_totals
WHEN typeof(NEW.total) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: offline_day_totals: an amount is not whole fen'); END;

CREATE TRIGGER shifts_money_insert BEFORE INSERT ON shifts
WHEN typeof(NEW.opening_float) NOT IN ('integer', 'null')
   OR typeof(NEW.counted_cash) NOT IN ('integer', 'null')
   OR typeof(NEW.expected_cash) NOT IN ('integer', 'null')
   OR typeof(NEW.variance) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: shifts: an amount is not whole fen'); END;
CREATE TRIGGER shifts_money_update BEFORE UPDATE OF opening_float, counted_cash, expected_cash, variance ON shifts
WHEN typeof(NEW.opening_float) NOT IN ('integer', 'null')
   OR typeof(NEW.counted_cash) NOT IN ('integer', 'null')
   OR typeof(NEW.expected_cash) NOT IN ('integer', 'null')
   OR typeof(NEW.variance) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: shifts: an amount is not whole fen'); END;

CREATE TRIGGER cash_movements_money_insert BEFORE INSERT ON cash_movements
WHEN typeof(NEW.amount) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: cash_movements: an amount is not whole fen'); END;
CREATE TRIGGER cash_movements_money_update BEFORE UPDATE OF amount ON cash_movements
WHEN typeof(NEW.amount) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: cash_movements: an amount is not whole fen'); END;

CREATE TRIGGER shift_corrections_money_insert BEFORE INSERT ON shift_corrections
WHEN typeof(NEW.cash_delta) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: shift_corrections: an amount is not whole fen'); END;
CREATE TRIGGER shift_corrections_money_update BEFORE UPDATE OF cash_delta ON shift_corrections
WHEN typeof(NEW.cash_delta) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: shift_corrections: an amount is not whole fen'); END;

CREATE TRIGGER discrepancies_money_insert BEFORE INSERT ON discrepancies
WHEN typeof(NEW.local_total) NOT IN ('integer', 'null')
   OR typeof(NEW.local_fund) NOT IN ('integer', 'null')
   OR typeof(NEW.local_account) NOT IN ('integer', 'null')
   OR typeof(NEW.center_total) NOT IN ('integer', 'null')
   OR typeof(NEW.center_fund) NOT IN ('integer', 'null')
   OR typeof(NEW.center_account) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: discrepancies: an amount is not whole fen'); END;
CREATE TRIGGER discrepancies_money_update BEFORE UPDATE OF local_total, local_fund, local_account, center_total, center_fund, center_account ON discrepancies
WHEN typeof(NEW.local_total) NOT IN ('integer', 'null')
   OR typeof(NEW.local_fund) NOT IN ('integer', 'null')
   OR typeof(NEW.local_account) NOT IN ('integer', 'null')
   OR typeof(NEW.center_total) NOT IN ('integer', 'null')
   OR typeof(NEW.center_fund) NOT IN ('integer', 'null')
   OR typeof(NEW.center_account) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: discrepancies: an amount is not whole fen'); END;

CREATE TRIGGER center_notices_money_insert BEFORE INSERT ON center_notices
WHEN typeof(NEW.amount) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: center_notices: an amount is not whole fen'); END;
CREATE TRIGGER center_notices_money_update BEFORE UPDATE OF amount ON center_notices
WHEN typeof(NEW.amount) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: center_notices: an amount is not whole fen'); END;

CREATE TRIGGER receivables_money_insert BEFORE INSERT ON receivables
WHEN typeof(NEW.owed) NOT IN ('integer', 'null')
   OR typeof(NEW.paid) NOT IN ('integer', 'null')
   OR typeof(NEW.deducted) NOT IN ('integer', 'null')
   OR typeof(NEW.rejected) NOT IN ('integer', 'null')
   OR typeof(NEW.outstanding) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: receivables: an amount is not whole fen'); END;
CREATE TRIGGER receivables_money_update BEFORE UPDATE OF owed, paid, deducted, rejected, outstanding ON receivables
WHEN typeof(NEW.owed) NOT IN ('integer', 'null')
   OR typeof(NEW.paid) NOT IN ('integer', 'null')
   OR typeof(NEW.deducted) NOT IN ('integer', 'null')
   OR typeof(NEW.rejected) NOT IN ('integer', 'null')
   OR typeof(NEW.outstanding) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: receivables: an amount is not whole fen'); END;

CREATE TRIGGER receivable_days_money_insert BEFORE INSERT ON receivable_days
WHEN typeof(NEW.owed) NOT IN ('integer', 'null')
   OR typeof(NEW.paid) NOT IN ('integer', 'null')
   OR typeof(NEW.deducted) NOT IN ('integer', 'null')
   OR typeof(NEW.rejected) NOT IN ('integer', 'null')
   OR typeof(NEW.outstanding) NOT IN ('integer', 'null')
   OR typeof(NEW.open_amount) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: receivable_days: an amount is not whole fen'); END;
CREATE TRIGGER receivable_days_money_update BEFORE UPDATE OF owed, paid, deducted, rejected, outstanding, open_amount ON receivable_days
WHEN typeof(NEW.owed) NOT IN ('integer', 'null')
   OR typeof(NEW.paid) NOT IN ('integer', 'null')
   OR typeof(NEW.deducted) NOT IN ('integer', 'null')
   OR typeof(NEW.rejected) NOT IN ('integer', 'null')
   OR typeof(NEW.outstanding) NOT IN ('integer', 'null')
   OR typeof(NEW.open_amount) NOT IN ('integer', 'null')
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: receivable_days: an amount is not whole fen'); END;
