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
      name: 'only-through-index',
      comment: 'another folder is reached only through its index.ts, its public face',
      severity: 'error',
      from: { path: `^${FOLDERS}/` },
      to: { path: `^${FOLDERS}/`, pathNot: ['^$1/', `^${FOLDERS}/index\\.ts$`] },
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
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: {},
  },
};
