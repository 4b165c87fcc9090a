// Policy calls. (Filled by the policy work.)
export const policyCalls = {};
