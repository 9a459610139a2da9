/**
 * The devnet's chain: mempool, sequencer and block production over state/ and vm/. Transactions are validated on
 * arrival (encoding, chain id, signature, nonce, funds for gas limit x price + value), ordered per sender by nonce,
 * and executed in blocks: one per transaction (automine, the default), on an interval, or on `mine()`. Every block
 * is one atomic state commit carrying the block itself, so a restart resumes at the last block with the same roots.
 * Block times are the sequencer's: genesis time plus `blockTime` a block, adjustable by dev controls; nothing
 * reads the wall clock.
 *
 * Signatures are checked on a worker thread (signatureVerifier.ts) while this thread executes and commits blocks;
 * transactions are still admitted to the pool one at a time in the order they arrived (each waits for the ones
 * before it), so a pool's order, and so every block, never depends on which check finished first. With automine
 * each transaction gets its own block: a block takes the pool up to the transaction that asked for it.
 *
 * A block is built (executed, its root committed to the store) and then published (indexed, announced, its
 * transactions answered) once the store has it on disk, in height order. The StateStore writes blocks behind
 * (`commitBlock` resolves before the disk has the block; group commit: several blocks in one LevelDB batch, see
 * ChainOptions.flushed), so the next block is built while earlier ones are written, and nothing whose receipt was
 * returned can be lost by a crash. With a block journal (a chain on
 * disk, blockJournal.ts), a block of transactions only is durable once its record is appended there, before
 * LevelDB has it; `open` re-executes the records LevelDB lacks.
 * @module
 */
import { EventEmitter } from 'node:events';
import { instrument } from '../metering/index.js';
import { codeKey, MAX_STORAGE_KEY_LENGTH, type StateBackend, type StateStore, storageKey } from '../state/index.js';
import {
  type BlockContext,
  type CallResult,
  moveBalance,
  readAccount,
  type TraceFrame,
  U128_MAX,
  Vm,
  type VmOptions,
  writeAccount,
} from '../vm/index.js';
import { type Block, decodeBlockMeta, draftBlock, type Receipt, sealBlock } from './block.js';
import type { BlockJournal, JournalRecord } from './blockJournal.js';
import {
  blockLookupKey,
  blockLookups,
  decodeHeight,
  decodeLocation,
  INDEX_MARKER,
  INDEX_MARKER_ENTRY,
  lookupsOf,
  sameHash,
  txLookupKey,
} from './chainIndex.js';
import { asBytes, pack, readU64, toHex, u64, unpack } from './codec.js';
import { DevnetError } from './errors.js';
import { HistoricalState } from './historicalState.js';
import { devAccount, type KeyPair } from './keys.js';
import { SignatureVerifier } from './signatureVerifier.js';
import { decodeTransaction, type SignedTransaction, verifySignature } from './transaction.js';

/** Version of the `dev_dumpState` file format: msgpack `[DUMP_MAGIC, version, chainId u64, [[key, value]...]]`. */
export const STATE_DUMP_FORMAT_VERSION = 1;
const DUMP_MAGIC = 'gasket-state-dump';

/** Gas every transaction pays before it runs: a base, and a price per byte of its encoding. Version 1. */
export const TX_COSTS_V1 = Object.freeze({ version: 1, base: 5_000n, perByte: 4n });

export type ChainConfig = {
  readonly chainId: bigint;
  /** Timestamp of the genesis block, in seconds. */
  readonly genesisTimestamp: bigint;
  /** Seconds between consecutive blocks' timestamps. */
  readonly blockTime: bigint;
  readonly devAccountCount: number;
  readonly devAccountBalance: bigint;
  readonly blockGasLimit: bigint;
  /** Largest nonce gap a sender may queue ahead of its account nonce. */
  readonly maxNonceGap: bigint;
};

export const DEFAULT_CHAIN_CONFIG: ChainConfig = Object.freeze({
  chainId: 1337n,
  genesisTimestamp: 1_735_689_600n,
  blockTime: 1n,
  devAccountCount: 10,
  devAccountBalance: 10n ** 24n,
  // One second of compute at the schedule's 10 gas per ns: a block of 1 s holds what a node can run in 1 s (a token
  // transfer is about 1,000,000 gas, so about 5,000 of them with their 2x gas limits).
  blockGasLimit: 10_000_000_000n,
  maxNonceGap: 1_024n,
});

const BLOCK_CACHE_SIZE = 256;

/** One signature-checking worker for every chain of the process (the cores are the process's, not a chain's). */
let sharedVerifier: SignatureVerifier | undefined;
/** The process's signature checker, what a chain uses unless told otherwise (ChainOptions.signatures). */
export const signatureVerifier = (): SignatureChecker => (sharedVerifier ??= new SignatureVerifier());

/** How the chain runs, not what it computes: never part of consensus. */
export type ChainOptions = {
  /** VM options: the wasm engine (the test kit's reference interpreter), or a test double of the host. */
  readonly vm?: Omit<VmOptions, 'state'>;
  /** What checks signatures: by default the process's worker (signatureVerifier.ts); tests pass late answerers. */
  readonly signatures?: SignatureChecker;
  /**
   * Resolves when every block the store has committed so far is on disk. A store that writes blocks behind
   * (StateStore: `commitBlock` returns the root once the block's batch is filled and writes it in the background)
   * says so with a `flushed()` method, which is the default here; a store without one is durable at once. Tests
   * pass a hook that holds blocks back.
   */
  readonly flushed?: () => Promise<void>;
  /**
   * The block journal of a chain on disk (blockJournal.ts): a block of transactions only is answered once its
   * record is appended there, without waiting for LevelDB; `replay` holds the records read at open, re-executed
   * above the store's last block before the chain serves anything.
   */
  readonly journal?: BlockJournal;
  readonly replay?: readonly JournalRecord[];
  /** Bytes past which the journal is emptied (JOURNAL_RESET_BYTES; tests pass less). */
  readonly journalLimit?: number;
  /** Told how far the one-time indexing of a chain from before the lookup index has come (see chainIndex.ts). */
  readonly onIndexing?: (indexed: bigint, total: bigint) => void;
};

/** Past this size the journal is emptied: the next block waits for LevelDB instead, then the journal is reset. */
const JOURNAL_RESET_BYTES = 4 * 1024 * 1024;

/** What a store that writes blocks behind offers (see ChainOptions.flushed). */
type WritesBehind = { flushed(): Promise<void> };

/** `busy`: the chain has other work in flight (admissions, blocks), so handing the check to another core pays. */
export type SignatureChecker = { verify(tx: SignedTransaction, options?: { busy?: boolean }): Promise<boolean> };

export type TransactionLocation = { readonly height: bigint; readonly index: number };

/** Blocks indexed a batch when a chain from before the lookup index is opened (see chainIndex.ts). */
const INDEXING_BATCH_BLOCKS = 2_000;

/** `block`: a block was published. `rewind`: the chain went back to a height (dev_revert, dev_reset). */
export type ChainEvents = { block: [Block]; rewind: [bigint] };

export class Chain extends EventEmitter<ChainEvents> {
  readonly state: StateStore;
  readonly vm: Vm;
  readonly config: ChainConfig;
  readonly devAccounts: readonly KeyPair[];
  automine = true;
  /** The last published block: durable, indexed, announced. What readers see. */
  #head!: Block;
  /** The last block built (executed, its root committed to the store), maybe not yet durable: the next parent. */
  #tip!: Block;
  /** Publication of built blocks, in height order, each once the store has it on disk. */
  #publication: Promise<unknown> = Promise.resolve();
  #pending: SignedTransaction[] = [];
  /** Pending transactions by hash, and how many each sender has pending: constant-time pool checks. */
  readonly #pendingByHash = new Map<string, SignedTransaction>();
  readonly #pendingBySender = new Map<string, number>();
  readonly #blockCache = new Map<bigint, Block>();
  #nextTimestamp: bigint | undefined;
  #timeOffset = 0n;
  #mining: Promise<unknown> = Promise.resolve();
  /** The last transaction admission queued: admissions run one after another, in arrival order. */
  #admission: Promise<unknown> = Promise.resolve();
  /** Submissions in flight (until answered): where a signature is checked depends on it, never what is admitted. */
  #inFlight = 0;
  readonly #snapshots = new Map<bigint, bigint>();
  #nextSnapshot = 1n;
  /** Addresses dev_sendUnsigned may send as without their key (hex). Never part of consensus state. */
  readonly #impersonated = new Set<string>();
  readonly #signatures: SignatureChecker;
  readonly #flushed: () => Promise<void>;
  /** Transactions of blocks built but not yet durable, by hash: reported as pending until their block is published. */
  readonly #unpublished = new Map<string, SignedTransaction>();
  readonly #journal: BlockJournal | undefined;
  readonly #journalLimit: number;
  readonly #onIndexing: ChainOptions['onIndexing'];
  /** State was written outside a block (dev writes) since the last block: the next block is not journaled. */
  #dirty = false;
  /** The journal passed JOURNAL_RESET_BYTES: blocks wait for LevelDB until one of them resets it. */
  #journalFull = false;
  /** Journal records being re-executed at open: those blocks are not journaled again. */
  #replaying = false;

  private constructor(state: StateStore, config: ChainConfig, options: ChainOptions) {
    super();
    this.state = state;
    this.config = config;
    this.vm = new Vm({ ...options.vm, state });
    this.#signatures = options.signatures ?? signatureVerifier();
    const behind = (state as Partial<WritesBehind>).flushed;
    this.#flushed =
      options.flushed ?? (typeof behind === 'function' ? () => behind.call(state) : () => Promise.resolve());
    this.devAccounts = Array.from({ length: config.devAccountCount }, (_, i) => devAccount(i));
    this.#journal = options.journal;
    this.#journalLimit = options.journalLimit ?? JOURNAL_RESET_BYTES;
    this.#onIndexing = options.onIndexing;
  }

  /** Opens the chain on a state store: creates genesis on an empty store, else resumes at its last block. */
  static async open(state: StateStore, config: Partial<ChainConfig> = {}, options: ChainOptions = {}): Promise<Chain> {
    const chain = new Chain(state, { ...DEFAULT_CHAIN_CONFIG, ...config }, options);
    if (state.version === 0n) await chain.#genesis();
    else await chain.#resume();
    if (options.journal) {
      await chain.#replay(options.replay ?? []);
      // every replayed block in the store: the journal starts afresh
      await chain.#flushed();
      options.journal.reset();
    }
    return chain;
  }

  /**
   * Re-executes the journal's records above the last block in the store (blocks answered before a kill that LevelDB
   * did not get): each must give the block it records, hash for hash. Records past a gap were never answered.
   */
  async #replay(records: readonly JournalRecord[]): Promise<void> {
    this.#replaying = true;
    try {
      for (const record of records) {
        const head = this.#head.header.height;
        if (record.height <= head) continue;
        if (record.height !== head + 1n) break;
        for (const raw of record.raws) this.#addPending(decodeTransaction(raw));
        this.#nextTimestamp = record.timestamp;
        const block = await (await this.#serial(() => this.#mineNow())).durable;
        if (toHex(block.hash) !== toHex(record.hash)) {
          throw new DevnetError(
            'INTERNAL',
            `the block journal (${this.#journal?.path}) records block ${record.height} as ${toHex(record.hash)}, its transactions give ${toHex(block.hash)}: it belongs to another chain or configuration; move it away to start without it`,
          );
        }
      }
    } finally {
      this.#replaying = false;
    }
  }

  get head(): Block {
    return this.#head;
  }

  get pending(): readonly SignedTransaction[] {
    return this.#pending;
  }

  async #genesis(): Promise<void> {
    for (const account of this.devAccounts) {
      writeAccount(this.state, account.address, {
        balance: this.config.devAccountBalance,
        nonce: 0n,
        codeHash: undefined,
      });
    }
    const draft = draftBlock(
      {
        chainId: this.config.chainId,
        height: 0n,
        parentHash: new Uint8Array(32),
        timestamp: this.config.genesisTimestamp,
        gasUsed: 0n,
      },
      [],
      [],
    );
    let sealed: ReturnType<typeof sealBlock> | undefined;
    await this.state.commitBlock(draft.meta, (root) => {
      sealed = sealBlock(draft, root);
      return [...blockLookups(0n, sealed.hash, []), INDEX_MARKER_ENTRY];
    });
    this.#head = { ...sealed!, transactions: [], receipts: [] };
    this.#tip = this.#head;
  }

  /** Resumes at the store's last block: nothing else is read (the lookups by hash are in the store). */
  async #resume(): Promise<void> {
    const latest = this.state.version - 1n;
    this.#head = this.#readBlock(latest);
    this.#tip = this.#head;
    const head = this.#head;
    if (head.header.chainId !== this.config.chainId) {
      throw new DevnetError(
        'WRONG_CHAIN',
        `the data directory holds chain ${head.header.chainId}, not ${this.config.chainId}; pass --chain-id ${head.header.chainId} or use another --data-dir`,
      );
    }
    if (this.state.lookup(INDEX_MARKER) === undefined) await this.#indexOnce(latest);
  }

  /** Indexes every block of a chain created before the lookup index (once: the marker is written last). */
  async #indexOnce(latest: bigint): Promise<void> {
    for (let from = 0n; from <= latest; from += BigInt(INDEXING_BATCH_BLOCKS)) {
      const entries = [];
      let height = from;
      for (; height <= latest && height < from + BigInt(INDEXING_BATCH_BLOCKS); height++) {
        entries.push(...lookupsOf(this.#readBlock(height)));
      }
      await this.state.writeLookups(entries);
      this.#onIndexing?.(height, latest + 1n);
    }
    await this.state.writeLookups([INDEX_MARKER_ENTRY]);
  }

  getBlock(height: bigint): Block | undefined {
    if (height < 0n || height > this.#head.header.height) return undefined;
    return this.#readBlock(height);
  }

  #readBlock(height: bigint): Block {
    const cached = this.#blockCache.get(height);
    if (cached) return cached;
    const block = decodeBlockMeta(this.state.blockMeta(height + 1n), this.state.rootAt(height + 1n));
    this.#cacheBlock(block);
    return block;
  }

  /** Keeps the latest decoded blocks (at most BLOCK_CACHE_SIZE), oldest out first. */
  #cacheBlock(block: Block): void {
    if (this.#blockCache.size >= BLOCK_CACHE_SIZE) this.#blockCache.delete(this.#blockCache.keys().next().value!);
    this.#blockCache.set(block.header.height, block);
  }

  getBlockByHash(hash: Uint8Array): Block | undefined {
    const height = decodeHeight(this.state.lookup(blockLookupKey(hash)));
    const block = height === undefined ? undefined : this.getBlock(height);
    // an entry outlives a rewind (see chainIndex.ts): it counts only if the block it names is this one
    return block !== undefined && sameHash(block.hash, hash) ? block : undefined;
  }

  /** Where a published block holds the transaction `hash`, if one does. */
  #minedAt(hash: Uint8Array): { block: Block; location: TransactionLocation } | undefined {
    const location = decodeLocation(this.state.lookup(txLookupKey(hash)));
    if (location === undefined) return undefined;
    const block = this.getBlock(location.height);
    const tx = block?.transactions[location.index];
    return tx !== undefined && sameHash(tx.hash, hash) ? { block: block!, location } : undefined;
  }

  findTransaction(
    hash: Uint8Array,
  ): { tx: SignedTransaction; receipt: Receipt | undefined; location?: TransactionLocation } | undefined {
    const mined = this.#minedAt(hash);
    if (mined !== undefined) {
      const { block, location } = mined;
      return { tx: block.transactions[location.index]!, receipt: block.receipts[location.index], location };
    }
    const key = toHex(hash);
    const pending = this.#pendingByHash.get(key) ?? this.#unpublished.get(key);
    return pending ? { tx: pending, receipt: undefined } : undefined;
  }

  /** Validates a signed transaction and queues it; with automine, mines it and returns after its block. */
  async submit(raw: Uint8Array): Promise<SignedTransaction> {
    const tx = decodeTransaction(raw);
    // the check starts now, on another thread; the admission below waits for it in turn
    return this.#submitTx(tx, this.#signatures.verify(tx, { busy: this.#inFlight > 0 }), {});
  }

  /**
   * The devnet-only unsigned path (dev_sendUnsigned): `tx` is an impersonated transaction (transaction.ts), accepted
   * only while its sender is impersonated; everything but the signature is validated as for `submit`.
   */
  async submitImpersonated(tx: SignedTransaction): Promise<SignedTransaction> {
    if (!tx.impersonated || !this.isImpersonated(tx.from)) {
      throw new DevnetError('BAD_SIGNATURE', `${toHex(tx.from)} is not impersonated: call dev_impersonate first`);
    }
    return this.#submitTx(tx, undefined, { impersonated: true });
  }

  /**
   * Admits `tx` after every transaction submitted before it (validation against the chain and the pool, with the
   * signature check's answer), then with automine mines it. Validation errors reject; the queue goes on.
   */
  async #submitTx(
    tx: SignedTransaction,
    signatureValid: Promise<boolean> | undefined,
    options: { impersonated?: boolean },
  ): Promise<SignedTransaction> {
    this.#inFlight++;
    const admitted = this.#admission.then(async () => {
      const valid = signatureValid === undefined ? undefined : await signatureValid;
      this.#addPending(this.validate(tx, { ...options, signatureValid: valid }));
      // a lone submission's block is journaled (its answer waits for nothing else); with others in flight, waiting
      // for LevelDB answers several blocks a turn, which costs less CPU a transaction than answering each at once
      return this.automine ? { block: this.#serial(() => this.#mineNow(true, tx, this.#inFlight === 1)) } : undefined;
    });
    this.#admission = admitted.catch(() => undefined);
    try {
      const mined = await admitted;
      if (mined) await (await mined.block).durable;
      return tx;
    } finally {
      this.#inFlight--;
    }
  }

  /**
   * Checks a transaction against the chain and the pool; returns it or throws a DevnetError. `signatureValid` is
   * the answer of a signature check already made (else the signature is checked here).
   */
  validate(
    tx: SignedTransaction,
    options: { impersonated?: boolean; signatureValid?: boolean } = {},
  ): SignedTransaction {
    if (tx.chainId !== this.config.chainId) {
      throw new DevnetError(
        'WRONG_CHAIN',
        `transaction is for chain ${tx.chainId}, this is chain ${this.config.chainId}`,
      );
    }
    const key = toHex(tx.hash);
    if (this.#pendingByHash.has(key) || this.#unpublished.has(key)) {
      throw new DevnetError('NONCE_TOO_LOW', 'this transaction is already known');
    }
    const skipSignature = options.impersonated === true && tx.impersonated === true && this.isImpersonated(tx.from);
    if (!skipSignature && !(options.signatureValid ?? verifySignature(tx)))
      throw new DevnetError('BAD_SIGNATURE', 'the signature does not match the transaction');
    const intrinsic = intrinsicGas(tx);
    if (tx.gasLimit < intrinsic) {
      throw new DevnetError('GAS_LIMIT', `gas limit ${tx.gasLimit} is below the intrinsic cost ${intrinsic}`);
    }
    if (tx.gasLimit > this.config.blockGasLimit) {
      throw new DevnetError(
        'GAS_LIMIT',
        `gas limit ${tx.gasLimit} is above the block gas limit ${this.config.blockGasLimit}`,
      );
    }
    const account = readAccount(this.state, tx.from);
    const expected = account.nonce + BigInt(this.pendingCount(tx.from));
    if (tx.nonce < expected) {
      // a mined transaction's nonce is always below the next one: only then is the index asked (one read)
      if (this.#minedAt(tx.hash) !== undefined)
        throw new DevnetError('NONCE_TOO_LOW', 'this transaction is already known');
      throw new DevnetError('NONCE_TOO_LOW', `nonce ${tx.nonce} is below the next nonce ${expected}`);
    }
    if (tx.nonce > expected) {
      throw new DevnetError(
        'NONCE_TOO_HIGH',
        `nonce ${tx.nonce} is above the next nonce ${expected}: send the gap first`,
      );
    }
    const cost = tx.gasLimit * tx.gasPrice + tx.value;
    if (account.balance < cost) {
      throw new DevnetError(
        'INSUFFICIENT_FUNDS',
        `balance ${account.balance} cannot pay gas limit x price + value = ${cost}`,
      );
    }
    return tx;
  }

  /** How many transactions `address` has waiting in the pool. */
  pendingCount(address: Uint8Array): number {
    return this.#pendingBySender.get(toHex(address)) ?? 0;
  }

  #addPending(tx: SignedTransaction): void {
    this.#pending.push(tx);
    this.#pendingByHash.set(toHex(tx.hash), tx);
    const sender = toHex(tx.from);
    this.#pendingBySender.set(sender, (this.#pendingBySender.get(sender) ?? 0) + 1);
  }

  /**
   * Takes the pool's transactions up to and including `last` (all of them without it; none if `last` has left the
   * pool, dropped by a revert); the rest stay.
   */
  #takePending(last?: SignedTransaction): SignedTransaction[] {
    if (last === undefined) return this.#clearPending();
    const end = this.#pending.indexOf(last);
    if (end < 0) return [];
    if (end === this.#pending.length - 1) return this.#clearPending();
    const taken = this.#pending.slice(0, end + 1);
    const rest = this.#pending.slice(end + 1);
    this.#clearPending();
    for (const tx of rest) this.#addPending(tx);
    return taken;
  }

  #clearPending(): SignedTransaction[] {
    const queue = this.#pending;
    this.#pending = [];
    // emptied, not replaced: two Maps fewer a block (automine builds one a transaction)
    this.#pendingByHash.clear();
    this.#pendingBySender.clear();
    return queue;
  }

  /** Resolves when no transaction is being admitted and no block is being mined. */
  async idle(): Promise<void> {
    await this.#admission;
    await this.#mining;
    await this.#publication;
  }

  /** Mines one block of the pending transactions (possibly none), resolving once it is durable and published. */
  async mine(): Promise<Block> {
    return (await this.#serial(() => this.#mineNow())).durable;
  }

  /**
   * Runs `work` after every block being mined and every earlier serial work: the store refuses writes while a
   * block commits, so everything that writes state outside a block goes through this queue.
   */
  #serial<T>(work: () => T | Promise<T>): Promise<T> {
    const next = this.#mining.then(work);
    this.#mining = next.catch(() => undefined);
    return next;
  }

  /**
   * Mines the next block; with `withPending` false it holds no transactions (the pool is kept for later), with
   * `upTo` it takes the pool only up to that transaction (automine: one block per transaction); `toJournal`: made
   * durable by the block journal, when the chain has one and the block qualifies.
   */
  async #mineNow(
    withPending = true,
    upTo?: SignedTransaction,
    toJournal = false,
  ): Promise<{ block: Block; durable: Promise<Block> }> {
    // journaled when asked: a block of transactions only (no dev writes before it), while the journal has room
    const journal = !toJournal || this.#dirty || this.#replaying || this.#journalFull ? undefined : this.#journal;
    const resetsJournal = this.#journalFull && !this.#replaying;
    this.#dirty = false;
    const parent = this.#tip;
    const context: BlockContext = { height: parent.header.height + 1n, timestamp: this.#timestampAfter(parent) };
    const included: SignedTransaction[] = [];
    const receipts: Receipt[] = [];
    let gasUsed = 0n;
    const queue = withPending ? this.#takePending(upTo) : [];
    for (const tx of queue) {
      if (gasUsed + tx.gasLimit > this.config.blockGasLimit) {
        this.#addPending(tx);
        continue;
      }
      const receipt = this.#apply(tx, context);
      if (!receipt) continue; // no longer valid (an earlier transaction spent the funds): dropped
      included.push(tx);
      receipts.push(receipt);
      gasUsed += receipt.gasUsed;
    }
    const draft = draftBlock(
      {
        chainId: this.config.chainId,
        height: context.height,
        parentHash: parent.hash,
        timestamp: context.timestamp,
        gasUsed,
      },
      included,
      receipts,
    );
    let sealed: ReturnType<typeof sealBlock> | undefined;
    // the block's lookups (its hash, its transactions' hashes) go into its own batch: they land with it
    await this.state.commitBlock(draft.meta, (root) => {
      sealed = sealBlock(draft, root);
      return blockLookups(
        context.height,
        sealed.hash,
        included.map((tx) => tx.hash),
      );
    });
    // a store always asks for the lookups; a wrapper that drops the callback must fail here, not index nothing
    if (sealed === undefined) throw new DevnetError('INTERNAL', 'the state store did not ask for the block lookups');
    const block: Block = { header: sealed.header, hash: sealed.hash, transactions: included, receipts };
    this.#nextTimestamp = undefined;
    this.#cacheBlock(block);
    this.#tip = block;
    // each hash's hex key made once for the unpublished set (a toHex is a Buffer view and a string)
    const keys = included.map((tx) => toHex(tx.hash));
    for (let i = 0; i < keys.length; i++) this.#unpublished.set(keys[i]!, included[i]!);
    let journaled = false;
    if (journal) {
      // durable once appended: a kill from now on replays it at the next open (LevelDB catches up behind)
      try {
        journal.append({
          height: context.height,
          timestamp: context.timestamp,
          hash: block.hash,
          raws: included.map((tx) => tx.raw),
        });
        journaled = true;
        if (journal.size > this.#journalLimit) this.#journalFull = true;
      } catch {
        // the journal cannot be written (a full disk, say): this block and the next wait for LevelDB, as without one
        this.#journalFull = true;
      }
    }
    // published in height order once durable; the next block is built meanwhile (its write joins a later batch)
    const durable = this.#publication.then(async () => {
      try {
        if (!journaled) await this.#flushed();
        // every block so far is in LevelDB, every journaled one among them (none is journaled while full)
        if (resetsJournal && this.#journalFull) {
          try {
            this.#journal?.reset();
            this.#journalFull = false;
          } catch {
            // not emptied: blocks keep waiting for LevelDB, and the next one tries again
          }
        }
      } finally {
        for (const key of keys) this.#unpublished.delete(key);
      }
      this.#head = block;
      this.emit('block', block);
      return block;
    });
    this.#publication = durable.catch(() => undefined);
    return { block, durable };
  }

  #timestampAfter(parent: Block): bigint {
    const natural = parent.header.timestamp + this.config.blockTime + this.#timeOffset;
    this.#timeOffset = 0n;
    const chosen = this.#nextTimestamp ?? natural;
    return chosen > parent.header.timestamp ? chosen : parent.header.timestamp + 1n;
  }

  /** Executes one transaction into the current state and returns its receipt, or undefined if it became invalid. */
  #apply(tx: SignedTransaction, block: BlockContext): Receipt | undefined {
    return this.#execute(tx, block, { state: this.state, vm: this.vm, trace: false })?.receipt;
  }

  /** Executes a transaction on `env` (the chain's state, or a historical view when re-executing for a trace). */
  #execute(
    tx: SignedTransaction,
    block: BlockContext,
    env: { state: StateBackend; vm: Vm; trace: boolean },
  ): { receipt: Receipt; trace: TraceFrame | undefined } | undefined {
    const state = env.state;
    const sender = readAccount(state, tx.from);
    const maxFee = tx.gasLimit * tx.gasPrice;
    if (sender.nonce !== tx.nonce || sender.balance < maxFee + tx.value) return undefined;
    writeAccount(state, tx.from, {
      balance: sender.balance - maxFee,
      nonce: sender.nonce + 1n,
      codeHash: sender.codeHash,
    });
    const intrinsic = intrinsicGas(tx);
    const gasForExecution = tx.gasLimit - intrinsic;
    let result: CallResult;
    let contractAddress: Uint8Array | undefined;
    if (tx.kind === 'transfer') {
      state.checkpoint();
      const moved = moveBalance(state, tx.from, tx.to, tx.value);
      if (moved) state.commit();
      else state.revert();
      result = moved
        ? { status: 'ok', returnData: new Uint8Array(0), gasUsed: 0n, events: [], logs: [] }
        : {
            status: 'revert',
            returnData: new Uint8Array(0),
            gasUsed: 0n,
            events: [],
            logs: [],
            error: { code: 'INSUFFICIENT_BALANCE', message: 'cannot pay the value' },
          };
    } else if (tx.kind === 'deploy') {
      const deployed = env.vm.deploy({
        code: tx.code,
        deployer: tx.from,
        nonce: tx.nonce,
        initArgs: tx.args,
        value: tx.value,
        gasLimit: gasForExecution,
        block,
        trace: env.trace,
      });
      result = deployed;
      contractAddress = deployed.address;
    } else {
      result = env.vm.execute({
        contract: tx.to,
        method: tx.method,
        args: tx.args,
        caller: tx.from,
        signer: tx.from,
        value: tx.value,
        gasLimit: gasForExecution,
        block,
        trace: env.trace,
      });
    }
    const gasUsed = intrinsic + result.gasUsed;
    const refund = (tx.gasLimit - gasUsed) * tx.gasPrice;
    if (refund > 0n) {
      const after = readAccount(state, tx.from);
      writeAccount(state, tx.from, { balance: after.balance + refund, nonce: after.nonce, codeHash: after.codeHash });
    }
    const receipt: Receipt = {
      txHash: tx.hash,
      status: result.status,
      gasUsed,
      returnData: result.returnData,
      events: result.events,
      logs: result.logs.map((log) => log.message),
      error: result.error ? { code: result.error.code, message: result.error.message } : undefined,
      contractAddress,
    };
    return { receipt, trace: result.trace };
  }

  /**
   * Re-executes a mined transaction with tracing, on a view of the state before its block with the block's earlier
   * transactions replayed; the chain is not changed. Undefined for an unknown or pending transaction.
   */
  traceTransaction(hash: Uint8Array): { receipt: Receipt; trace: TraceFrame | undefined } | undefined {
    const found = this.findTransaction(hash);
    if (!found?.location) return undefined;
    const block = this.getBlock(found.location.height)!;
    const view = new HistoricalState(this.state, found.location.height); // state version of the parent block
    const env = { state: view, vm: new Vm({ state: view, cache: this.vm.cache }), trace: false };
    const context: BlockContext = { height: block.header.height, timestamp: block.header.timestamp };
    for (let i = 0; i < found.location.index; i++) this.#execute(block.transactions[i]!, context, env);
    return this.#execute(found.tx, context, { ...env, trace: true });
  }

  /** A read-only call against the latest state; changes nothing. With `trace`, the result carries the call tree. */
  call(params: {
    contract: Uint8Array;
    method: string;
    args: Uint8Array;
    from?: Uint8Array;
    gasLimit?: bigint;
    trace?: boolean;
  }): CallResult {
    const context: BlockContext = { height: this.#tip.header.height + 1n, timestamp: this.#timestampPeek() };
    return this.vm.execute({
      contract: params.contract,
      method: params.method,
      args: params.args,
      caller: params.from ?? new Uint8Array(32),
      gasLimit: params.gasLimit ?? this.config.blockGasLimit,
      block: context,
      readOnly: true,
      trace: params.trace ?? false,
    });
  }

  /** Gas the transaction would use if mined next (executed, then rolled back). */
  estimateGas(
    raw: Uint8Array,
  ): Promise<{ gasUsed: bigint; status: string; error?: { code: string; message: string } }> {
    const tx = decodeTransaction(raw);
    return this.#serial(() => this.#estimate(tx));
  }

  #estimate(tx: SignedTransaction): { gasUsed: bigint; status: string; error?: { code: string; message: string } } {
    const context: BlockContext = { height: this.#tip.header.height + 1n, timestamp: this.#timestampPeek() };
    this.state.checkpoint();
    try {
      const sender = readAccount(this.state, tx.from);
      // estimate as if the nonce and funds were right: only the execution matters
      writeAccount(this.state, tx.from, { ...sender, nonce: tx.nonce, balance: U128_MAX / 2n });
      const receipt = this.#apply(tx, context)!;
      return { gasUsed: receipt.gasUsed, status: receipt.status, ...(receipt.error ? { error: receipt.error } : {}) };
    } finally {
      this.state.revert();
    }
  }

  #timestampPeek(): bigint {
    const parent = this.#tip.header.timestamp;
    const chosen = this.#nextTimestamp ?? parent + this.config.blockTime + this.#timeOffset;
    return chosen > parent ? chosen : parent + 1n;
  }

  // --- dev controls ---

  /** The next block's timestamp (seconds); it must be after the head's. */
  setNextTimestamp(timestamp: bigint): void {
    if (timestamp <= this.#tip.header.timestamp) {
      throw new DevnetError(
        'BAD_PARAMS',
        `timestamp ${timestamp} is not after the head's ${this.#tip.header.timestamp}`,
      );
    }
    this.#nextTimestamp = timestamp;
  }

  increaseTime(seconds: bigint): void {
    if (seconds < 0n) throw new DevnetError('BAD_PARAMS', 'time only moves forward');
    this.#timeOffset += seconds;
  }

  setBalance(address: Uint8Array, balance: bigint): Promise<void> {
    if (balance < 0n || balance > U128_MAX) throw new DevnetError('BAD_PARAMS', 'balance must be a u128');
    return this.#serial(() => {
      this.#dirty = true;
      writeAccount(this.state, address, { ...readAccount(this.state, address), balance });
    });
  }

  setNonce(address: Uint8Array, nonce: bigint): Promise<void> {
    if (nonce < 0n || nonce >= 1n << 64n) throw new DevnetError('BAD_PARAMS', 'nonce must be a u64');
    return this.#serial(() => {
      this.#dirty = true;
      writeAccount(this.state, address, { ...readAccount(this.state, address), nonce });
    });
  }

  /**
   * Sets (or replaces) the code at `address`, metered as at deploy: a MeteringError is thrown before anything
   * changes. The instrumented code is stored under its hash; balance and nonce are kept. Returns the code hash.
   */
  setCode(address: Uint8Array, code: Uint8Array): Promise<Uint8Array> {
    const metered = instrument(code);
    return this.#serial(() => {
      this.#dirty = true;
      this.state.put(codeKey(metered.codeHash), metered.code);
      writeAccount(this.state, address, { ...readAccount(this.state, address), codeHash: metered.codeHash });
      return metered.codeHash;
    });
  }

  /** Sets one key of a contract's storage (the contract's own key, as the host ABI sees it); null removes it. */
  setStorage(contract: Uint8Array, key: Uint8Array, value: Uint8Array | null): Promise<void> {
    if (key.length === 0 || key.length > MAX_STORAGE_KEY_LENGTH) {
      throw new DevnetError('BAD_PARAMS', `a storage key is 1..${MAX_STORAGE_KEY_LENGTH} bytes`);
    }
    const fullKey = storageKey(contract, key);
    return this.#serial(() => {
      this.#dirty = true;
      if (value === null) this.state.delete(fullKey);
      else this.state.put(fullKey, value);
    });
  }

  impersonate(address: Uint8Array): void {
    this.#impersonated.add(toHex(address));
  }

  stopImpersonating(address: Uint8Array): void {
    this.#impersonated.delete(toHex(address));
  }

  isImpersonated(address: Uint8Array): boolean {
    return this.#impersonated.has(toHex(address));
  }

  /**
   * Every key/value of the state as seen after the mining queue (including dev writes not yet in a block), in
   * the versioned dump format (STATE_DUMP_FORMAT_VERSION), sorted by key.
   */
  dumpState(): Promise<Uint8Array> {
    return this.#serial(async () => {
      const entries: [Uint8Array, Uint8Array][] = [];
      for await (const entry of this.state.entries()) entries.push(entry);
      return pack([DUMP_MAGIC, STATE_DUMP_FORMAT_VERSION, u64(this.config.chainId), entries]);
    });
  }

  /**
   * Replaces the whole state with a dump's key/values (keys not in the dump are deleted) and mines a block of no
   * transactions so it is committed (pending transactions stay in the pool, revalidated when mined). A foreign, newer or malformed dump, or one of another chain, throws before anything changes.
   */
  loadState(dump: Uint8Array): Promise<Block> {
    const entries = decodeStateDump(dump, this.config.chainId);
    return this.#serial(async () => {
      const wanted = new Set(entries.map(([key]) => toHex(key)));
      const stale: Uint8Array[] = [];
      for await (const [key] of this.state.entries()) if (!wanted.has(toHex(key))) stale.push(key);
      this.#dirty = true;
      this.state.checkpoint();
      try {
        for (const key of stale) this.state.delete(key);
        for (const [key, value] of entries) this.state.put(key, value);
        this.state.commit();
      } catch (error) {
        this.state.revert();
        throw new DevnetError('BAD_PARAMS', `the state dump does not fit the store: ${(error as Error).message}`);
      }
      return this.#mineNow(false);
    }).then(({ durable }) => durable);
  }

  snapshot(): bigint {
    const id = this.#nextSnapshot++;
    this.#snapshots.set(id, this.#head.header.height);
    return id;
  }

  /** Returns the chain to a snapshot's block; the snapshot and later ones are used up. */
  async revert(id: bigint): Promise<void> {
    const height = this.#snapshots.get(id);
    if (height === undefined) throw new DevnetError('NO_SNAPSHOT', `no snapshot ${id}`);
    for (const key of [...this.#snapshots.keys()]) if (key >= id) this.#snapshots.delete(key);
    await this.#rewind(height);
  }

  /** Back to genesis. */
  async reset(): Promise<void> {
    this.#snapshots.clear();
    await this.#rewind(0n);
  }

  async #rewind(height: bigint): Promise<void> {
    await this.#mining;
    await this.#publication;
    this.#clearPending();
    this.#nextTimestamp = undefined;
    this.#timeOffset = 0n;
    if (this.#journal) {
      // the journal's blocks are in LevelDB; none of them may come back after the rewind
      await this.#flushed();
      this.#journal.reset();
      this.#journalFull = false;
    }
    // the lookup entries of the blocks above stay in the store: lookups check the block an entry names
    await this.state.revertTo(height + 1n);
    for (const h of [...this.#blockCache.keys()]) if (h > height) this.#blockCache.delete(h);
    this.#head = this.getBlock(height)!;
    this.#tip = this.#head;
    this.emit('rewind', height);
  }
}

/** Decodes and checks a state dump: its magic, its format version and its chain id. */
export function decodeStateDump(dump: Uint8Array, chainId: bigint): [Uint8Array, Uint8Array][] {
  let fields: unknown;
  try {
    fields = unpack(dump);
  } catch {
    throw new DevnetError('BAD_PARAMS', 'the state dump is not valid msgpack');
  }
  if (!Array.isArray(fields) || fields.length !== 4 || fields[0] !== DUMP_MAGIC) {
    throw new DevnetError('BAD_PARAMS', 'not a Gasket state dump');
  }
  const version = fields[1];
  if (version !== STATE_DUMP_FORMAT_VERSION) {
    throw new DevnetError(
      'BAD_PARAMS',
      `state dump format ${String(version)} is not supported (this node reads format ${STATE_DUMP_FORMAT_VERSION})`,
    );
  }
  try {
    const dumpChain = readU64(fields[2], 'chainId');
    if (dumpChain !== chainId) {
      throw new DevnetError('WRONG_CHAIN', `the state dump is of chain ${dumpChain}, this is chain ${chainId}`);
    }
    if (!Array.isArray(fields[3])) throw new TypeError('entries must be an array');
    return fields[3].map((entry: unknown) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw new TypeError('an entry is [key, value]');
      return [asBytes(entry[0], 'key'), asBytes(entry[1], 'value')] as [Uint8Array, Uint8Array];
    });
  } catch (error) {
    if (error instanceof DevnetError) throw error;
    throw new DevnetError('BAD_PARAMS', `malformed state dump: ${(error as Error).message}`);
  }
}

export function intrinsicGas(tx: SignedTransaction): bigint {
  return TX_COSTS_V1.base + TX_COSTS_V1.perByte * BigInt(tx.raw.length);
}
