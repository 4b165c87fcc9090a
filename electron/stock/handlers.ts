// Handlers of the stock calls (issue 17, docs/STOCK.md): one-line calls into the stock part.
import type { stockCalls } from '../api/contract/stock';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';

function operatorId(session: Session): string {
  if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
  return session.operator.id;
}

export const stockHandlers: HandlersFor<typeof stockCalls> = {
  'stock.list': ({ query, expiringOnly }, { app }) => app.stock.store.list({ query, expiringOnly }),
  'stock.purchase': (input, { app, session }) => app.stock.purchase(input, operatorId(session)),
  'stock.purchaseReturn': (input, { app, session }) => app.stock.purchaseReturn(input, operatorId(session)),
  'stock.adjust': (input, { app, session }) => app.stock.adjust(input, operatorId(session)),
  'stock.inventory': (input, { app, session }) => app.stock.inventory(input, operatorId(session)),
  'stock.movements': (input, { app }) => app.stock.store.movements(input),
  'stock.unsent': (_input, { app }) => app.stock.unsent(),
  'stock.upload': (_input, { app }) => app.stock.upload(),
};
