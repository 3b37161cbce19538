// Builds every bundle: the extension host (node, cjs, `vscode` external), the engine child process,
// the CLI, and the webview scripts (browser). Copies TF.js's .wasm files beside the node bundles.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildNative } from './scripts/buildNative.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = new URL('.', import.meta.url).pathname;
const dist = join(root, 'dist');

// Native TF.js bindings are optional and loaded by path at run time; never bundle them. `webgpu` (Dawn's Node
// addon, optional) is imported at run time by the engine and the CLI only (src/core/node/webgpu/dawn.ts).
const nativeExternals = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// 'module' first: TF.js's ESM entries are the ones its package.json lists as having side effects (backend
// registration); through 'main' esbuild would drop `import '@tensorflow/tfjs-backend-cpu'`.
// Emscripten starts a fixed pool of 8 pthread workers with the threaded wasm module, each loading the module and
// compiling the .wasm, before the backend is ready: ~0.5 s of CPU per CLI or engine start on 2 cores that need 1.
// The pool takes its size from src/core/node/wasmThreadsNode.ts instead (the threads asked for, less the caller).
const POOL_LINE = 'var pthreadPoolSize=8;';
const wasmPthreadPool = {
  name: 'wasm-pthread-pool',
  setup(build) {
    build.onLoad({ filter: /tfjs-backend-wasm-threaded-simd\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (text.split(POOL_LINE).length !== 2) throw new Error(`${args.path}: no single "${POOL_LINE}" (a tfjs-backend-wasm update?)`);
      return { contents: text.replace(POOL_LINE, 'var pthreadPoolSize=globalThis.__layerLensWasmPthreadPool||8;'), loader: 'js' };
    });
  },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], plugins: [wasmPthreadPool] };

const builds = [
  { ...node, entryPoints: { extension: 'src/host/extension.ts' }, outdir: dist, external: ['vscode'] },
  { ...node, entryPoints: { engine: 'src/engine/main.ts' }, outdir: dist, external: nativeExternals },
  // The engine's top-k decode worker (src/core/node/nodeBatchWorker.ts looks for it beside the engine).
  { ...node, entryPoints: { topkWorker: 'src/core/node/batchWorkerMain.ts' }, outdir: dist },
  // The engine's model-load check (src/engine/modelLoadCheck.ts looks for it beside the engine).
  { ...node, entryPoints: { modelLoadWorker: 'src/engine/modelLoadWorker.ts' }, outdir: dist },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: dist, external: nativeExternals, banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: webviewEntries(),
    outdir: join(dist, 'webview'),
  },
];

function webviewEntries() {
  const dir = join(root, 'webview/src/panels');
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => [f.replace(/\.ts$/, ''), join(dir, f)]),
  );
}

function copyWasm() {
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(dist, { recursive: true });
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(dist, f));
  // The WebP decoder's wasm, looked up beside the bundle by src/core/node/nodeWebpWasm.ts.
  copyFileSync(join(root, 'node_modules/@jsquash/webp/codec/dec/webp_dec.wasm'), join(dist, 'webp_dec.wasm'));
}

copyWasm();
// The native kernels are optional: a machine without a C++ compiler still gets a working build (wasm kernels).
const native = buildNative({ outDir: dist }).then((r) => {
  if (!r.ok) console.warn(`Layer Lens: native kernels not built (${r.reason}); the engine will use TF.js's wasm kernels.`);
});
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
await native;
