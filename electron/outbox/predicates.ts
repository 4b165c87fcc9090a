// What the outbox knows about a settlement, as SQL conditions other modules put into their own
// queries over the settlements table (where a second query per row would cost too much: the
// reconciliation reads a day's journal, the base of a split reads a person's year). The outbox
// SQL stays here, beside its owner; callers pass the expression naming the settlement's id.

/**
 * The center took the settlement's 2207 upload or its 2208 cancel (confirmed or adjusted).
 * Offline rows still queued, uploads it rejected and settlements voided by 2601 are not its.
 */
export function centerTookSql(settlementId: string): string {
  return `EXISTS (SELECT 1 FROM outbox o WHERE o.settlement_id = ${settlementId}
   AND o.kind IN ('upload', 'cancel') AND o.state IN ('confirmed', 'adjusted'))`;
}

/** The center's setl_id from the settlement's confirmed 2208 answer (a refund row's id), else NULL. */
export function cancelSetlIdSql(settlementId: string): string {
  return `(SELECT json_extract(o.response, '$.output.setlinfo.setl_id') FROM outbox o
   WHERE o.settlement_id = ${settlementId} AND o.kind = 'cancel' AND o.state = 'confirmed' ORDER BY o.id DESC LIMIT 1)`;
}

/**
 * The settlement's 2207/2208 had not been taken by the center at the moment `at` names (an ISO
 * time: a parameter such as `:cachedAt`, or `?` by default): still open, or resolved after
 * that moment. Rejected and reversed messages never count.
 */
export function notTakenAtSql(settlementId: string, at = '?'): string {
  return `EXISTS (SELECT 1 FROM outbox o WHERE o.settlement_id = ${settlementId} AND o.kind IN ('upload', 'cancel')
   AND o.state NOT IN ('rejected', 'reversed') AND (o.resolved_at IS NULL OR o.resolved_at > ${at}))`;
}
