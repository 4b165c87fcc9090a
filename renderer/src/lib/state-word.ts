// One word for one state (issue 13), the same in today's list and the settled panel: a self-pay
// settlement is 自费 (never 已确认: the center never saw it), one the center has not answered
// yet while online is 待中心确认, the rest by their state. Returns the words' catalogue key and
// the badge's class.
import type { MessageKey } from '../i18n';
import type { SettlementState } from '../../../electron/api/contract/settlement';

export interface StateOf {
  state: SettlementState;
  selfPay: boolean;
  online: boolean;
}

export function settlementStateWord(s: StateOf): { key: MessageKey; badge: string } {
  if (s.selfPay && s.state === 'confirmed') return { key: 'state.self_pay', badge: 'self_pay' };
  if (s.state === 'provisional' && s.online) return { key: 'state.uploading', badge: s.state };
  return { key: `state.${s.state}` satisfies MessageKey, badge: s.state };
}
