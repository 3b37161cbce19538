// The GPU kit (scripts/gpuKit/make.mjs → .gpukit/) must run on a machine with no Node and no node_modules: built
// once into a temp folder (xz -0: the same files, compressed in seconds instead of a minute, cached apart from the
// real kit's), it must fit its 55 MiB, hold every file run.sh names and the repo's fixture index, and its run.sh —
// run with a PATH that has no node, from a folder with no node_modules above it — must unpack its own Node and
// Dawn, load the Vulkan loader from its deb, compare the fixtures' index with the repo's, answer the probe on
// SwiftShader (standing in for the GPU) with `auto` refusing it, and leave a table that says why each target ran
// or not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxFixturesDir, repoRoot } from '../../helpers/paths';
import { SWIFTSHADER_ICD, SWIFTSHADER_MISSING } from '../../helpers/swiftshader';
import { judge } from '../../../scripts/gpuKit/kitParity';
import { targetLines } from '../../../scripts/gpuKit/kitTargets';
import type { BenchPhase } from '../../../scripts/gpuKit/kitTypes';
import type { KeyedRow } from '../../../bench/backendRowTypes';

interface Kit {
  files: { path: string; bytes: number }[];
  total: number;
}

interface Make {
  makeKit(out: string, options?: { xzPreset?: number }): Promise<Kit>;
  xzCachePath(src: string, preset: number): string;
  referenceKeys(): { fixtures: string; attribution: string };
}

const LIMIT = 55 * 1024 * 1024;
let tmp = '';
let kitDir = '';
let kit: Kit;
let make: Make;

/** The files of `dir` (relative paths) that a run.sh path pattern like `bundle/*` or `debs/*.deb` matches. */
function matching(files: string[], pattern: string): string[] {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return files.filter((f) => re.test(f));
}

describe('GPU kit', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'layer-lens-gpukit-test-'));
    kitDir = join(tmp, 'repo/.gpukit');
    make = (await import(join(repoRoot, 'scripts/gpuKit/make.mjs'))) as Make;
    kit = await make.makeKit(kitDir, { xzPreset: 0 });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('fits in 55 MiB with its Node, Dawn, bundles, wasm files, native kernels and Vulkan loader', () => {
    const sizes = Object.fromEntries(kit.files.map((f) => [f.path, f.bytes]));
    assert.ok(kit.total <= LIMIT, `the kit is ${(kit.total / 2 ** 20).toFixed(1)} MiB`);
    for (const f of ['node.xz', 'bundle/kit.js', 'bundle/topkWorker.js', 'bundle/tfjs-backend-wasm-simd.wasm', 'bundle/webp_dec.wasm',
      'webgpu/index.js', 'webgpu/package.json', 'webgpu/dist/linux-x64/dawn.node.xz', 'run.sh']) {
      assert.ok((sizes[f] ?? 0) > 0, `${f} is missing or empty`);
    }
    // Compressed, not the 99 MB binary and the 21 MB addon.
    assert.ok(sizes['node.xz']! < 40 * 2 ** 20, `node.xz is ${sizes['node.xz']} bytes`);
    assert.ok(matching(Object.keys(sizes), 'debs/libvulkan1_*.deb').length === 1, 'no libvulkan1 .deb');
  });

  it("says it is a test build and caches its -0 files apart from the real kit's", () => {
    assert.match(readFileSync(join(kitDir, 'VERSION'), 'utf8'), /^[0-9a-f]{40} node v\d+\.\d+\.\d+ xz -0 \(a test build\)\n$/);
    const fast = make.xzCachePath(process.execPath, 0);
    assert.notEqual(fast, make.xzCachePath(process.execPath, 6));
    assert.ok(existsSync(fast), `${fast}: the -0 Node is not where the cache key says`);
  });

  it("carries the repo's fixture index.json (and its keys) for compareIndex.py", () => {
    const keys = make.referenceKeys();
    const carried = JSON.parse(readFileSync(join(kitDir, 'reference/keys.json'), 'utf8')) as { fixtures: string; attribution: string | null };
    assert.equal(carried.fixtures, keys.fixtures);
    assert.equal(readFileSync(join(kitDir, 'reference/fixtures.index.json'), 'utf8'), readFileSync(join(onnxFixturesDir(), 'index.json'), 'utf8'));
    assert.equal(existsSync(join(kitDir, 'reference/attribution.index.json')), carried.attribution !== null);
  });

  it('holds every kit file run.sh names', () => {
    const script = readFileSync(join(kitDir, 'run.sh'), 'utf8');
    // The attribution references' index travels when the repo has made them (the attribution tests do).
    const optional = existsSync(join(kitDir, 'reference/attribution.index.json')) ? [] : ['reference/attribution.index.json'];
    const named = [...script.matchAll(/"\$KIT"?\/([A-Za-z][A-Za-z0-9_.*/-]*)/g)].map((m) => m[1]!).filter((n) => !optional.includes(n));
    assert.ok(named.length >= 5, `run.sh names only ${named.join(', ')}`);
    const files = kit.files.map((f) => f.path);
    for (const n of named) assert.ok(matching(files, n).length > 0, `run.sh names ${n}, which the kit lacks`);
    // The bundle run.sh starts and the worker it looks for beside it.
    assert.match(script, /KIT_JS="\$APP\/kit\.js"/);
  });

  it("run.sh starts the kit's own Node (none on PATH, no node_modules), compares the fixtures' index, probes SwiftShader (auto refuses it), skips a CUDA peer without CUDA and leaves the table", () => {
    assert.ok(existsSync(SWIFTSHADER_ICD), SWIFTSHADER_MISSING);
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    for (const t of ['bash', 'xz', 'timeout', 'tee', 'date', 'mktemp', 'cp', 'mkdir', 'chmod', 'rm', 'ls', 'head', 'awk', 'grep', 'cat', 'nproc', 'uname', 'dpkg', 'dpkg-deb', 'tar', 'env', 'dirname', 'tail', 'sed', 'df', 'python3', 'ldconfig']) {
      const found = t === 'python3' ? '/usr/bin/python3' : spawnSync('bash', ['-c', `command -v ${t} || ls /sbin/${t}`], { encoding: 'utf8' }).stdout.trim();
      if (found) symlinkSync(found, join(bin, t));
    }
    // What prepare.py would leave: here the repo's own index.json, so compareIndex.py must find them the same.
    const fixtures = join(tmp, 'prep/fixtures');
    mkdirSync(fixtures, { recursive: true });
    copyFileSync(join(onnxFixturesDir(), 'index.json'), join(fixtures, 'index.json'));
    // The kit's Python travels with the repository (tracked files), beside .gpukit/.
    cpSync(join(repoRoot, 'scripts/gpuKit/py'), join(tmp, 'repo/scripts/gpuKit/py'), { recursive: true });
    const out = join(tmp, 'out');
    const r = spawnSync('bash', [join(kitDir, 'run.sh'), '--out', out, '--icd', SWIFTSHADER_ICD, '--fixtures', fixtures, '--no-parity', '--no-cpu'], {
      cwd: tmp, env: { PATH: bin, HOME: tmp, TMPDIR: tmp }, encoding: 'utf8', timeout: 150_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /a node on PATH: none; the kit's is used/);
    assert.match(r.stdout, /^v\d+\.\d+\.\d+$/m);
    assert.match(r.stdout, /Vulkan loader: from the kit/);
    assert.match(r.stdout, /compareIndex: \d+ of \d+ fixtures the same as the reference/);
    assert.deepEqual(readdirSync(join(tmp, 'repo')).sort(), ['.gpukit', 'scripts'], 'no node_modules, nothing left in the repository');
    // Its scratch folder (Node, Dawn) is gone; the results are in OUT.
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('llkit.')), []);
    assert.deepEqual(readdirSync(out).sort(), ['log.txt', 'peer.json', 'rows.json', 'table.md']);
    const rows = JSON.parse(readFileSync(join(out, 'rows.json'), 'utf8')) as {
      probe: { probe: { ok: boolean; adapter?: { vendor: string; architecture: string; software: boolean } }; selection: { preference: string; active: string; adapter?: { software: boolean } }[] };
      compare: { same: boolean; differ: number };
      webgpu: { failure?: string };
    };
    const probe = rows.probe;
    assert.equal(probe.probe.ok, true, JSON.stringify(probe.probe));
    assert.equal(`${probe.probe.adapter?.vendor} ${probe.probe.adapter?.architecture}`, 'google swiftshader');
    assert.equal(probe.probe.adapter?.software, true);
    const auto = probe.selection.find((s) => s.preference === 'auto');
    const webgpu = probe.selection.find((s) => s.preference === 'webgpu');
    assert.equal(auto?.active, 'wasm', 'auto must never pick a software adapter');
    assert.equal(webgpu?.active, 'webgpu');
    assert.equal(webgpu?.adapter?.software, true);
    assert.deepEqual([rows.compare.same, rows.compare.differ], [true, 0]);
    // Without --allow-software the webgpu bench refuses SwiftShader, and every target says so.
    assert.match(rows.webgpu.failure ?? '', /^only a software adapter/);
    const table = readFileSync(join(out, 'table.md'), 'utf8');
    assert.match(table, /^\*\*GPU\*\*: nvidia-smi: .* · WebGPU adapter: google swiftshader.* \(software\) · torch: /m);
    assert.match(table, /^SAME: \d+ of \d+ fixtures the same as the reference/m);
    assert.match(table, /^\| Grad-CAM at inception4e vs forward \+ backward \| ≤ 1\.5× \| — \| — \| — \| NOT RUN: only a software adapter/m);
    // This torch has no CUDA: the peer (--device cuda by default) is skipped with why, not run at full size on the CPU.
    assert.match(table, /^- PyTorch: NOT RUN \(this torch sees no CUDA device \(python [\d.]+ torch [^ ]+ cuda False\); --device cpu runs the peer on the CPU\)$/m);
    assert.match(table, /^compare fixtures +\d+ s {2}exit 0$/m);
    assert.match(table, /^pytorch peer +\d+ s {2}skipped: no CUDA$/m);
    assert.match(table, /^bench webgpu +\d+ s {2}exit 0$/m);
  });

  it('says each target MET or NOT MET with the number and the target, or NOT RUN with why', () => {
    const row = (key: string, value: number | null, note = ''): KeyedRow => ({ key, value, unit: key.startsWith('topk') ? 'img/s' : 'ms', note });
    const gpu: BenchPhase = {
      phase: 'bench', side: 'layer-lens', backend: 'webgpu', label: 'webgpu (nvidia hopper)', detail: '',
      rows: [row('forwardBackward', 10), row('gradcam.inception4e', 12), row('ig.1', 10), row('ig.32', null, 'failed: out of memory'), row('actmax.1', 12.5), row('actmax.N', 50), row('topk.imagesPerSecond', 1500)],
    };
    const cpu: BenchPhase = { ...gpu, backend: 'wasm', label: 'wasm', rows: [row('actmax.1', 100)] };
    const verdicts = Object.fromEntries(targetLines(gpu, cpu, undefined).slice(2).map((l) => {
      const cells = l.split(' | ');
      return [cells[0]!.slice(2), cells.at(-1)!.replace(/ \|$/, '')];
    }));
    assert.deepEqual(verdicts, {
      'Grad-CAM at inception4e vs forward + backward': 'MET: 1.20× ≤ 1.5×',
      'Integrated Gradients 32 steps (batches of 8) vs 1 step': 'NOT RUN: ig.32: failed: out of memory',
      'Integrated Gradients 32 steps (one batch) vs 1 step': 'NOT RUN: no ig.32.batch32 row (its phase stopped first, or --rows left it out)',
      'actmax N units at once vs 1 unit (per step)': 'MET: 4.00× ≤ 8×',
      'actmax step, 1 unit, 224 px': 'NOT MET: 12.50 ms > 10 ms',
      'actmax step, 1 unit: speed-up over the CPU path': 'NOT MET: 8.00× < 10×',
      'top-9 at inception4a over the images, decode included': 'MET: 1500 img/s ≥ 1000 img/s',
    });
  });

  it('judges parity as the suite asserts: within limits and complete is MET; a run cut short, an error over its limit or a zero map is NOT MET', () => {
    const full: { kind: string; name: string; err: number; zero?: boolean }[] = [
      ...['conv1', 'inception3a', 'inception4a'].map((id) => ({ kind: 'gradient', name: id, err: 2e-7, zero: false })),
      ...[1, 2, 3].map((i) => ({ kind: 'actmax', name: `a${i}`, err: 1e-6 })),
      { kind: 'fixture', name: 'googlenet', err: 3e-6 }, { kind: 'fixture', name: 'mnist_cnn', err: 1e-7 },
    ];
    const verdicts = (rs: typeof full, fixtures = 2) => Object.fromEntries(judge(rs, fixtures).map((c) => [c.kind, c.met]));
    assert.equal(verdicts(full).gradient, true);
    assert.equal(verdicts(full).actmax, true);
    assert.equal(verdicts(full).fixture, true);
    assert.equal(verdicts(full).attribution, false, 'no attribution check ran');
    assert.equal(verdicts(full.slice(0, 4)).actmax, false, '1 of 3 actmax runs');
    assert.equal(verdicts(full, 3).fixture, false, '2 of 3 fixtures');
    assert.equal(verdicts([...full.slice(1), { kind: 'gradient', name: 'conv1', err: 2e-4, zero: false }]).gradient, false);
    assert.equal(verdicts([...full.slice(1), { kind: 'gradient', name: 'conv1', err: 0, zero: true }]).gradient, false);
    const [worst] = judge(full, 2).filter((c) => c.kind === 'fixture');
    assert.equal(worst?.worst, 3e-6);
    assert.match(worst?.note ?? '', /worst at googlenet/);
  });
});
