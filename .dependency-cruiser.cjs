// Layer check (ARCHITECTURE.md §2): a layer imports only the layers below it; no import cycles.
// Order, lowest first. `security` sits below worker/dispatcher/api because all three use it
// (the architecture's folder list puts it after api; see the issue note for the reason).
const layers = [
  'model',
  'config',
  'engine',
  'store',
  'transport',
  'security',
  'worker',
  'dispatcher',
  'api',
  'cli',
];

const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `${layer} may import only ${layers.slice(0, i).join(', ') || 'nothing of pogo'}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${layers.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'web-no-node',
      comment: 'web/ imports model types and the API, nothing else',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/(?!model/)' },
    },
    {
      name: 'web-no-node-builtins',
      comment: 'web/ runs in the browser: no Node modules',
      severity: 'error',
      from: { path: '^web/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
