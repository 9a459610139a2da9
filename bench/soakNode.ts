/**
 * The child process of `npm run soak:devnet`: a devnet (startDevnet, automine) on the port and data directory
 * given in argv, that answers the parent's IPC message "memory" with its memory use after a forced full GC (run
 * it with --expose-gc). A separate process so the soak's signing and load do not count in the devnet's memory.
 * @module
 */
import { readFileSync } from 'node:fs';
import { startDevnet } from '../devnet/index.js';

const [port, dataDir] = process.argv.slice(2);
const devnet = await startDevnet({
  port: Number(port),
  ...(dataDir === 'memory' ? { inMemory: true } : { dataDir }),
});
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Anonymous and file-backed resident memory in bytes (Linux `/proc/self/status`; NaN elsewhere): RSS counts the
 * pages of LevelDB's memory-mapped table files, which the kernel can drop at will, beside the process's own memory.
 */
function residentSplit(): { rssAnon: number; rssFile: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
  } catch {
    return { rssAnon: Number.NaN, rssFile: Number.NaN };
  }
}

process.on('message', (message) => {
  if (message !== 'memory') return;
  gc?.();
  const usage = process.memoryUsage();
  process.send?.({
    gc: gc !== undefined,
    rss: usage.rss,
    ...residentSplit(),
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
