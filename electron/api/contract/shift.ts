// Shift calls. (Filled by the shift work.)
export const shiftCalls = {};
