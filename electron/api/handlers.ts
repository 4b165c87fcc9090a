// Every call's handler, gathered from the parts. `satisfies` makes a call without a
// handler a compile error.
import { systemHandlers } from '../app/handlers';
import { authHandlers } from '../auth/handlers';
import { policyHandlers } from '../policy/handlers';
import { mappingHandlers } from '../policy/mapping-handlers';
import { centerHandlers } from '../center/handlers';
import { settlementHandlers } from '../settlement/handlers';
import { deviceHandlers } from '../devices/handlers';
import { shiftHandlers } from '../shift/handlers';
import { clearingHandlers } from '../shift/clearing-handlers';
import { securityHandlers } from '../auth/security-handlers';
import { clinicHandlers } from '../clinic/handlers';
import { stockHandlers } from '../stock/handlers';
import { inpatientHandlers } from '../inpatient/handlers';
import type { contract } from './contract';
import type { HandlersFor } from './handler-types';

export const handlers = {
  ...systemHandlers,
  ...authHandlers,
  ...policyHandlers,
  ...mappingHandlers,
  ...centerHandlers,
  ...settlementHandlers,
  ...deviceHandlers,
  ...shiftHandlers,
  ...clearingHandlers,
  ...securityHandlers,
  ...clinicHandlers,
  ...stockHandlers,
  ...inpatientHandlers,
} satisfies HandlersFor<typeof contract>;
