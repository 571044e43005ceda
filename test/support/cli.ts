/**
 * Runs the built `galley` CLI (dist/cli/main.js) as child processes. Every process
 * started here is tracked and can be killed by PID with killStarted().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** GALLEY_TEST_CLI: another build of the CLI to run (e.g. a private copy of the bundle while others rebuild dist/). */
export const CLI = process.env.GALLEY_TEST_CLI ?? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const started = new Set<ChildProcess>();

/** The environment without GALLEY_* settings, so only the given flags count. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('GALLEY_')) delete env[key];
  return env;
}

function launch(args: string[], cli = CLI): ChildProcess {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`);
  const child = spawn(process.execPath, [cli, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

function collect(child: ChildProcess): { out: () => string; err: () => string; done: Promise<CliResult> } {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const done = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { out: () => stdout, err: () => stderr, done };
}

/** Runs `galley <args>` to completion (killed after timeoutMs); cli: another build's dist/cli/main.js. */
export async function runCli(args: string[], timeoutMs = 20_000, cli = CLI): Promise<CliResult> {
  const child = launch(args, cli);
  const { done } = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

export interface ServeProcess {
  child: ChildProcess;
  /** The base URL printed by `serve`. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<CliResult>;
}

/** Starts `galley serve <args>` and waits until it prints its URL. */
export async function startServe(args: string[], timeoutMs = 20_000, cli = CLI): Promise<ServeProcess> {
  const child = launch(['serve', ...args], cli);
  const io = collect(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time; stderr: ${io.err()}`)), timeoutMs);
    const check = () => {
      const m = /Server started at (http:\/\/\S+)/.exec(io.out());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void io.done.then((r) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${r.code}: ${r.stderr}`));
    });
  });
  return { child, url, stdout: io.out, stderr: io.err, exited: io.done };
}

/** Kills (by PID) every CLI process started here that is still running. */
export function killStarted(): void {
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }
  started.clear();
}

/** The non-empty lines of a text. */
export const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
