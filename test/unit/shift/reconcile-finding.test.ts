// One 3202 line the center marks as different, matched to the local row it names (pure).
import { describe, expect, it } from 'vitest';
import { findingOf, type DetailRow } from '../../../electron/shift/reconcile-core';

const sale: DetailRow = { id: 'S1', center_setl_id: 'C1', refund_of: null, total: 10_000, fund: 6_000, account: 1_000 };
const refund: DetailRow = { id: 'R1', center_setl_id: 'C1-cancel', refund_of: 'S1', total: -10_000, fund: -6_000, account: -1_000 };
const byId = new Map([sale, refund].map((d) => [d.id, d]));
const byCenterId = new Map([sale, refund].map((d) => [d.center_setl_id!, d]));

describe('findingOf', () => {
  it("matches a refund's cancel line by the center's id, not by the original's medins_setl_id it names", () => {
    const f = findingOf({ stmt_rslt: '3', setl_id: 'C1-cancel', medins_setl_id: 'S1', center_medfee_sumamt: '-90.00', center_fund_pay_sumamt: '-60.00', center_acct_pay: '-10.00' }, '2026-12-01', byId, byCenterId);
    expect(f).toEqual({ kind: 'amount_differs', day: '2026-12-01', local: refund, settlementId: 'R1', centerSetlId: 'C1-cancel', center: { total: -9_000, fund: -6_000, account: -1_000 } });
  });

  it('only at the center: no local row even when its medins_setl_id is one of ours', () => {
    const f = findingOf({ stmt_rslt: '1', setl_id: 'C9', medins_setl_id: 'S1', medfee_sumamt: '5.00' }, '2026-12-01', byId, byCenterId);
    expect(f).toMatchObject({ kind: 'only_center', local: undefined, settlementId: 'S1', centerSetlId: 'C9', center: { total: 500, fund: 0, account: 0 } });
  });

  it('only local: matched by our id, no center figures', () => {
    const f = findingOf({ stmt_rslt: '2', medins_setl_id: 'S1', medfee_sumamt: '100.00' }, '2026-12-01', new Map([['S1', sale]]), new Map());
    expect(f).toMatchObject({ kind: 'only_local', local: sale, settlementId: 'S1', centerSetlId: 'C1', center: null });
  });
});
