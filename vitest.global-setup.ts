// Integration tests run the real `hcp` program from dist/: compile it once before any test file starts, so a
// test never runs stale code (incremental, so a second run takes a moment).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
