/** The filter language's syntax tree (API spec 3.1). Positions are 0-based offsets into the source. */

export const OPERATORS = ['=', '!=', '>', '>=', '<', '<=', '~', '!~', '?=', '?!=', '?>', '?>=', '?<', '?<=', '?~', '?!~'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Operand =
  | { kind: 'ident'; name: string; pos: number }
  | { kind: 'text'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'func'; name: string; args: Operand[]; pos: number };

export interface Comparison {
  kind: 'cmp';
  left: Operand;
  op: Operator;
  right: Operand;
  pos: number;
}

export interface Logical {
  kind: 'and' | 'or';
  left: Expr;
  right: Expr;
}

/** A function standing alone as a condition: `search("words")`. */
export interface Call {
  kind: 'call';
  call: Extract<Operand, { kind: 'func' }>;
  pos: number;
}

export type Expr = Comparison | Logical | Call;
