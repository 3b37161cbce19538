// The GPU kit (scripts/gpuKit/make.mjs → .gpukit/) must run on a machine with no Node and no node_modules: built
// once into a temp folder, it must fit its 55 MiB, hold every file run.sh names, and its run.sh — run with a PATH
// that has no node, from a folder with no node_modules above it — must unpack its own Node and Dawn, load the
// Vulkan loader from its deb and answer the probe on SwiftShader (standing in for the GPU), with `auto` refusing it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { SWIFTSHADER_ICD, SWIFTSHADER_MISSING } from '../../helpers/swiftshader';
import { judge } from '../../../scripts/gpuKit/kitParity';

interface Kit {
  files: { path: string; bytes: number }[];
  total: number;
}

const LIMIT = 55 * 1024 * 1024;
let tmp = '';
let kitDir = '';
let kit: Kit;

/** The files of `dir` (relative paths) that a run.sh path pattern like `bundle/*` or `debs/*.deb` matches. */
function matching(files: string[], pattern: string): string[] {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return files.filter((f) => re.test(f));
}

describe('GPU kit', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'layer-lens-gpukit-test-'));
    kitDir = join(tmp, 'repo/.gpukit');
    const make = (await import(join(repoRoot, 'scripts/gpuKit/make.mjs'))) as { makeKit(out: string): Promise<Kit> };
    kit = await make.makeKit(kitDir);
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

  it('holds every kit file run.sh names', () => {
    const script = readFileSync(join(kitDir, 'run.sh'), 'utf8');
    const named = [...script.matchAll(/"\$KIT"?\/([A-Za-z][A-Za-z0-9_.*/-]*)/g)].map((m) => m[1]!);
    assert.ok(named.length >= 5, `run.sh names only ${named.join(', ')}`);
    const files = kit.files.map((f) => f.path);
    for (const n of named) assert.ok(matching(files, n).length > 0, `run.sh names ${n}, which the kit lacks`);
    // The bundle run.sh starts and the worker it looks for beside it.
    assert.match(script, /KIT_JS="\$APP\/kit\.js"/);
  });

  it('run.sh starts the kit\'s own Node (none on PATH, no node_modules) and answers the probe on SwiftShader; auto refuses it', () => {
    assert.ok(existsSync(SWIFTSHADER_ICD), SWIFTSHADER_MISSING);
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    for (const t of ['bash', 'xz', 'timeout', 'tee', 'date', 'mktemp', 'cp', 'mkdir', 'chmod', 'rm', 'ls', 'head', 'awk', 'grep', 'cat', 'nproc', 'uname', 'dpkg', 'dpkg-deb', 'tar', 'env', 'dirname', 'tail', 'sed', 'python3', 'ldconfig']) {
      const found = t === 'python3' ? '/usr/bin/python3' : spawnSync('bash', ['-c', `command -v ${t} || ls /sbin/${t}`], { encoding: 'utf8' }).stdout.trim();
      if (found) symlinkSync(found, join(bin, t));
    }
    const out = join(tmp, 'out');
    const r = spawnSync('bash', [join(kitDir, 'run.sh'), '--out', out, '--icd', SWIFTSHADER_ICD, '--only-probe'], {
      cwd: tmp, env: { PATH: bin, HOME: tmp }, encoding: 'utf8', timeout: 90_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /a node on PATH: none; the kit's is used/);
    assert.match(r.stdout, /^v\d+\.\d+\.\d+$/m);
    assert.match(r.stdout, /Vulkan loader: from the kit/);
    assert.ok(!readdirSync(join(tmp, 'repo')).includes('node_modules'));
    const probe = JSON.parse(readFileSync(join(out, 'probe.json'), 'utf8')) as {
      probe: { ok: boolean; adapter?: { vendor: string; architecture: string; software: boolean } };
      selection: { preference: string; active: string; adapter?: { software: boolean } }[];
    };
    assert.equal(probe.probe.ok, true, JSON.stringify(probe.probe));
    assert.equal(`${probe.probe.adapter?.vendor} ${probe.probe.adapter?.architecture}`, 'google swiftshader');
    assert.equal(probe.probe.adapter?.software, true);
    const auto = probe.selection.find((s) => s.preference === 'auto');
    const webgpu = probe.selection.find((s) => s.preference === 'webgpu');
    assert.equal(auto?.active, 'wasm', 'auto must never pick a software adapter');
    assert.equal(webgpu?.active, 'webgpu');
    assert.equal(webgpu?.adapter?.software, true);
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
