import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Node with the source-condition and TypeScript loader every workspace script runs with. */
export function spawnTypeScript(
  script: string,
  args: readonly string[],
  environment: Record<string, string> = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--conditions=meent-source', '--import', 'tsx', script, ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...environment },
  });
}

/**
 * Resolves with the first stdout line `match` accepts; rejects if the process ends first, or when no such line came
 * within `timeoutMs`, with what it wrote to stderr.
 */
export function waitForLine(
  child: ChildProcessWithoutNullStreams,
  match: (line: string) => boolean,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const stop = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onStderr);
      child.off('exit', onExit);
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const found = lines.find(match);
      if (found !== undefined) {
        stop();
        resolve(found);
      }
    };
    const onStderr = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    };
    const onExit = (code: number | null) => {
      stop();
      reject(new Error(`process exited (${code}) first: ${stderr}`));
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no awaited line on stdout within ${timeoutMs} ms; stderr: ${stderr.slice(-2_000)}`));
    }, timeoutMs);
    child.stdout.on('data', onData);
    child.stderr.on('data', onStderr);
    child.once('exit', onExit);
  });
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function finished(child: ChildProcessWithoutNullStreams): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function runTypeScript(
  script: string,
  args: readonly string[],
  environment: Record<string, string> = {},
): Promise<Finished> {
  return finished(spawnTypeScript(script, args, environment));
}
