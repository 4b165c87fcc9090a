// What demo mode loads of the sandbox, in one module so the app reaches it through one dynamic
// import (electron/center/demo-sandbox.ts) and the production bundle can leave it out.
export { startSandboxCenter } from './server';
export { parseFaults } from './faults';
