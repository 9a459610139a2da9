/**
 * The devnet explorer end to end in a real browser (issue 10): headless Chromium (Debian's `chromium`, driven by
 * playwright-core; no browser download) against a devnet on a random loopback port with the example token
 * deployed. Opens the contract page, calls `balanceOf` through its generated form, sees a wrong argument refused
 * beside its field with nothing sent, sends a `transfer` and sees its receipt and its Transfer event appear live,
 * searches the transaction hash and finds the transaction page with its call trace, and searches for something
 * that does not exist; checks the live overview and the dev controls (mine, snapshot, revert). Screenshots go to
 * the test's temporary folder. Skips, saying why, without /usr/bin/chromium (`.ci/run` installs it).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, encodeArgs } from '../contracts/index.js';
import { createClient, type Devnet, startDevnet } from '../devnet/index.js';
import { REPO_ROOT } from './runBin.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  process.stderr.write(`explorer browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)\n`);
}

const SUPPLY = 1_000_000n;

describe.skipIf(!HAVE_CHROMIUM)('explorer in headless Chromium (skipped without /usr/bin/chromium)', () => {
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;
  let token: string;
  let alice: string;
  let bob: string;
  let transferHash: string;
  const shots = mkdtempSync(join(tmpdir(), 'gasket-explorer-'));

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dist/explorer/index.html'))) {
      const vite = spawnSync('npx', ['vite', 'build', '--config', 'devnet/explorer/vite.config.ts'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      if (vite.status !== 0) throw new Error(`vite build failed: ${vite.stderr}`);
    }
    const [code, { chromium }] = await Promise.all([buildExample('token'), import('playwright-core')]);
    devnet = await startDevnet({ inMemory: true, host: '127.0.0.1', port: 0 });
    const client = createClient({ url: devnet.server.url });
    const accounts = await client.dev.accounts();
    alice = accounts[0]!.address;
    bob = accounts[1]!.address;
    const deploy = await client.dev.sendUnsigned({
      from: 0,
      kind: 'deploy',
      code,
      args: encodeArgs('Gasket Token', 'GST', 0, SUPPLY),
    });
    const receipt = await client.waitForReceipt(deploy);
    expect(receipt.status).toBe('ok');
    token = receipt.contractAddress!;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(15_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await devnet?.close();
  });

  it('serves the page at the RPC port root and keeps POST as JSON-RPC', async () => {
    const html = await fetch(devnet.server.url);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<div id="app">');
    const rpc = await fetch(devnet.server.url, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_id' }),
    });
    expect(((await rpc.json()) as { result: { chainId: string } }).result.chainId).toMatch(/^\d+$/);
  });

  it('contract page: balanceOf through its form, a bad argument refused, a transfer with its receipt and live event', async () => {
    await page.goto(`${devnet.server.url}#/address/${token}`);
    const balanceOf = page.getByTestId('method-balanceOf');
    await balanceOf.locator('input[name="account"]').fill(alice);
    await balanceOf.getByRole('button', { name: 'Call' }).click();
    await expect.poll(() => balanceOf.getByTestId('result-balanceOf').textContent()).toContain('1,000,000');

    const events = page.getByTestId('contract-events').locator('tr.event');
    await expect.poll(() => events.count()).toBe(1); // the mint to the deployer at init

    const transfer = page.getByTestId('method-transfer');
    const headBefore = devnet.chain.head.header.height;
    await transfer.locator('input[name="to"]').fill('0x1234');
    await transfer.locator('input[name="amount"]').fill('-5');
    await transfer.locator('input[name="__value"]').fill('lots');
    await transfer.getByRole('button', { name: 'Send' }).click();
    expect(await transfer.getByTestId('error-to').textContent()).toContain('64 hex digits');
    expect(await transfer.getByTestId('error-amount').textContent()).toContain('out of u128 range');
    expect(await transfer.getByTestId('error-value').textContent()).toContain('whole number');
    expect(devnet.chain.head.header.height).toBe(headBefore); // nothing was sent

    await transfer.locator('input[name="to"]').fill(bob);
    await transfer.locator('input[name="amount"]').fill('250,000');
    await transfer.locator('input[name="__value"]').fill('');
    await transfer.getByRole('button', { name: 'Send' }).click();
    const sent = transfer.getByTestId('sent-transfer');
    await sent.waitFor();
    expect(await sent.getByTestId('receipt').locator('.badge').first().textContent()).toBe('ok');
    expect(await sent.getByTestId('return-value').textContent()).toContain('true');
    expect(await sent.getByTestId('events').textContent()).toContain('Transfer');
    expect(await sent.getByTestId('events').textContent()).toContain('250,000');
    // the contract's event list gets the new Transfer over the WebSocket subscription, without a reload
    await expect.poll(() => events.count()).toBe(2);
    expect(await events.first().textContent()).toContain('250,000');

    await balanceOf.locator('input[name="account"]').fill(bob);
    await balanceOf.getByRole('button', { name: 'Call' }).click();
    await expect.poll(() => balanceOf.getByTestId('result-balanceOf').textContent()).toContain('250,000');
    await page.screenshot({ path: join(shots, 'contract.png'), fullPage: true });
    transferHash = (await sent.locator('a').first().getAttribute('title'))!;

    // a transfer of more than the sender holds: mined, reverted, and the revert message shown from the receipt
    await transfer.locator('input[name="amount"]').fill((SUPPLY * 10n).toString());
    await transfer.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => sent.getByTestId('receipt').locator('.badge').first().textContent()).toBe('revert');
    expect(await sent.getByTestId('receipt-error').textContent()).toContain('insufficient balance');
  });

  it('search: the transaction hash opens its page with receipt and call trace; an unknown hash is not found', async () => {
    const txHash = transferHash;
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    await page.getByTestId('search').fill(txHash);
    await page.getByTestId('search').press('Enter');
    await page.waitForURL(`**#/tx/${txHash}`);
    await page.getByTestId('trace-frame').first().waitFor();
    expect(await page.getByTestId('transaction').textContent()).toContain('transfer(');
    const trace = await page.getByTestId('trace').textContent();
    expect(trace).toContain('storage_write');
    await expect.poll(() => page.getByTestId('trace').textContent()).toContain('.transfer(to: 0x'); // named by the interface
    expect(await page.getByTestId('trace').textContent()).toContain('amount: 250,000');
    expect(trace).toMatch(/gas [\d,]+ \(self [\d,]+ of limit [\d,]+\)/);
    const toggle = page.getByTestId('trace-frame').first().locator('button.toggle');
    expect(await page.locator('.host-call').count()).toBeGreaterThan(3);
    await toggle.click(); // collapses the frame: its host calls are gone
    await expect.poll(() => page.locator('.host-call').count()).toBe(0);
    await toggle.click();
    await expect.poll(() => page.locator('.host-call').count()).toBeGreaterThan(3);
    await page.screenshot({ path: join(shots, 'transaction.png'), fullPage: true });

    await page.getByTestId('search').fill(`0x${'ab'.repeat(32)}`);
    await page.getByTestId('search').press('Enter');
    await page.getByTestId('not-found').waitFor();
    process.stdout.write(`explorer screenshots: ${shots}\n`);
  });

  it('overview: head, latest transactions, and a block mined elsewhere appears without a reload', async () => {
    await page.goto(`${devnet.server.url}#/`);
    const head = page.getByTestId('head-height');
    await expect.poll(() => head.textContent()).toBe(String(devnet.chain.head.header.height));
    await expect.poll(() => page.getByTestId('latest-txs').textContent()).toContain('transfer');
    const client = createClient({ url: devnet.server.url });
    const mined = await client.dev.mine();
    await expect.poll(() => head.textContent()).toBe(String(mined.height));
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
  });

  it('dev controls: mine, snapshot, revert, and the head in the header follows', async () => {
    await page.goto(`${devnet.server.url}#/dev`);
    const dev = page.getByTestId('dev');
    const start = devnet.chain.head.header.height;
    await dev.getByRole('button', { name: 'Take snapshot' }).click();
    await dev.getByRole('button', { name: /Revert to snapshot/ }).waitFor();
    await dev.locator('input').first().fill('3');
    await dev.getByRole('button', { name: 'Mine', exact: true }).click();
    await expect.poll(() => devnet.chain.head.header.height).toBe(start + 3n);
    await expect.poll(() => page.locator('.head-status').textContent()).toContain(`block ${start + 3n}`);
    await dev.getByRole('button', { name: /Revert to snapshot/ }).click();
    await expect.poll(() => devnet.chain.head.header.height).toBe(start);
    await expect.poll(() => page.locator('.head-status').textContent()).toContain(`block ${start} `);
  });
});
