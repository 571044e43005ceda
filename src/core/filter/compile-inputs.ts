/**
 * What a compilation takes from outside the schema and the source text: values of the
 * request (`@request.*`) and of the clock (date macros). Compiled SQL and parameters
 * are a function of the schema, the source and these values, so condition-cache.ts can
 * reuse a compilation for any request whose inputs, read in the same order, are equal.
 */
import type { CompileContext } from './compile-context.js';
import { readRequest, type RequestArea, type RequestData, type RequestRead } from './request-data.js';
import { resolveMacro } from './resolve-macro.js';
import type { Literal } from './operand.js';

export type Input = { area: RequestArea; path: readonly string[] } | { macro: string };

/** The inputs one compilation read, in order, with their values encoded. */
export class InputLog {
  readonly inputs: Input[] = [];
  private readonly values: string[] = [];

  record(input: Input, read: RequestRead): void {
    this.inputs.push(input);
    this.values.push(encode(read));
  }

  /** Equal keys for the same inputs mean equal values. */
  get key(): string {
    return this.values.join('');
  }
}

/** The key the given inputs have for another request (and the clock now). */
export function inputKey(inputs: readonly Input[], request: RequestData): string {
  let key = '';
  for (const input of inputs) key += encode(current(input, request));
  return key;
}

/** `@request.<area>.<path>`, recorded when the compilation keeps a log. */
export function requestInput(ctx: CompileContext, area: RequestArea, path: readonly string[]): RequestRead {
  const read = readRequest(ctx.request, area, path);
  ctx.inputs?.record({ area, path }, read);
  return read;
}

/** A date macro's value now, recorded when the compilation keeps a log. */
export function macroInput(ctx: CompileContext, name: string): Literal | undefined {
  const macro = resolveMacro(name);
  ctx.inputs?.record({ macro: name }, macroRead(macro));
  return macro;
}

function current(input: Input, request: RequestData): RequestRead {
  return 'macro' in input ? macroRead(resolveMacro(input.macro)) : readRequest(request, input.area, input.path);
}

function macroRead(macro: Literal | undefined): RequestRead {
  return macro ? { found: true, value: macro.value } : { found: false, value: undefined };
}

/** Length-prefixed, so that a sequence of encoded values has one reading. */
function encode({ found, value }: RequestRead): string {
  if (!found) return '-';
  const text = typeof value === 'string' ? `s${value}` : value === undefined ? 'u' : `j${JSON.stringify(value)}`;
  return `${text.length}:${text}`;
}
