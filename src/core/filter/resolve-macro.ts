/** Datetime macros (API spec 3.5), computed in UTC when the filter is compiled. */
import { formatDateTime } from '../fields/datetime.js';
import { literal, type Literal } from './operand.js';

export function resolveMacro(name: string, now = new Date()): Literal | undefined {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  const at = (...parts: [number, number, number, number?, number?, number?, number?]) => literal(formatDateTime(new Date(Date.UTC(...parts))));
  switch (name) {
    case '@now': return literal(formatDateTime(now));
    case '@yesterday': return literal(formatDateTime(new Date(now.getTime() - 86_400_000)));
    case '@tomorrow': return literal(formatDateTime(new Date(now.getTime() + 86_400_000)));
    case '@todayStart': return at(y, m, d);
    case '@todayEnd': return at(y, m, d, 23, 59, 59, 999);
    case '@monthStart': return at(y, m, 1);
    case '@monthEnd': return at(y, m + 1, 0, 23, 59, 59, 999);
    case '@yearStart': return at(y, 0, 1);
    case '@yearEnd': return at(y, 11, 31, 23, 59, 59, 999);
    case '@second': return literal(now.getUTCSeconds());
    case '@minute': return literal(now.getUTCMinutes());
    case '@hour': return literal(now.getUTCHours());
    case '@day': return literal(d);
    case '@month': return literal(m + 1);
    case '@weekday': return literal(now.getUTCDay());
    case '@year': return literal(y);
  }
  return undefined;
}
