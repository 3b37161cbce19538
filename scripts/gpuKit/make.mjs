// Builds the GPU kit (.gpukit/, git-ignored): everything a machine with a GPU but no Node, no npm and no network
// needs to run Layer Lens's GPU check (docs/gpu-check.md), in ≤ 55 MiB so it travels with the repository:
//   node.xz                 this Node binary, xz-compressed (run.sh unpacks it into /tmp)
//   bundle/kit.js           scripts/gpuKit/kitMain.ts and the product code it calls, one esbuild bundle
//   bundle/topkWorker.js    the top-k decode worker (looked for beside the bundle, as in dist/)
//   bundle/*.wasm, bundle/layer_lens_kernels.node   TF.js's wasm kernels, the WebP decoder, the native kernels
//   webgpu/                 the `webgpu` package's JS with dist/linux-x64/dawn.node.xz (Dawn)
//   debs/                   the Vulkan loader (libvulkan1) for Dawn, unpacked by run.sh with dpkg -x
//   run.sh                  the runner (scripts/gpuKit/run.sh)
// Usage: node scripts/gpuKit/make.mjs [--out DIR]   (the compressed binaries and the debs are cached in
// .cache/gpukit/, so a second build takes seconds)
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(new URL('../..', import.meta.url).pathname);
const require = createRequire(import.meta.url);
export const KIT_LIMIT_BYTES = 55 * 1024 * 1024;
const cache = join(root, '.cache/gpukit');

/** `src` compressed with xz into the cache (keyed by its size and time), copied to `dest`. */
function xzInto(src, dest) {
  const st = statSync(src);
  const cached = join(cache, `${src.replace(/[^A-Za-z0-9]+/g, '_')}.${st.size}.${Math.round(st.mtimeMs)}.xz`);
  if (!existsSync(cached)) {
    mkdirSync(cache, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    const r = spawnSync('sh', ['-c', `xz -T0 -6 -c "$1" > "$2"`, 'sh', src, tmp], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`xz failed on ${src} (is xz-utils installed?)`);
    renameSync(tmp, cached);
  }
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(cached, dest);
}

/** The Vulkan loader's .deb for amd64 (the GPU machine is x86-64), fetched once with apt-get download. */
function vulkanDebs(dest) {
  const dir = join(cache, 'debs');
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.startsWith('libvulkan1_'))) {
    mkdirSync(dir, { recursive: true });
    const lists = join(cache, 'apt-lists');
    mkdirSync(join(lists, 'partial'), { recursive: true });
    const o = `-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=${lists}`;
    const r = spawnSync('sh', ['-c', `flock /tmp/apt.lock apt-get ${o} -qq update && cd "${dir}" && flock /tmp/apt.lock apt-get ${o} -qq download libvulkan1`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('apt-get download libvulkan1 failed: the kit needs the Vulkan loader .deb (Debian apt must be reachable once)');
  }
  mkdirSync(dest, { recursive: true });
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.deb'))) copyFileSync(join(dir, f), join(dest, f));
}

// In the bundle the fixtures come from the folder the runner names (fixturesDirShim.ts), not .cache/fixtures.
const fixturesShim = {
  name: 'gpukit-fixtures-dir',
  setup(build) {
    build.onResolve({ filter: /fixturesCache\.mjs$/ }, () => ({ path: join(root, 'scripts/gpuKit/fixturesDirShim.ts') }));
  },
};

async function bundle(out) {
  const common = {
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], minify: true,
    legalComments: 'none', logLevel: 'error', absWorkingDir: root,
  };
  await Promise.all([
    // `webgpu` is Dawn's addon package: loaded at run time from webgpu/ (run.sh links it as node_modules/webgpu).
    esbuild.build({ ...common, entryPoints: { kit: 'scripts/gpuKit/kitMain.ts' }, outdir: out, external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'], plugins: [fixturesShim] }),
    esbuild.build({ ...common, entryPoints: { topkWorker: 'src/core/node/batchWorkerMain.ts' }, outdir: out }),
  ]);
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(out, f));
  copyFileSync(join(root, 'node_modules/@jsquash/webp/codec/dec/webp_dec.wasm'), join(out, 'webp_dec.wasm'));
  const native = join(root, 'dist/layer_lens_kernels.node');
  if (existsSync(native)) copyFileSync(native, join(out, 'layer_lens_kernels.node'));
  else {
    const { buildNative } = await import('../buildNative.mjs');
    const r = await buildNative({ outDir: out });
    if (!r.ok) console.warn(`gpu kit: native kernels not built (${r.reason}); the CPU rows will use TF.js's wasm kernels`);
  }
}

function webgpuPackage(out) {
  const pkg = dirname(require.resolve('webgpu/package.json'));
  mkdirSync(join(out, 'dist/linux-x64'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(pkg, f), join(out, f));
  xzInto(join(pkg, 'dist/linux-x64/dawn.node'), join(out, 'dist/linux-x64/dawn.node.xz'));
}

export function kitFiles(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? kitFiles(p, base) : [{ path: p.slice(base.length + 1), bytes: statSync(p).size }];
  });
}

export async function makeKit(out) {
  const t0 = Date.now();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await bundle(join(out, 'bundle'));
  webgpuPackage(join(out, 'webgpu'));
  xzInto(process.execPath, join(out, 'node.xz'));
  vulkanDebs(join(out, 'debs'));
  cpSync(join(root, 'scripts/gpuKit/run.sh'), join(out, 'run.sh'));
  chmodSync(join(out, 'run.sh'), 0o755);
  writeFileSync(join(out, 'VERSION'), `${spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim()} node ${process.version}\n`);
  const files = kitFiles(out);
  const total = files.reduce((s, f) => s + f.bytes, 0);
  if (total > KIT_LIMIT_BYTES) throw new Error(`the kit is ${(total / 2 ** 20).toFixed(1)} MiB, over its ${KIT_LIMIT_BYTES / 2 ** 20} MiB`);
  return { files, total, ms: Date.now() - t0 };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? join(root, '.gpukit'));
  const { files, total, ms } = await makeKit(out);
  for (const f of files.sort((a, b) => b.bytes - a.bytes)) console.log(`${(f.bytes / 2 ** 20).toFixed(2).padStart(7)} MiB  ${f.path}`);
  console.log(`gpu kit: ${out}, ${(total / 2 ** 20).toFixed(1)} MiB (limit 55), built in ${(ms / 1000).toFixed(1)} s`);
}
