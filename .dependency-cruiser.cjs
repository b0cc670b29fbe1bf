/**
 * The import rules of docs/architecture.md, checked in CI (`npm run lint:imports`): a rule broken
 * here is a layer a reader can no longer trust.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle means two modules each need the other to change; give the shared rule one home.',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-foreign-repository',
      severity: 'error',
      comment: "A module reaches another module's tables through that module's service, never its repository.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+[.]repository[.]ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'no-resolver-below-services',
      severity: 'error',
      comment: 'Resolvers parse input, call a service and map errors; SQL and providers sit behind services.',
      from: { path: '[.](schema|routes)[.]ts$' },
      to: { path: '([.]repository[.]ts|[.]provider[.]ts|[.]sql[.]ts)$' },
    },
    {
      name: 'no-transaction-in-resolvers',
      severity: 'error',
      comment: 'The use-case service owns the transaction, so that every path into a change runs the same steps.',
      from: { path: '[.](schema|routes)[.]ts$' },
      to: { path: '^src/db/transaction[.]ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
}
