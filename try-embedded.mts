import { startEmbeddedCluster } from './src/central/db/embedded-cluster.ts';
import { silentLogger } from './src/common/logger.ts';
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const c = await startEmbeddedCluster(process.argv[2]!, silentLogger);
  const t1 = performance.now();
  await c.stop();
  console.log('start', Math.round(t1 - t0), 'stop', Math.round(performance.now() - t1));
}
