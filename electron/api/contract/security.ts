// Security calls. (Filled by the security work.)
export const securityCalls = {};
