/**
 * The child process of `npm run soak:devnet`: a devnet (startDevnet, automine) on the port and data directory
 * given in argv, that answers the parent's IPC message "memory" with its memory use after a forced full GC (run
 * it with --expose-gc). A separate process so the soak's signing and load do not count in the devnet's memory.
 * @module
 */
import { startDevnet } from '../devnet/index.js';

const [port, dataDir] = process.argv.slice(2);
const devnet = await startDevnet({
  port: Number(port),
  ...(dataDir === 'memory' ? { inMemory: true } : { dataDir }),
});
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (message) => {
  if (message !== 'memory') return;
  gc?.();
  const usage = process.memoryUsage();
  process.send?.({
    gc: gc !== undefined,
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    height: devnet.chain.head.header.height.toString(),
  });
});
process.on('disconnect', () => {
  devnet.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
