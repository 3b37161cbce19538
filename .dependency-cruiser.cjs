// The rooms of docs/architecture.md as rules the build checks (`npm run lint`, part of `npm test`).
// Every import is resolved to a file first, so a rule names folders, as the architecture's table does,
// whatever relative path or `node:` prefix the import was written with. Only imports are checked, no style.

/** Node's built-in modules (`fs`, `node:fs`, …): dependency-cruiser calls them "core" modules. */
const NODE_BUILTIN = { dependencyTypes: ['core'] };
const VSCODE = '^vscode$|(^|/)node_modules/@types/vscode/';
// Paths of packages are matched anywhere, as node_modules may be a link to another folder.
const TFJS = '(^|/)node_modules/@tensorflow/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-only-shared',
      comment:
        'src/shared is loaded by every room (extension host, engine, CLI, browser webview): it may import only itself and ' +
        'base64-js (pure JavaScript that runs everywhere), never vscode, node builtins, TF.js or another room.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: '^src/shared/|(^|/)node_modules/base64-js/' },
    },
    {
      name: 'core-no-vscode',
      comment: 'src/core runs in the engine and the CLI, where there is no vscode module.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: VSCODE },
    },
    {
      name: 'core-node-builtins-only-in-core-node',
      comment:
        'Only src/core/node may use node builtins (files, workers, the addon): the rest of src/core takes its bytes ' +
        'through seams, so it can run wherever TF.js runs.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '^src/core/node/' },
      to: NODE_BUILTIN,
    },
    {
      name: 'core-not-through-core-node',
      comment: 'The node-free part of src/core must not reach node builtins through src/core/node either.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '^src/core/node/' },
      to: { path: '^src/core/node/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-imports-no-other-room',
      comment: 'src/core is the bottom room: it knows src/shared and nothing above it.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/(host|engine|cli)|webview)/' },
    },
    {
      name: 'engine-no-vscode',
      comment: 'The engine is a plain Node child process; it talks to the host only through the RPC protocol.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: VSCODE },
    },
    {
      name: 'engine-imports-no-upper-room',
      comment: 'The engine serves the host and the webviews through src/shared protocols, never by importing them.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^(src/(host|cli)|webview)/' },
    },
    {
      name: 'host-no-tfjs',
      comment:
        'The extension host is shared by every extension: TF.js (and the native bindings it may load) stays in the engine process.',
      severity: 'error',
      from: { path: '^src/host/' },
      to: { path: TFJS },
    },
    {
      name: 'host-no-core-or-engine',
      comment:
        'The host reaches the model only through its engine client (src/host/engine) and the src/shared protocol; ' +
        'importing src/core or src/engine would run TF.js inside the extension host.',
      severity: 'error',
      from: { path: '^src/host/' },
      to: { path: '^(src/(core|engine|cli)|webview)/' },
    },
    {
      name: 'webview-imports-shared-and-elements-only',
      comment:
        'Webviews are browser pages that talk to the host only through postMessage: they may import their own folder, ' +
        'src/shared and @vscode-elements, never vscode, node builtins, TF.js or another room.',
      severity: 'error',
      from: { path: '^webview/' },
      to: { pathNot: '^(webview|src/shared)/|(^|/)node_modules/@vscode-elements/' },
    },
    {
      name: 'cli-no-vscode',
      comment: 'The layer-lens command line runs in plain Node, without VS Code.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: VSCODE },
    },
    {
      name: 'cli-imports-no-host-or-engine',
      comment: 'The CLI runs src/core in its own process; the host and the engine are the extension\'s, not its.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^(src/(host|engine)|webview)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (a room must not even name another room's types unless allowed).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
