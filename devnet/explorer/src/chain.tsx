/**
 * The live view of the chain shared by every page: the head and the latest blocks, loaded once and then kept up
 * to date by the node's `blocks` WebSocket subscription. `version` grows with every change, so pages that show
 * something else (a contract's storage, an account) reload when a block lands. `reload()` re-reads everything
 * (after a revert, which moves the head back without a new-block notice). Without a WebSocket it polls instead.
 * @module
 */
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import type { Block } from '../../client/browser.js';
import { client } from './node.js';

/** How many of the latest blocks the overview and the gas chart show. */
export const LATEST_BLOCKS = 24;

/** How often the page re-reads the chain when the node's WebSocket cannot be reached. */
const POLL_MS = 3000;

export type ChainView = {
  readonly blocks: readonly Block[];
  readonly head: Block | undefined;
  readonly live: boolean;
  readonly error: string | undefined;
  readonly version: number;
  reload(): void;
};

const ChainContext = createContext<ChainView>({
  blocks: [],
  head: undefined,
  live: false,
  error: undefined,
  version: 0,
  reload: () => undefined,
});

export const useChain = (): ChainView => useContext(ChainContext);

async function latestBlocks(): Promise<Block[]> {
  const head = await client.getHead();
  const heights: bigint[] = [];
  for (let h = head.height; h >= 0n && heights.length < LATEST_BLOCKS; h--) heights.push(h);
  const blocks = await Promise.all(heights.map((height) => client.getBlock({ height })));
  return blocks.filter((block): block is Block => block !== null);
}

export function ChainProvider({ children }: { children: ComponentChildren }) {
  const [blocks, setBlocks] = useState<readonly Block[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [version, setVersion] = useState(0);

  const reload = useCallback(() => {
    latestBlocks().then(
      (loaded) => {
        setBlocks(loaded);
        setError(undefined);
        setVersion((v) => v + 1);
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  useEffect(() => {
    reload();
    let closed = false;
    let subscription: { close(): Promise<void> } | undefined;
    let poller: ReturnType<typeof setInterval> | undefined;
    client
      .watchBlocks((block) => {
        setBlocks((current) => {
          // a block at or below the newest one we hold means the chain moved back (revert, reset): re-read it
          if (current.length > 0 && block.height <= current[0]!.height) {
            queueMicrotask(reload);
            return current;
          }
          return [block, ...current].slice(0, LATEST_BLOCKS);
        });
        setVersion((v) => v + 1);
      })
      .then(
        (opened) => {
          if (closed) opened.close();
          else {
            subscription = opened;
            setLive(true);
          }
        },
        () => {
          // no WebSocket to this node (a proxy that drops upgrades, say): poll for new blocks instead
          setLive(false);
          if (!closed) poller = setInterval(reload, POLL_MS);
        },
      );
    return () => {
      closed = true;
      subscription?.close();
      if (poller) clearInterval(poller);
    };
  }, [reload]);

  return (
    <ChainContext.Provider value={{ blocks, head: blocks[0], live, error, version, reload }}>
      {children}
    </ChainContext.Provider>
  );
}
