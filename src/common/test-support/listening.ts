/** Waits for a child program to print "listening on http://…" and returns that URL; rejects if it exits first. */
import type { ChildProcess } from 'node:child_process';

export function waitForListening(child: ChildProcess, what: string): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`${what} exited before it was ready: ${stderr}`)));
  });
}
