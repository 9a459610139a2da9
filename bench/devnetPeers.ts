/**
 * The peers of `npm run bench:devnet`: a Hardhat node (npm `hardhat@2`) and Anvil (npm
 * `@foundry-rs/anvil-linux-amd64`), each installed by the benchmark into its own folder of a cache outside the
 * repository (never project dependencies), and the same ERC-20 on both: our own minimal Solidity source below,
 * compiled with solc-js (npm `solc`, no compiler download), deployed and driven with transactions pre-signed by
 * ethers v6 (installed beside solc in a third folder, `tools`). With interval mining both peers run with a 1e9 block
 * gas limit (Gasket's) so that a 30M-gas block does not cap them; Anvil's automine keeps its default.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type ClientPlan,
  type Dialect,
  httpRequest,
  type NodeProcess,
  rpcBody,
  rpcCall,
  spawnNode,
  waitFor,
} from './devnetLoad.js';

export const PEER_VERSIONS = Object.freeze({
  hardhat: '2.29.1',
  anvil: '1.7.1',
  solc: '0.8.26',
  ethers: '6',
});

/** Where peers are installed: $GASKET_BENCH_PEERS, else ~/.cache/gasket-bench-peers (outside the repository). */
export const PEERS_DIR = process.env.GASKET_BENCH_PEERS ?? join(homedir(), '.cache', 'gasket-bench-peers');

const PACKAGES: Record<'hardhat' | 'anvil' | 'tools', string[]> = {
  hardhat: [`hardhat@${PEER_VERSIONS.hardhat}`],
  anvil: [`@foundry-rs/anvil-linux-amd64@${PEER_VERSIONS.anvil}`],
  tools: [`solc@${PEER_VERSIONS.solc}`, `ethers@${PEER_VERSIONS.ethers}`],
};

/** Installs each peer into its own folder unless already there; returns notes on what was done. */
export function installPeers(): string[] {
  const notes: string[] = [];
  for (const [folder, packages] of Object.entries(PACKAGES)) {
    const dir = join(PEERS_DIR, folder);
    const marker = join(dir, 'node_modules', '.gasket-bench-installed');
    if (existsSync(marker)) continue;
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json'))) {
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `peer-${folder}`, private: true })}\n`);
    }
    const started = Date.now();
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', ...packages], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    writeFileSync(marker, packages.join('\n'));
    notes.push(`installed ${packages.join(' ')} into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return notes;
}

const HARDHAT_CLI = () => join(PEERS_DIR, 'hardhat', 'node_modules', 'hardhat', 'internal', 'cli', 'cli.js');
const ANVIL_BIN = () => join(PEERS_DIR, 'anvil', 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
const toolsRequire = () => createRequire(join(PEERS_DIR, 'tools', 'package.json'));

export const ERC20_SOURCE = `// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// A minimal ERC-20 for the Gasket devnet benchmark.
contract BenchToken {
    string public name;
    string public symbol;
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint256 supply) {
        name = name_;
        symbol = symbol_;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            require(allowed >= value, "ERC20: allowance");
            allowance[from][msg.sender] = allowed - value;
        }
        _transfer(from, to, value);
        return true;
    }

    function _transfer(address from, address to, uint256 value) internal {
        require(to != address(0), "ERC20: zero address");
        uint256 balance = balanceOf[from];
        require(balance >= value, "ERC20: balance");
        unchecked {
            balanceOf[from] = balance - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
`;

/** Creation bytecode (0x-hex) of the ERC-20, from solc-js with the optimizer on. */
export function compileErc20(): string {
  const solc = toolsRequire()('solc') as { compile(input: string): string; version(): string };
  const input = {
    language: 'Solidity',
    sources: { 'BenchToken.sol': { content: ERC20_SOURCE } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return `0x${output.contracts['BenchToken.sol']!.BenchToken!.evm.bytecode.object}`;
}

export function solcVersion(): string {
  return (toolsRequire()('solc') as { version(): string }).version();
}

type EthersWallet = {
  readonly address: string;
  signTransaction(tx: Record<string, unknown>): Promise<string>;
};
type Ethers = {
  Wallet: new (privateKey: string) => EthersWallet;
  HDNodeWallet: { fromPhrase(phrase: string, password?: string, path?: string): { privateKey: string } };
  AbiCoder: { defaultAbiCoder(): { encode(types: string[], values: unknown[]): string } };
  keccak256(data: string): string;
  getCreateAddress(tx: { from: string; nonce: number }): string;
};

const MNEMONIC = 'test test test test test test test test test test test junk';
const CHAIN_ID = 31337;
const GAS_PRICE = 100_000_000_000n;
const SUPPLY = 10n ** 30n;

/** The pre-signed work for a peer (identical on Hardhat and Anvil: same keys, chain id and contract address). */
export type EthWorkload = {
  readonly setup: readonly { raw: string; hash: string }[];
  /** per sender (dev accounts 1..8): its transfers */
  readonly transfers: readonly { raw: string; hash: string }[][];
  readonly token: string;
};

/**
 * Signs the deployment, the funding transfers (deployer -> each sender) and `perSender` token transfers for each
 * of `senders` senders (dev accounts 1..senders), `perSender(s)` for sender s, to 1,000 recipients in turn.
 */
export async function signEthWorkload(senders: number, perSender: (sender: number) => number): Promise<EthWorkload> {
  const ethers = toolsRequire()('ethers') as Ethers;
  const wallets = Array.from(
    { length: senders + 1 },
    (_, i) => new ethers.Wallet(ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey),
  );
  const deployer = wallets[0]!;
  const token = ethers.getCreateAddress({ from: deployer.address, nonce: 0 });
  const bytecode = compileErc20();
  const ctor = ethers.AbiCoder.defaultAbiCoder().encode(['string', 'string', 'uint256'], ['Bench', 'BNC', SUPPLY]);
  const sign = async (wallet: EthersWallet, tx: Record<string, unknown>) => {
    const raw = await wallet.signTransaction({ type: 0, chainId: CHAIN_ID, gasPrice: GAS_PRICE, value: 0n, ...tx });
    return { raw, hash: ethers.keccak256(raw) };
  };
  const transferData = (to: string, amount: bigint) =>
    `0xa9059cbb${to.slice(2).toLowerCase().padStart(64, '0')}${amount.toString(16).padStart(64, '0')}`;
  const setup = [await sign(deployer, { nonce: 0, gasLimit: 2_000_000, data: bytecode + ctor.slice(2) })];
  for (let s = 1; s <= senders; s++) {
    setup.push(
      await sign(deployer, {
        nonce: s,
        gasLimit: 100_000,
        to: token,
        data: transferData(wallets[s]!.address, SUPPLY / 100n),
      }),
    );
  }
  const recipients = Array.from({ length: 1000 }, (_, i) => `0x${(0xbe000000 + i).toString(16).padStart(40, '0')}`);
  const transfers: { raw: string; hash: string }[][] = [];
  for (let s = 1; s <= senders; s++) {
    const list: { raw: string; hash: string }[] = [];
    for (let n = 0; n < perSender(s); n++) {
      list.push(
        await sign(wallets[s]!, {
          nonce: n,
          gasLimit: 100_000,
          to: token,
          data: transferData(recipients[(n * senders + s) % recipients.length]!, 1n),
        }),
      );
    }
    transfers.push(list);
  }
  return { setup, transfers, token };
}

export const ETH_DIALECT: Dialect = {
  checkSend(body) {
    if (body.includes('"error"')) throw new Error(`send failed: ${body.slice(0, 300)}`);
  },
  receipt(body) {
    if (body.includes('"result":null')) return 'pending';
    if (!body.includes('"status":"0x1"')) throw new Error(`transfer failed: ${body.slice(0, 300)}`);
    return 'ready';
  },
};

/** Sends the set-up transactions and waits for each receipt (status 1). */
export async function deployEth(port: number, workload: EthWorkload): Promise<void> {
  for (const tx of workload.setup) {
    await rpcCall(port, 'eth_sendRawTransaction', [tx.raw]);
  }
  for (const tx of workload.setup) {
    const receipt = (await waitFor(port, 'eth_getTransactionReceipt', [tx.hash])) as { status: string };
    if (receipt.status !== '0x1') throw new Error(`set-up transaction ${tx.hash} failed`);
  }
}

/**
 * The requests of each client: `clients` senders sharing `total` transfers, from each sender's `offset`-th (the
 * transfers before it went to the warm-up, so the nonces follow on).
 */
export function ethPlans(
  port: number,
  workload: EthWorkload,
  clients: number,
  total: number,
  offset = 0,
): ClientPlan[] {
  const each = Math.floor(total / clients);
  return workload.transfers.slice(0, clients).map((list) => ({
    sends: list
      .slice(offset, offset + each)
      .map((tx, i) => httpRequest(port, rpcBody('eth_sendRawTransaction', [tx.raw], i))),
    receipts: list
      .slice(offset, offset + each)
      .map((tx, i) => httpRequest(port, rpcBody('eth_getTransactionReceipt', [tx.hash], i))),
  }));
}

export type PeerName = 'hardhat' | 'hardhat-quiet' | 'anvil';
export type Mining = 'automine' | 'interval';

const ETH_PROBE = rpcBody('eth_chainId', []);

/** Starts a peer on `port` (automine or 1 s interval mining); `hardhat-quiet` turns Hardhat's request log off. */
export async function startPeer(name: PeerName, mining: Mining, port: number): Promise<NodeProcess> {
  if (name === 'anvil') {
    return spawnNode(
      ANVIL_BIN(),
      [
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        ...(mining === 'interval' ? ['--gas-limit', '1000000000', '--block-time', '1'] : []),
        ...(process.env.BENCH_ANVIL_ARGS?.split(' ').filter(Boolean) ?? []),
      ],
      port,
      ETH_PROBE,
    );
  }
  const dir = join(PEERS_DIR, 'hardhat');
  const config = join(dir, `hardhat.${mining}.config.cjs`);
  const miningConfig = mining === 'interval' ? '{ auto: false, interval: 1000 }' : '{ auto: true }';
  writeFileSync(
    config,
    `module.exports = { networks: { hardhat: { chainId: ${CHAIN_ID}, blockGasLimit: 1000000000, mining: ${miningConfig} } } };\n`,
  );
  const node = await spawnNode(
    process.execPath,
    [HARDHAT_CLI(), '--config', config, 'node', '--hostname', '127.0.0.1', '--port', String(port)],
    port,
    ETH_PROBE,
    { cwd: dir, env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', DO_NOT_TRACK: '1' } },
  );
  if (name === 'hardhat-quiet') await rpcCall(port, 'hardhat_setLoggingEnabled', [false]);
  return node;
}
