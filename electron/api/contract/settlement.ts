// Settlement calls. (Filled by the settlement work.)
export const settlementCalls = {};
