// Devices calls. (Filled by the device work.)
export const deviceCalls = {};
