// Builds the GPU kit (.gpukit/, git-ignored): everything a machine with a GPU but no Node, no npm and no network
// needs to run Layer Lens's GPU check (docs/gpu-check.md), in ≤ 55 MiB so it travels with the repository:
//   node.xz                 this Node binary, xz-compressed (run.sh unpacks it into /tmp)
//   bundle/kit.js           scripts/gpuKit/kitMain.ts and the product code it calls, one esbuild bundle
//   bundle/topkWorker.js    the top-k decode worker (looked for beside the bundle, as in dist/)
//   bundle/*.wasm, bundle/layer_lens_kernels.node   TF.js's wasm kernels, the WebP decoder, the native kernels
//   webgpu/                 the `webgpu` package's JS with dist/linux-x64/dawn.node.xz (Dawn)
//   debs/                   the Vulkan loader (libvulkan1) for Dawn, unpacked by run.sh with dpkg -x
//   reference/              the repo's fixture cache index.json (and the attribution references' one): what
//                           run.sh's compareIndex.py holds the GPU machine's fixtures against (20 KB)
//   run.sh                  the runner (scripts/gpuKit/run.sh)
// Usage: node scripts/gpuKit/make.mjs [--out DIR] [--xz-preset 0-9]   (the compressed binaries and the debs are
// cached in .cache/gpukit/, keyed by file and preset, so a second build takes seconds). The preset (default 6, or
// LL_GPUKIT_XZ_PRESET) trades the kit's size for build time: -0 compresses Node in ~3 s instead of ~60 s on 2
// cores and makes the kit ~8 MiB larger; the kit's test builds with it, a kit for the GPU uses the default.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fixturesKey } from '../fixtures/fixturesCache.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const require = createRequire(import.meta.url);
export const KIT_LIMIT_BYTES = 55 * 1024 * 1024;
export const DEFAULT_XZ_PRESET = 6;
const cache = join(root, '.cache/gpukit');

/** The preset asked for (option, else LL_GPUKIT_XZ_PRESET, else 6), checked: xz takes 0-9. */
export function xzPreset(asked = process.env.LL_GPUKIT_XZ_PRESET) {
  const preset = Number(asked ?? DEFAULT_XZ_PRESET);
  if (!Number.isInteger(preset) || preset < 0 || preset > 9) throw new Error(`gpu kit: the xz preset is a whole number 0-9, not ${asked}`);
  return preset;
}

/** Where `src` compressed at `preset` is cached: keyed by its path, size, time and the preset, so a kit built fast
 * (the test's -0) is never copied into one built at the default. */
export function xzCachePath(src, preset) {
  const st = statSync(src);
  return join(cache, `${src.replace(/[^A-Za-z0-9]+/g, '_')}.${st.size}.${Math.round(st.mtimeMs)}.xz${preset}`);
}

/** `src` compressed with xz at `preset` into the cache, copied to `dest`. */
function xzInto(src, dest, preset) {
  const cached = xzCachePath(src, preset);
  if (!existsSync(cached)) {
    mkdirSync(cache, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    const r = spawnSync('sh', ['-c', `xz -T0 -${preset} -c "$1" > "$2"`, 'sh', src, tmp], { stdio: 'inherit' });
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

function webgpuPackage(out, preset) {
  const pkg = dirname(require.resolve('webgpu/package.json'));
  mkdirSync(join(out, 'dist/linux-x64'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(pkg, f), join(out, f));
  xzInto(join(pkg, 'dist/linux-x64/dawn.node'), join(out, 'dist/linux-x64/dawn.node.xz'), preset);
}

/** The cache keys prepare.py computes (cacheKeys.json): the fixture scripts' hash, and the attribution script's. */
export function referenceKeys() {
  const fixtures = fixturesKey();
  const a = createHash('sha256');
  a.update(fixtures);
  a.update(readFileSync(join(root, 'scripts/fixtures/attributionRefs.py')));
  return { fixtures, attribution: a.digest('hex').slice(0, 16) };
}

/**
 * The repo's fixture index.json (required: without it the GPU run cannot tell whether its torch made the same
 * fixtures) and the attribution references' one (when made; the attribution tests make them), with their keys.
 */
function references(out) {
  const keys = referenceKeys();
  const fixtures = join(root, '.cache/fixtures', keys.fixtures, 'index.json');
  if (!existsSync(fixtures)) throw new Error(`gpu kit: ${fixtures} is missing: run \`npm run fixtures\` first (the kit carries it for compareIndex.py)`);
  mkdirSync(out, { recursive: true });
  copyFileSync(fixtures, join(out, 'fixtures.index.json'));
  const attribution = join(root, '.cache/attribution', keys.attribution, 'index.json');
  const withAttribution = existsSync(attribution);
  if (withAttribution) copyFileSync(attribution, join(out, 'attribution.index.json'));
  else console.warn(`gpu kit: no ${attribution} (the attribution tests make it): the GPU run compares the fixtures only`);
  writeFileSync(join(out, 'keys.json'), `${JSON.stringify({ ...keys, attribution: withAttribution ? keys.attribution : null }, null, 1)}\n`);
}

export function kitFiles(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? kitFiles(p, base) : [{ path: p.slice(base.length + 1), bytes: statSync(p).size }];
  });
}

/** Builds the kit into `out`; `xzPreset` (default: LL_GPUKIT_XZ_PRESET, else 6) is written into VERSION. */
export async function makeKit(out, options = {}) {
  const t0 = Date.now();
  const preset = xzPreset(options.xzPreset === undefined ? undefined : String(options.xzPreset));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await bundle(join(out, 'bundle'));
  webgpuPackage(join(out, 'webgpu'), preset);
  xzInto(process.execPath, join(out, 'node.xz'), preset);
  vulkanDebs(join(out, 'debs'));
  references(join(out, 'reference'));
  cpSync(join(root, 'scripts/gpuKit/run.sh'), join(out, 'run.sh'));
  chmodSync(join(out, 'run.sh'), 0o755);
  const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(out, 'VERSION'), `${commit} node ${process.version} xz -${preset}${preset === DEFAULT_XZ_PRESET ? '' : ' (a test build)'}\n`);
  const files = kitFiles(out);
  const total = files.reduce((s, f) => s + f.bytes, 0);
  if (total > KIT_LIMIT_BYTES) throw new Error(`the kit is ${(total / 2 ** 20).toFixed(1)} MiB, over its ${KIT_LIMIT_BYTES / 2 ** 20} MiB`);
  return { files, total, ms: Date.now() - t0 };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'xz-preset': { type: 'string' } } });
  const out = resolve(values.out ?? join(root, '.gpukit'));
  const { files, total, ms } = await makeKit(out, { xzPreset: values['xz-preset'] });
  for (const f of files.sort((a, b) => b.bytes - a.bytes)) console.log(`${(f.bytes / 2 ** 20).toFixed(2).padStart(7)} MiB  ${f.path}`);
  console.log(`gpu kit: ${out}, ${(total / 2 ** 20).toFixed(1)} MiB (limit 55), built in ${(ms / 1000).toFixed(1)} s`);
}
