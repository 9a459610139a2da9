/**
 * Invariants of the example contracts, as property tests written with the test kit (gasket/testing): random
 * sequences from the interfaces, checked after every transaction. Token: the supply equals the sum of all balances
 * under transfers, approvals, mints and burns, and no balance is negative. Token + escrow: tokens are conserved
 * across accounts and contracts while the escrow pulls and pays out. NFT: owned tokens = successful mints - burns.
 * Everywhere: gas used never above the limit; a transaction that fails changes no state but its sender's fee and
 * nonce. Also the gas report (min / median / max per method) those runs produce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample } from '../contracts/index.js';
import {
  type ChainSetup,
  createTestChain,
  deploySetup,
  fc,
  formatGasReport,
  hostCallProfile,
  invariant,
  printGasReport,
  runSequence,
  type Step,
  type TestChain,
  type TestTx,
  txSequence,
} from '../devnet/testing/index.js';

const ACCOUNTS = 4;
const SUPPLY = 1_000_000n;
let token: Uint8Array;
let escrow: Uint8Array;
let nft: Uint8Array;

beforeAll(async () => {
  [token, escrow, nft] = await Promise.all([buildExample('token'), buildExample('escrow'), buildExample('nft')]);
}, 180_000);
afterAll(() => printGasReport());

const tokenSetup = (): ChainSetup => ({
  accounts: ACCOUNTS,
  contracts: [{ name: 'token', code: token, args: { name: 'T', symbol: 'T', decimals: 0, supply: SUPPLY } }],
});

async function chainWith(setup: ChainSetup): Promise<TestChain> {
  const chain = await createTestChain({ accounts: setup.accounts, gasReport: true });
  await deploySetup(chain, setup);
  return chain;
}

/** Every account's and contract's token balance, and the supply. */
function tokenBooks(chain: TestChain) {
  const contract = chain.contracts.get('token')!;
  const holders = [...chain.accounts.map((a) => a.address), ...[...chain.contracts.values()].map((c) => c.address)];
  return {
    supply: contract.call('totalSupply') as bigint,
    balances: holders.map((address) => contract.call('balanceOf', { account: address }) as bigint),
  };
}

function everywhere(step: Step, chain: TestChain): void {
  invariant.gasWithinLimit(step);
  invariant.noStateChangeOnFailure(step, chain);
}

const context = { accounts: ACCOUNTS, randomAddresses: false };

describe('example contract invariants (gasket/testing)', () => {
  it('token: supply = sum of balances, no negative balance, failures change nothing', async () => {
    const statuses = new Map<string, number>();
    const sequences = txSequence({
      ...context,
      contracts: ['token'],
      targets: [{ name: 'token', iface: (await chainWith(tokenSetup())).contracts.get('token')!.iface! }],
      maxLength: 12,
    });
    await fc.assert(
      fc.asyncProperty(sequences, async (txs) => {
        const chain = await chainWith(tokenSetup());
        await runSequence(chain, txs, {
          trackState: true,
          check: (step) => {
            everywhere(step, chain);
            statuses.set(step.receipt.status, (statuses.get(step.receipt.status) ?? 0) + 1);
            const books = tokenBooks(chain);
            invariant.sumConserved('token balances', books.supply, books.balances, step);
            invariant.nonNegative('token balances', books.balances, step);
          },
        });
        await chain.close();
      }),
      { numRuns: 15 },
    );
    // the sequences exercised both paths
    expect(statuses.get('ok')).toBeGreaterThan(10);
    expect(statuses.get('revert')).toBeGreaterThan(3);
  }, 120_000);

  it('token + escrow: tokens are conserved across accounts and contracts while the escrow pulls and pays', async () => {
    const setup: ChainSetup = {
      accounts: ACCOUNTS,
      contracts: [
        ...tokenSetup().contracts,
        {
          name: 'escrow',
          code: escrow,
          args: {
            token: { $contract: 'token' },
            buyer: { $account: 1 },
            seller: { $account: 2 },
            arbiter: { $account: 3 },
            amount: 700n,
          },
        },
      ],
    };
    // the buyer holds tokens and lets the escrow pull them: fund() can succeed
    const prelude: TestTx[] = [
      { from: 0, contract: 'token', method: 'transfer', args: { to: { $account: 1 }, amount: 5_000n } },
      { from: 1, contract: 'token', method: 'approve', args: { spender: { $contract: 'escrow' }, amount: 2_000n } },
    ];
    const probe = await chainWith(setup);
    const targets = [
      { name: 'escrow', iface: probe.contracts.get('escrow')!.iface!, methods: ['fund', 'release', 'refund'] },
      { name: 'token', iface: probe.contracts.get('token')!.iface!, methods: ['transfer', 'approve'] },
    ];
    await probe.close();
    let escrowSuccesses = 0;
    await fc.assert(
      fc.asyncProperty(
        txSequence({ ...context, contracts: ['token', 'escrow'], targets, maxLength: 10 }),
        async (txs) => {
          const chain = await chainWith(setup);
          await runSequence(chain, [...prelude, ...txs], {
            trackState: true,
            check: (step) => {
              everywhere(step, chain);
              if (step.tx.kind !== 'transfer' && step.tx.contract === 'escrow' && step.receipt.status === 'ok')
                escrowSuccesses++;
              const books = tokenBooks(chain);
              invariant.sumConserved('token balances (accounts and contracts)', books.supply, books.balances, step);
            },
          });
          await chain.close();
        },
      ),
      { numRuns: 15 },
    );
    expect(escrowSuccesses).toBeGreaterThan(0);
  }, 120_000);

  it('nft: tokens owned by accounts = successful mints - successful burns', async () => {
    const setup: ChainSetup = { accounts: ACCOUNTS, contracts: [{ name: 'nft', code: nft }] };
    const probe = await chainWith(setup);
    const iface = probe.contracts.get('nft')!.iface!;
    await probe.close();
    // small ids, so that transfers and burns meet minted tokens
    const smallIds = {
      ...iface,
      methods: iface.methods.map((m) => ({
        ...m,
        args: m.args.map((a) => (a.name === 'id' ? { ...a, type: 'u8' } : a)),
      })),
    };
    // the deployer (account 0, the only minter) mints one token to each account first
    const prelude: TestTx[] = [0, 1, 2, 3].map((to) => ({
      from: 0,
      contract: 'nft',
      method: 'mint',
      args: { to: { $account: to }, id: BigInt(200 + to), uri: `t${to}` },
    }));
    let minted = 0;
    await fc.assert(
      fc.asyncProperty(
        txSequence({
          ...context,
          // tokens go to accounts only (a contract-owned token would be outside the books)
          contracts: [],
          targets: [{ name: 'nft', iface: smallIds, methods: ['mint', 'transfer', 'approve', 'burn'] }],
          maxLength: 12,
        }),
        async (txs) => {
          const chain = await chainWith(setup);
          let owned = 0n;
          await runSequence(chain, [...prelude, ...txs], {
            trackState: true,
            check: (step) => {
              everywhere(step, chain);
              if (step.tx.kind !== 'transfer' && step.receipt.status === 'ok') {
                if (step.tx.method === 'mint') {
                  owned++;
                  minted++;
                }
                if (step.tx.method === 'burn') owned--;
              }
              const contract = chain.contracts.get('nft')!;
              const balances = chain.accounts.map((a) => contract.call('balanceOf', { owner: a.address }) as bigint);
              invariant.sumConserved('nft balances', owned, balances.map(BigInt), step);
            },
          });
          await chain.close();
        },
      ),
      { numRuns: 15 },
    );
    // every run mints the prelude's four tokens, and more when the deployer (the only minter) draws mint
    expect(minted).toBeGreaterThanOrEqual(4 * 15);
  }, 120_000);

  it('gas report: min / median / max per method from the runs above; gas by host-call kind in a trace', async () => {
    const chain = await createTestChain({ accounts: 2, gasReport: true });
    const [deployed] = [await chain.deploy(token, { args: { name: 'T', symbol: 'T', decimals: 0, supply: SUPPLY } })];
    const amounts = [1n, 2n, 3n, 10n, 20n];
    const receipts = [];
    for (const amount of amounts)
      receipts.push(await deployed.send('transfer', { to: chain.accounts[1]!.address, amount }));
    const rows = chain.gas!.rows();
    const transfer = rows.find((r) => r.method === 'transfer')!;
    const used = receipts.map((r) => r.gasUsed).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(transfer).toEqual({
      contract: 'token',
      method: 'transfer',
      calls: 5,
      min: used[0],
      median: used[2],
      max: used[4],
    });
    expect(rows.map((r) => r.method)).toEqual(['deploy', 'transfer']);
    const table = formatGasReport(rows);
    expect(table.split('\n')[0]).toMatch(/^contract\s+method\s+calls\s+min\s+median\s+max$/);
    expect(table).toContain(used[0]!.toLocaleString('en-US'));

    const trace = chain.trace(receipts[0]!.txHash)!;
    const profile = hostCallProfile(trace);
    const ops = profile.map((p) => p.op);
    expect(ops).toContain('storage_write');
    expect(ops).toContain('storage_read');
    // the profile accounts for every host call of the trace, and is sorted by gas
    expect(profile.reduce((n, p) => n + p.calls, 0)).toBe(trace.hostCalls.length);
    expect(profile.map((p) => p.gas)).toEqual(
      [...profile.map((p) => p.gas)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)),
    );
    const storageGas = trace.hostCalls.filter((h) => h.op === 'storage_write').reduce((g, h) => g + h.gas, 0n);
    expect(profile.find((p) => p.op === 'storage_write')!.gas).toBe(storageGas);
    await chain.close();
  });
});
