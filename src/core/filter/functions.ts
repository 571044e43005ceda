/** Filter functions (API spec 3.5): geoDistance and strftime. */
import type { Operand as AstOperand } from './ast.js';
import { FilterError } from './filter-error.js';
import { sqlAs, type Operand } from './operand.js';
import type { CompileContext } from './compile-context.js';

type Resolve = (node: AstOperand) => Operand;

export function resolveFunction(node: Extract<AstOperand, { kind: 'func' }>, resolve: Resolve, ctx: CompileContext): Operand {
  switch (node.name) {
    case 'geoDistance': return geoDistance(node, resolve, ctx);
    case 'strftime': return strftime(node, resolve, ctx);
  }
  throw new FilterError(`unknown function "${node.name}" at position ${node.pos}`, node.pos);
}

function numberArg(o: Operand, ctx: CompileContext): string {
  if (o.kind === 'literal') {
    const n = typeof o.value === 'number' ? o.value : Number(o.value);
    return Number.isFinite(n) ? ctx.params.add(n, 'number') : 'NULL';
  }
  return o.type === 'json' && ctx.dialect === 'sqlite' ? o.sql : sqlAs(o, 'number', ctx.dialect);
}

/** Haversine distance in km between two lon/lat points. */
function geoDistance(node: Extract<AstOperand, { kind: 'func' }>, resolve: Resolve, ctx: CompileContext): Operand {
  if (node.args.length !== 4) throw new FilterError(`geoDistance() takes 4 arguments (lonA, latA, lonB, latB) at position ${node.pos}`, node.pos);
  const [lonA, latA, lonB, latB] = node.args.map((a) => numberArg(resolve(a), ctx));
  const clampHigh = ctx.dialect === 'sqlite' ? 'MIN' : 'LEAST';
  const clampLow = ctx.dialect === 'sqlite' ? 'MAX' : 'GREATEST';
  const cosine = `cos(radians(${latA})) * cos(radians(${latB})) * cos(radians(${lonB}) - radians(${lonA})) + sin(radians(${latA})) * sin(radians(${latB}))`;
  return { kind: 'sql', sql: `(6371 * acos(${clampLow}(-1, ${clampHigh}(1, ${cosine}))))`, type: 'number', multi: false, plain: true };
}

/** SQLite strftime codes and their PostgreSQL to_char equivalents. */
const PG_FORMAT: Record<string, string> = {
  '%Y': 'YYYY', '%m': 'MM', '%d': 'DD', '%H': 'HH24', '%M': 'MI', '%S': 'SS', '%f': 'SS.MS',
  '%j': 'DDD', '%w': 'D', '%W': 'W', '%s': 'EPOCH', '%%': '%',
};

function strftime(node: Extract<AstOperand, { kind: 'func' }>, resolve: Resolve, ctx: CompileContext): Operand {
  if (node.args.length < 1 || node.args.length > 10) throw new FilterError(`strftime() takes 1 to 10 arguments at position ${node.pos}`, node.pos);
  const [formatNode, timeNode, ...modifierNodes] = node.args;
  if (formatNode!.kind !== 'text') throw new FilterError(`the strftime() format must be a text literal (position ${node.pos})`, node.pos);
  for (const m of modifierNodes) if (m.kind !== 'text') throw new FilterError(`strftime() modifiers must be text literals (position ${node.pos})`, node.pos);
  const time = timeNode ? resolve(timeNode) : undefined;
  const format = formatNode!.value;
  const multi = time?.kind === 'sql' && time.multi;
  if (ctx.dialect === 'sqlite') {
    const args = [ctx.params.add(format)];
    if (time) args.push(time.kind === 'literal' ? ctx.params.add(time.value === null ? null : String(time.value)) : time.sql);
    for (const m of modifierNodes) args.push(ctx.params.add((m as { value: string }).value));
    return { kind: 'sql', sql: `COALESCE(strftime(${args.join(', ')}), '')`, type: 'text', multi };
  }
  if (modifierNodes.length) throw new FilterError(`strftime() modifiers are not supported on PostgreSQL (position ${node.pos})`, node.pos);
  const value = !time ? 'now()' : time.kind === 'literal' ? `${ctx.params.add(String(time.value ?? ''))}` : sqlAs(time, 'text', ctx.dialect);
  const ts = !time ? value : `(CASE WHEN ${value} ~ '^\\d{4}-\\d{2}-\\d{2}' THEN (replace(${value}, 'Z', '') || '+00')::timestamptz END)`;
  const parts = format.split(/(%.)/).filter(Boolean).map((part) => {
    if (!part.startsWith('%')) return ctx.params.add(part);
    const code = PG_FORMAT[part];
    if (!code) throw new FilterError(`strftime() format "${part}" is not supported on PostgreSQL (position ${node.pos})`, node.pos);
    if (code === 'EPOCH') return `floor(extract(epoch from ${ts}))::bigint::text`;
    if (code === '%') return ctx.params.add('%');
    if (code === 'D') return `(extract(dow from ${ts} AT TIME ZONE 'UTC'))::int::text`;
    // SQLite's %W counts Monday-started weeks, 00 before the year's first Monday (to_char's WW does not).
    if (code === 'W') {
      const t = `(${ts} AT TIME ZONE 'UTC')`;
      return `lpad(((extract(doy from ${t})::int + 6 - (extract(isodow from ${t})::int - 1)) / 7)::text, 2, '0')`;
    }
    return `to_char(${ts} AT TIME ZONE 'UTC', '${code}')`;
  });
  return { kind: 'sql', sql: `COALESCE(${parts.join(' || ')}, '')`, type: 'text', multi };
}
