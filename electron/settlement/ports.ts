// What the settlement part needs from the parts built before it: each port is a Pick of the
// owning part's own type, so the journal's needs are written down and checked against the real
// parts, and a change in a part shows up here at compile time.
import type { CenterPart } from '../center/part';
import type { DevicesPart } from '../devices/part';
import type { PolicyPart } from '../policy/part';
import type { ShiftPart } from '../shift/part';

export type { PersonView } from '../api/contract/center';
export type { CenterOutcome } from '../center/wire/envelope';
export type { ReceiptData as ReceiptDataPort } from '../../native/escpos/receipt';

export type CenterPort = Pick<CenterPart, 'client' | 'isOnline' | 'onConnectivity' | 'lookupPerson' | 'national'>;
export type PolicyPort = Pick<PolicyPart, 'tableFor' | 'entry'>;
export type DevicesPort = Pick<DevicesPart, 'printReceipt' | 'queueReceipt' | 'releaseReceipt'>;
export type ShiftPort = Pick<ShiftPart, 'currentShiftId'>;
