// Runs once before any test file:
// - compiles the sources to dist/, because integration tests run the real `hcp` program (incremental, so quick),
//   and builds the screens into dist/renderer and the centre's console into dist/console for the browser tests;
// - starts one throwaway PostgreSQL cluster on a loopback port (the embedded server's binaries, or Debian's with
//   HCP_TEST_PG=debian); test files create their own databases in it.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { startPgCluster } from './src/central/test-support/pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    pgPort: number;
  }
}

/** The console as `npm run build` makes it: Vitest's NODE_ENV=test would give it React's development build. */
async function buildConsole(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: 'vite.console.config.ts', logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // The processes the tests start run from dist/, built as `npm run build` builds it (and fails as it would).
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The browser tests load the built screens from dist/renderer, and the centre's console from dist/console.
  await build({ logLevel: 'warn' });
  await buildConsole();
  const cluster = await startPgCluster();
  project.provide('pgUrl', cluster.url);
  project.provide('pgPort', cluster.port);
  return () => cluster.stop();
}
