// Import rules of docs/architecture.md, checked by `npm run lint` (part of `npm test`).
// Data flows metering/state -> vm -> devnet; a folder reaches another only through that folder's index.ts.
const FOLDERS = '(metering|state|vm|contracts|devnet|test|bench)';

/** A rule forbidding `from` to import anything of `to`; unit tests beside the code may also use test/'s helpers. */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to, pathNot: '^test/index[.]ts$' },
});

module.exports = {
  forbidden: [
    forbid(
      'metering-is-a-leaf',
      'metering/ may import only errors.ts and itself',
      '^metering/',
      '^(state|vm|devnet|contracts|test|bench)/',
    ),
    forbid(
      'state-is-a-leaf',
      'state/ may import only errors.ts and itself',
      '^state/',
      '^(metering|vm|devnet|contracts|test|bench)/',
    ),
    forbid(
      'vm-below-devnet',
      'vm/ may import metering/ and state/, never devnet/',
      '^vm/',
      '^(devnet|contracts|test|bench)/',
    ),
    forbid(
      'devnet-not-into-tests',
      'devnet/ is product code: it never imports tests or benchmarks',
      '^devnet/',
      '^(test|bench)/',
    ),
    forbid(
      'contracts-tooling',
      'contracts/ tooling may use vm/, metering/ and state/, never devnet/',
      '^contracts/',
      '^(devnet|test|bench)/',
    ),
    {
      name: 'explorer-public-api-only',
      comment:
        'the explorer (browser code) reaches the node only through the public JSON-RPC API: of devnet/ it may ' +
        'import devnet/client/browser.ts and nothing else',
      severity: 'error',
      from: { path: '^devnet/explorer/src/' },
      to: {
        path: '^(devnet|vm|state|metering|contracts|test|bench)/',
        pathNot: ['^devnet/explorer/src/', '^devnet/client/browser[.]ts$'],
      },
    },
    {
      name: 'explorer-browser-safe',
      comment:
        'nothing the explorer bundles may be Node-only: no Node built-in, no ws, no key derivation or signing ' +
        '(devnet/keys.ts, devnet/transaction.ts, devnet/client/signer.ts, devnet/client/nodeClient.ts)',
      severity: 'error',
      from: { path: '^devnet/explorer/src/' },
      to: {
        reachable: true,
        path: [
          '^node:',
          '^(fs|path|crypto|http|https|net|os|child_process|stream|buffer|url|util|events|zlib|module|worker_threads)$',
          '^node_modules/ws/',
          '^devnet/(keys|transaction)[.]ts$',
          '^devnet/client/(signer|nodeClient)[.]ts$',
        ],
      },
    },
    {
      name: 'only-through-index',
      comment:
        'another folder is reached only through its index.ts, its public face (devnet/testing/index.ts is the ' +
        'second face of devnet/: the package export gasket/testing)',
      severity: 'error',
      from: { path: `^${FOLDERS}/` },
      to: { path: `^${FOLDERS}/`, pathNot: ['^$1/', `^${FOLDERS}/index\\.ts$`, '^devnet/testing/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|[.]gasket|coverage)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    reporterOptions: {},
  },
};
