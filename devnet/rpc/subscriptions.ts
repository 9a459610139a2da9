/**
 * WebSocket subscriptions: `subscribe({ kind: 'blocks' })` or `subscribe({ kind: 'events', contract?, topic? })`
 * returns an id; each new block then sends `{ method: 'subscription', params: { subscription, result } }` to that
 * connection. Subscriptions end with `unsubscribe` or when the connection closes.
 * @module
 */
import type { Block } from '../block.js';
import type { Chain } from '../chain.js';
import { blockEventsToJson, blockToJson } from '../json.js';
import { type RpcContext, RpcParamsError } from './jsonRpc.js';
import { optionalBytesParam } from './params.js';

type Subscription = {
  id: string;
  connectionId: number;
  kind: 'blocks' | 'events';
  contract?: Uint8Array;
  topic?: Uint8Array;
  notify: (method: string, params: unknown) => void;
};

export class Subscriptions {
  readonly #byId = new Map<string, Subscription>();
  #next = 1;

  constructor(chain: Chain) {
    chain.on('block', (block) => this.#publish(block));
  }

  subscribe(params: Record<string, unknown>, context: RpcContext): { subscription: string } {
    if (context.connectionId === undefined || !context.notify) {
      throw new RpcParamsError('subscribe works over WebSocket only');
    }
    const kind = params.kind;
    if (kind !== 'blocks' && kind !== 'events') throw new RpcParamsError('param "kind" must be "blocks" or "events"');
    const id = `0x${(this.#next++).toString(16)}`;
    this.#byId.set(id, {
      id,
      connectionId: context.connectionId,
      kind,
      contract: optionalBytesParam(params, 'contract', 32),
      topic: optionalBytesParam(params, 'topic'),
      notify: context.notify,
    });
    return { subscription: id };
  }

  unsubscribe(id: string, context: RpcContext): boolean {
    const subscription = this.#byId.get(id);
    if (!subscription || subscription.connectionId !== context.connectionId) return false;
    return this.#byId.delete(id);
  }

  /** Ends every subscription of a closed connection. */
  dropConnection(connectionId: number): void {
    for (const [id, subscription] of this.#byId) if (subscription.connectionId === connectionId) this.#byId.delete(id);
  }

  get size(): number {
    return this.#byId.size;
  }

  #publish(block: Block): void {
    if (this.#byId.size === 0) return;
    const blockJson = blockToJson(block);
    for (const subscription of this.#byId.values()) {
      if (subscription.kind === 'blocks') {
        subscription.notify('subscription', { subscription: subscription.id, result: blockJson });
        continue;
      }
      for (const event of blockEventsToJson(block, subscription)) {
        subscription.notify('subscription', { subscription: subscription.id, result: event });
      }
    }
  }
}
