// TF.js's webgpu backend through Dawn on SwiftShader (a software Vulkan device, so it runs without a GPU) against
// PyTorch and the cpu backend, values compared: every ONNX fixture's modules and output vs PyTorch; GoogLeNet's
// input gradient at three depths vs cpu (it read back as zeros before the rank-6 Pad was routed around); 8
// actmax steps per parameterization/transform/objective mix vs cpu; every attribution method vs cpu; constant
// folding (ONNX, GraphModel) and the displayed picture vs cpu; no tensor or GPU byte kept over 1,000 requests.
// All of it runs in one child process (parityChild.ts): backends are global and Dawn's device is per process.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sampleModelDir } from '../../helpers/paths';
import { readNpy } from '../../../src/core/io/npy';
import { swiftshaderEnv } from '../../helpers/swiftshader';
import { relativeL2 } from '../../helpers/relativeL2';

interface Result {
  kind: string;
  name: string;
  err?: number;
  zero?: boolean;
  at?: string;
  ms?: number;
  tensors?: number;
  bytes?: number;
  gpuBytes?: number;
  gpuAllocated?: number;
  software?: boolean;
  method?: string;
  refZero?: boolean;
  sums?: number;
  requests?: number;
  cpuMs?: number;
}

let results: Result[] = [];
let stderr = '';

function byKind(kind: string): Result[] {
  return results.filter((r) => r.kind === kind);
}

describe('webgpu on SwiftShader', () => {
  before(async () => {
    const env = swiftshaderEnv();
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/unit/webgpu/parityChild.ts')], { cwd: repoRoot, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) => child.on('exit', () => resolve()));
    results = out.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)) as Result);
    // Each check's error and cost in the test log: the numbers a change is judged by.
    for (const r of results) {
      const cost = [r.ms !== undefined ? `${r.ms} ms` : '', r.cpuMs !== undefined ? `${r.cpuMs} ms CPU` : ''].filter((c) => c !== '').join(', ');
      console.log(`webgpu ${r.kind}: ${r.name}${r.err !== undefined ? `: error ${r.err.toPrecision(2)}` : ''}${cost ? ` (${cost})` : ''}`);
    }
    const crash = byKind('crash')[0];
    if (crash) throw new Error(`the webgpu parity run failed: ${crash.name}`);
    if (!byKind('adapter')[0]) {
      const vulkan = /Couldn't load Vulkan[^\n]*/.exec(stderr)?.[0];
      throw new Error(vulkan ? `Vulkan could not load (${vulkan}): install Debian's chromium (sudo apt-get install -y chromium), whose SwiftShader this suite runs on` : `no WebGPU adapter started: ${stderr.split('\n').slice(-5).join(' ')}`);
    }
  });

  it('runs on the SwiftShader adapter, recognised as software', () => {
    const [a] = byKind('adapter');
    assert.equal(a?.name, 'google swiftshader');
    assert.equal(a?.software, true);
  });

  it('the ONNX fixtures match PyTorch (relative L2 <= 1e-4 at every listed module and the output)', () => {
    const fixtures = byKind('fixture');
    // The 224/299 px torchvision nets other than GoogLeNet run with LAYER_LENS_WEBGPU_ALL_FIXTURES=1.
    assert.ok(fixtures.length >= 8, `only ${fixtures.length} fixtures ran`);
    assert.equal(fixtures.length + byKind('fixtureSkipped').length, 18);
    for (const f of fixtures) assert.ok(f.err !== undefined && f.err <= 1e-4, `${f.name} ${f.at}: relative L2 ${f.err}`);
  });

  it("GoogLeNet's input gradient at conv1, inception3a and inception4a matches cpu (relative L2 <= 1e-4), never zeros", () => {
    const grads = byKind('gradient');
    assert.equal(grads.length, 3);
    for (const g of grads) {
      assert.equal(g.zero, false, `${g.name}: all zeros`);
      assert.ok(g.err !== undefined && g.err <= 1e-4, `${g.name}: relative L2 ${g.err}`);
    }
  });

  it('max pooling sends a tied window\'s gradient to its first maximum, as cpu and PyTorch do (TF.js\'s webgpu kernel picks the last)', () => {
    const [t] = byKind('poolTies');
    assert.ok(t?.err !== undefined && t.err <= 1e-6, `relative L2 ${t?.err}`);
  });

  it('8 actmax steps of each parameterization, transform and objective mix follow the cpu run (objective within 1e-3)', () => {
    const runs = byKind('actmax');
    assert.equal(runs.length, 3);
    for (const r of runs) assert.ok(r.err !== undefined && r.err <= 1e-3, `${r.name}: objective off by ${r.err} (relative)`);
  });

  it('every attribution method on the MNIST fixture, and Grad-CAM, saliency and IG on GoogLeNet, match cpu (relative L2 <= 1e-4)', () => {
    const runs = byKind('attribution');
    const methods = new Set(runs.filter((r) => r.name.startsWith('mnist_cnn')).map((r) => r.method));
    assert.deepEqual([...methods].sort(), ['gradcam', 'gradcampp', 'gradxinput', 'guided-gradcam', 'ig', 'occlusion', 'saliency', 'smoothgrad']);
    assert.deepEqual(runs.filter((r) => r.name.startsWith('googlenet')).map((r) => r.method).sort(), ['gradcam', 'ig', 'saliency']);
    for (const r of runs) {
      // A map that is zero on cpu would let a zero GPU map pass: the cases pick targets that are alive.
      assert.equal(r.refZero, false, `${r.name}: the cpu map is all zeros`);
      assert.equal(r.zero, false, `${r.name}: all zeros on webgpu`);
      assert.ok(r.err !== undefined && r.err <= 1e-4, `${r.name}: relative L2 ${r.err}`);
      // IG's completeness sum and f(x) − f(baseline) are read back too.
      if (r.method === 'ig') assert.ok(r.sums !== undefined && r.sums <= 1e-4, `${r.name}: completeness off by ${r.sums} (relative)`);
    }
  });

  it("the large-image rotation (line shears as TF.js ops) and its gradient match cpu", () => {
    const [r] = byKind('rotation');
    assert.ok(r?.err !== undefined && r.err <= 1e-5, `relative L2 ${r?.err}`);
  });

  it('top-k (receptive field, batches, heaps) finds the same images with the same values as cpu', () => {
    const [t] = byKind('topk');
    assert.ok(t?.err !== undefined && t.err <= 1e-5, `relative L2 ${t?.err}`);
  });

  it('constants folded by an ONNX graph and a TF.js GraphModel loaded on webgpu give the cpu values (output, gradient, feature maps)', () => {
    const folds = byKind('folding');
    assert.equal(folds.length, 2);
    for (const f of folds) assert.ok(f.err !== undefined && f.err <= 1e-5, `${f.name}: relative L2 ${f.err}`);
  });

  it('the picture a feature-maps request shows, read back from a tensor on the GPU, has the cpu pixels', () => {
    const [d] = byKind('display');
    // Pixels are whole numbers: at most 1 apart where a value rounds the other way.
    assert.ok(d?.err !== undefined && d.err <= 1, `${d?.name}: pixels up to ${d?.err} apart`);
  });

  it('1,000 repeated requests (small ones: 8 px) keep no tensor and no GPU byte', () => {
    const [m] = byKind('memory');
    assert.equal(m?.requests, 1000);
    assert.equal(m?.tensors, 0);
    assert.equal(m?.bytes, 0);
    assert.equal(m?.gpuBytes, 0, 'bytes in live GPU buffers grew');
    assert.equal(m?.gpuAllocated, 0, 'GPU buffers allocated grew');
  });

  it('the CLI runs on --backend webgpu (software adapter allowed when asked for) and writes the cpu values', () => {
    const out = mkdtempSync(join(tmpdir(), 'layer-lens-webgpu-cli-'));
    try {
      const conv2 = (backend: string) => {
        const dir = join(out, backend);
        const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'activations', '--model', join(sampleModelDir, 'model.json'),
          '--input', join(sampleModelDir, 'samples/digit-1-a.png'), '--layer', 'conv2', '--out', dir, '--backend', backend, '--json'],
        { cwd: repoRoot, env: swiftshaderEnv(), encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.status, 0, r.stderr);
        // A backend that could not run is said on stderr; none may be said here.
        assert.doesNotMatch(r.stderr, /layer-lens:/, r.stderr);
        return readNpy(readFileSync(join(dir, 'conv2.npy')), 'conv2.npy').data;
      };
      const gpu = conv2('webgpu');
      const cpu = conv2('cpu');
      let num = 0;
      let den = 0;
      cpu.forEach((v, i) => {
        num += (gpu[i]! - v) ** 2;
        den += v ** 2;
      });
      assert.equal(gpu.length, cpu.length);
      assert.ok(den > 0 && Math.sqrt(num / den) <= 1e-5, `relative L2 ${Math.sqrt(num / den)}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('layer-lens attribute runs on --backend webgpu (top class, Grad-CAM and saliency read asynchronously) and writes the cpu maps', () => {
    const out = mkdtempSync(join(tmpdir(), 'layer-lens-webgpu-attribute-'));
    try {
      const maps = (backend: string) => {
        const dir = join(out, backend);
        const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'attribute', '--model', join(sampleModelDir, 'model.json'),
          '--input', join(sampleModelDir, 'samples/digit-1-a.png'), '--method', 'gradcam,saliency', '--out', dir, '--backend', backend],
        { cwd: repoRoot, env: swiftshaderEnv(), encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /layer-lens:/, r.stderr);
        return ['gradcam', 'saliency'].map((m) => readNpy(readFileSync(join(dir, `${m}.npy`)), `${m}.npy`).data);
      };
      const gpu = maps('webgpu');
      const cpu = maps('cpu');
      cpu.forEach((ref, k) => {
        assert.ok(ref.some((v) => v !== 0), 'the cpu map is all zeros');
        const err = relativeL2(gpu[k]!, ref);
        assert.ok(err <= 1e-4, `${['gradcam', 'saliency'][k]}: relative L2 ${err}`);
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
