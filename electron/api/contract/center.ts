// Center calls. (Filled by the center work.)
export const centerCalls = {};
