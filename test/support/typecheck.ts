/**
 * Type-checks a few files with the TypeScript compiler API (strict, NodeNext) and
 * returns the diagnostics of those files only: the project's own files they import
 * are read for their types, not reported on (other work in progress stays out).
 */
import ts from 'typescript';

export interface Diagnostic {
  file: string;
  line: number;
  code: number;
  message: string;
}

export function typecheck(files: string[]): Diagnostic[] {
  const program = ts.createProgram(files, {
    strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, esModuleInterop: true,
  });
  const out: Diagnostic[] = [];
  for (const name of files) {
    const source = program.getSourceFile(name);
    if (!source) throw new Error(`${name} was not loaded`);
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1;
      out.push({ file: name, line, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') });
    }
  }
  return out;
}

/** The 1-based lines of a text that carry a marker comment. */
export const markedLines = (text: string, marker: string): number[] =>
  text.split('\n').flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
