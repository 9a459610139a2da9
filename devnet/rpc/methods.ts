/**
 * The JSON-RPC method table of the devnet (reference: docs/rpc.md). Each method reads its named params with
 * exact types, asks the chain, and answers in the devnet's JSON shapes (devnet/json.ts).
 * @module
 */
import { encodeProof, verifyProof } from '../../state/index.js';
import { type CallResult, readAccount, readCode } from '../../vm/index.js';
import type { Chain } from '../chain.js';
import { toHex } from '../codec.js';
import { DevnetError } from '../errors.js';
import { blockEventsToJson, blockToJson, receiptToJson, traceToJson, transactionToJson } from '../json.js';
import { impersonatedTransaction, signTransaction, type UnsignedTransaction } from '../transaction.js';
import type { RpcContext, RpcMethods } from './jsonRpc.js';
import { RpcParamsError } from './jsonRpc.js';
import {
  bigintParam,
  booleanParam,
  bytesParam,
  optionalBigintParam,
  optionalBooleanParam,
  optionalBytesParam,
  stringParam,
  transientBytesParam,
  U64_MAX,
} from './params.js';
import type { Subscriptions } from './subscriptions.js';

const DEFAULT_GAS_LIMIT = 100_000_000n;
const INTERFACE_SECTION = 'gasket:interface';

/** The params of contract_call and contract_traceCall. */
function readOnlyCall(params: Record<string, unknown>) {
  return {
    contract: bytesParam(params, 'contract', 32),
    method: stringParam(params, 'method'),
    args: optionalBytesParam(params, 'args') ?? new Uint8Array(0),
    from: optionalBytesParam(params, 'from', 32),
    gasLimit: optionalBigintParam(params, 'gasLimit', U64_MAX >> 1n),
  };
}

function callResultToJson(result: CallResult) {
  return {
    status: result.status,
    gasUsed: result.gasUsed.toString(),
    returnData: toHex(result.returnData),
    error: result.error ?? null,
  };
}

export function createMethods(chain: Chain, subscriptions: Subscriptions): RpcMethods {
  const blockAt = (params: Record<string, unknown>) => {
    if (params.hash !== undefined) return chain.getBlockByHash(bytesParam(params, 'hash', 32));
    if (params.height !== undefined) return chain.getBlock(bigintParam(params, 'height', U64_MAX));
    return chain.head;
  };
  const located = (hash: Uint8Array) => chain.findTransaction(hash);

  const methods: Record<string, (params: Record<string, unknown>, context: RpcContext) => unknown> = {
    chain_id: () => ({ chainId: chain.config.chainId.toString() }),
    chain_head: () => blockToJson(chain.head),
    chain_getBlock: (params) => {
      const block = blockAt(params);
      return block ? blockToJson(block, optionalBooleanParam(params, 'full') ?? false) : null;
    },
    tx_send: async (params) => {
      const tx = await chain.submit(transientBytesParam(params, 'raw'));
      return { hash: toHex(tx.hash) };
    },
    tx_get: (params) => {
      const found = located(bytesParam(params, 'hash', 32));
      if (!found) return null;
      return {
        ...transactionToJson(found.tx),
        blockHeight: found.location ? found.location.height.toString() : null,
        index: found.location?.index ?? null,
      };
    },
    tx_getReceipt: (params) => {
      const found = located(bytesParam(params, 'hash', 32));
      if (!found?.receipt || !found.location) return null;
      const block = chain.getBlock(found.location.height)!;
      return receiptToJson(found.receipt, { height: block.header.height, hash: block.hash }, found.location.index);
    },
    tx_trace: (params) => {
      const traced = chain.traceTransaction(bytesParam(params, 'hash', 32));
      if (!traced) return null;
      return { receipt: receiptToJson(traced.receipt), trace: traced.trace ? traceToJson(traced.trace) : null };
    },
    tx_estimateGas: async (params) => {
      const estimate = await chain.estimateGas(transientBytesParam(params, 'raw'));
      return { gasUsed: estimate.gasUsed.toString(), status: estimate.status, error: estimate.error ?? null };
    },
    account_get: (params) => {
      const account = readAccount(chain.state, bytesParam(params, 'address', 32));
      return {
        balance: account.balance.toString(),
        nonce: account.nonce.toString(),
        codeHash: account.codeHash ? toHex(account.codeHash) : null,
      };
    },
    contract_call: (params) => {
      const result = chain.call(readOnlyCall(params));
      return { ...callResultToJson(result), logs: result.logs.map((log) => log.message) };
    },
    contract_traceCall: (params) => {
      const result = chain.call({ ...readOnlyCall(params), trace: true });
      return { ...callResultToJson(result), trace: result.trace ? traceToJson(result.trace) : null };
    },
    contract_getInterface: (params) => {
      const address = bytesParam(params, 'contract', 32);
      const account = readAccount(chain.state, address);
      if (!account.codeHash) throw new DevnetError('NO_CONTRACT', `no contract at ${toHex(address)}`);
      const code = readCode(chain.state, account.codeHash)!;
      const sections = WebAssembly.Module.customSections(new WebAssembly.Module(code), INTERFACE_SECTION);
      if (sections.length === 0) return null;
      const bytes = new Uint8Array(sections[0]!);
      let decoded: unknown = null;
      try {
        decoded = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        decoded = null;
      }
      return { raw: toHex(bytes), interface: decoded };
    },
    state_get: (params) => {
      const value = chain.state.get(bytesParam(params, 'key'));
      return value ? toHex(value) : null;
    },
    state_getProof: (params) => {
      const key = bytesParam(params, 'key');
      const height = optionalBigintParam(params, 'height', U64_MAX) ?? chain.head.header.height;
      const block = chain.getBlock(height);
      if (!block) throw new DevnetError('NOT_FOUND', `no block at height ${height}`);
      const proof = chain.state.prove(key, height + 1n);
      const value = chain.state.getAt(key, height + 1n);
      return {
        height: height.toString(),
        root: toHex(block.header.stateRoot),
        key: toHex(key),
        value: value ? toHex(value) : null,
        proof: toHex(encodeProof(proof)),
        verified: verifyProof(block.header.stateRoot, key, value ?? null, proof),
      };
    },
    events_query: (params) => {
      const head = chain.head.header.height;
      const from = optionalBigintParam(params, 'fromHeight', U64_MAX) ?? 0n;
      const to = optionalBigintParam(params, 'toHeight', U64_MAX) ?? head;
      if (to < from) throw new RpcParamsError('toHeight must not be below fromHeight');
      if (to - from > 10_000n) throw new RpcParamsError('query at most 10,000 blocks at a time');
      const contract = optionalBytesParam(params, 'contract', 32);
      const topic = optionalBytesParam(params, 'topic');
      const events = [];
      for (let height = from; height <= to && height <= head; height++) {
        events.push(...blockEventsToJson(chain.getBlock(height)!, { contract, topic }));
      }
      return events;
    },
    subscribe: (params, context) => subscriptions.subscribe(params, context),
    unsubscribe: (params, context) => subscriptions.unsubscribe(stringParam(params, 'subscription'), context),

    dev_accounts: () =>
      chain.devAccounts.map((account, index) => ({
        index,
        address: toHex(account.address),
        publicKey: toHex(account.publicKey),
        secretKey: toHex(account.secretKey),
        balance: readAccount(chain.state, account.address).balance.toString(),
      })),
    dev_sendUnsigned: async (params) => {
      const fromParam = params.from;
      const account =
        typeof fromParam === 'number'
          ? chain.devAccounts[fromParam]
          : chain.devAccounts.find((a) => toHex(a.address) === String(fromParam).toLowerCase());
      const impersonated =
        account === undefined && typeof fromParam === 'string' && /^0x[0-9a-fA-F]{64}$/.test(fromParam)
          ? bytesParam(params, 'from', 32)
          : undefined;
      if (!account && !(impersonated && chain.isImpersonated(impersonated))) {
        throw new RpcParamsError('param "from" must be a dev account index or address, or an impersonated address');
      }
      const sender = account?.address ?? impersonated!;
      const kind = stringParam(params, 'kind');
      const common = {
        chainId: chain.config.chainId,
        nonce: readAccount(chain.state, sender).nonce + BigInt(chain.pendingCount(sender)),
        gasLimit: optionalBigintParam(params, 'gasLimit', U64_MAX) ?? DEFAULT_GAS_LIMIT,
        gasPrice: optionalBigintParam(params, 'gasPrice') ?? 1n,
        value: optionalBigintParam(params, 'value') ?? 0n,
      };
      let unsigned: UnsignedTransaction;
      if (kind === 'transfer') unsigned = { ...common, kind, to: bytesParam(params, 'to', 32) };
      else if (kind === 'deploy')
        unsigned = {
          ...common,
          kind,
          code: bytesParam(params, 'code'),
          args: optionalBytesParam(params, 'args') ?? new Uint8Array(0),
        };
      else if (kind === 'call') {
        unsigned = {
          ...common,
          kind,
          to: bytesParam(params, 'to', 32),
          method: stringParam(params, 'method'),
          args: optionalBytesParam(params, 'args') ?? new Uint8Array(0),
        };
      } else throw new RpcParamsError('param "kind" must be "transfer", "deploy" or "call"');
      const tx = account
        ? await chain.submit(signTransaction(unsigned, account.secretKey, account.publicKey).raw)
        : await chain.submitImpersonated(impersonatedTransaction(unsigned, sender));
      return { hash: toHex(tx.hash) };
    },
    dev_impersonate: (params) => {
      chain.impersonate(bytesParam(params, 'address', 32));
      return true;
    },
    dev_stopImpersonating: (params) => {
      chain.stopImpersonating(bytesParam(params, 'address', 32));
      return true;
    },
    dev_setCode: async (params) => {
      const codeHash = await chain.setCode(bytesParam(params, 'address', 32), bytesParam(params, 'code'));
      return { codeHash: toHex(codeHash) };
    },
    dev_setStorage: async (params) => {
      const contract = bytesParam(params, 'contract', 32);
      const key = bytesParam(params, 'key');
      const value = params.value === null ? null : bytesParam(params, 'value');
      await chain.setStorage(contract, key, value);
      return true;
    },
    dev_setNonce: async (params) => {
      await chain.setNonce(bytesParam(params, 'address', 32), bigintParam(params, 'nonce', U64_MAX));
      return true;
    },
    dev_dumpState: async () => ({ state: toHex(await chain.dumpState()) }),
    dev_loadState: async (params) => blockToJson(await chain.loadState(bytesParam(params, 'state'))),
    dev_mine: async (params) => {
      const count = optionalBigintParam(params, 'blocks', 1_000n) ?? 1n;
      let block = chain.head;
      for (let i = 0n; i < count; i++) block = await chain.mine();
      return blockToJson(block);
    },
    dev_setAutomine: (params) => {
      chain.automine = booleanParam(params, 'enabled');
      return { automine: chain.automine };
    },
    dev_setTime: (params) => {
      chain.setNextTimestamp(bigintParam(params, 'timestamp', U64_MAX));
      return true;
    },
    dev_increaseTime: (params) => {
      chain.increaseTime(bigintParam(params, 'seconds', U64_MAX));
      return true;
    },
    dev_snapshot: () => ({ id: chain.snapshot().toString() }),
    dev_revert: async (params) => {
      await chain.revert(bigintParam(params, 'id', U64_MAX));
      return blockToJson(chain.head);
    },
    dev_setBalance: async (params) => {
      await chain.setBalance(bytesParam(params, 'address', 32), bigintParam(params, 'balance'));
      return true;
    },
    dev_reset: async () => {
      await chain.reset();
      return blockToJson(chain.head);
    },
  };
  return methods;
}
