// scripts/gpuKit/py/torchPeerGpu.py, the kit's PyTorch peer, rehearsed on this CPU with Debian's torch at tiny
// sizes: it writes every row key of scripts/gpuKit/README-interface.md with a positive number in its unit, and
// refuses a fixtures folder without GoogLeNet in one line before any work.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { PYTHON, requirePython, runPython, type PythonRun } from './kitPython';

const PEER = join(repoRoot, 'scripts/gpuKit/py/torchPeerGpu.py');
// Occlusion with 112 px windows: 4 windows in one batch instead of 49 in 7 (half of this file's time at 32 px).
const TINY = ['--quick', '--runs', '1', '--steps', '1', '--units', '2', '--ig-steps', '2', '--smoothgrad', '2', '--atlas-units', '2', '--atlas-steps', '1', '--topk-images', '4', '--topk-batch', '2', '--workers', '1', '--occlusion-window', '112'];

interface Row { key: string; value: number | null; unit: string; note: string }

let dir = '';
let run: PythonRun;

describe('GPU kit torchPeerGpu.py', () => {
  before(() => {
    requirePython(['torch', 'torchvision', 'PIL'], `torchPeerGpu.py needs ${PYTHON} with torch, torchvision and pillow: install Debian's python3-torch python3-torchvision python3-pil (scripts/installTorch.sh).`);
    dir = mkdtempSync(join(tmpdir(), 'll-gpukit-peer-'));
    // What it reads of prepare.py's output: an index that lists googlenet, and images.
    mkdirSync(join(dir, 'fixtures'));
    writeFileSync(join(dir, 'fixtures/index.json'), JSON.stringify({ models: { googlenet: { onnx: 'googlenet.onnx' } } }));
    mkdirSync(join(dir, 'images'));
    const write = 'import sys; sys.path.insert(0, sys.argv[1]); import syntheticImages; syntheticImages.write_images(sys.argv[2], 0, 4, 224)';
    const w = runPython(['-c', write, join(repoRoot, 'scripts/gpuKit/py'), join(dir, 'images')], 120_000);
    assert.equal(w.status, 0, w.stderr);
    run = runPython([PEER, '--fixtures', join(dir, 'fixtures'), '--images', join(dir, 'images'), '--device', 'cpu', '--json', join(dir, 'rows.json'), ...TINY], 300_000);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes every row of the interface, each a positive number in the interface's unit", () => {
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8')) as { side: string; device: string; torch: string; rows: Row[] };
    assert.equal(doc.side, 'pytorch');
    assert.equal(doc.device, 'cpu');
    assert.match(doc.torch, /^\d+\.\d+/);
    const units = Object.fromEntries(doc.rows.map((r) => [r.key, r.unit]));
    assert.deepEqual(units, {
      'featureMaps.all': 'ms', forwardBackward: 'ms', 'gradcam.inception4e': 'ms', 'ig.1': 'ms', 'ig.32': 'ms',
      'ig.32.batch32': 'ms', 'smoothgrad.25': 'ms', occlusion: 'ms', 'actmax.1': 'ms/step', 'actmax.N': 'ms/step',
      'topk.imagesPerSecond': 'img/s', 'atlas.inception4a': 's',
    });
    for (const r of doc.rows) assert.ok(typeof r.value === 'number' && r.value > 0 && Number.isFinite(r.value), `${r.key}: ${r.value} (${r.note})`);
    assert.match(doc.rows.find((r) => r.key === 'actmax.N')!.note, /^2 units, 1 steps/);
    assert.match(doc.rows.find((r) => r.key === 'topk.imagesPerSecond')!.note, /^4 images, top-9 per inception4a channel/);
    assert.match(doc.rows.find((r) => r.key === 'featureMaps.all')!.note, /^223 modules hooked/);
    assert.match(doc.rows.find((r) => r.key === 'occlusion')!.note, /^4 windows of 112 px, batches of 8/);
    assert.equal(run.stdout.trim().split('\n').filter((l) => l.startsWith('torchPeerGpu: ')).length, 13);
  });

  it('refuses a fixtures folder without GoogLeNet in one line, before any row', () => {
    writeFileSync(join(dir, 'fixtures/index.json'), JSON.stringify({ models: { mnist_cnn: {} } }));
    const r = runPython([PEER, '--fixtures', join(dir, 'fixtures'), '--images', join(dir, 'images'), '--device', 'cpu', '--json', join(dir, 'bad.json')], 120_000);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim(), `torchPeerGpu: ${join(dir, 'fixtures/index.json')} lists no googlenet fixture (prepare.py --only must include it)`);
    assert.equal(run.stdout.includes('bad.json'), false);
  });
});
