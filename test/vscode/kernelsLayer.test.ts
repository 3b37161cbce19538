// "Visualize Kernels" on another layer while the panel is open switches it: conv2 (16 input channels) is drawn
// as one grey tile per filter, the mean over its input channels, symmetric around zero (0 → mid grey).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { api, sampleModelPath, waitForSnapshot } from './helpers';
import { readWeight } from './sampleWeights';

function showKernels(layerId: string): Thenable<unknown> {
  return vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: sampleModelPath(), layerId });
}

/** Mean of R, G, B at the centre of the upscaled block of kernel pixel (x, y) in tile `i`. */
function tileGray(snap: CanvasSnapshot, i: number, x: number, y: number): number {
  const m = snap.meta as Record<string, number>;
  const col = i % m.cols!;
  const row = Math.floor(i / m.cols!);
  const px = col * (m.tileWidth! * m.scale! + m.gap!) + x * m.scale! + Math.floor(m.scale! / 2);
  const py = row * (m.tileHeight! * m.scale! + m.gap!) + y * m.scale! + Math.floor(m.scale! / 2);
  assert.ok(px < snap.width && py < snap.height, `tile ${i} pixel (${x},${y}) at (${px},${py}) is outside the ${snap.width}×${snap.height} canvas`);
  const o = (py * snap.width + px) * 4;
  assert.equal(snap.rgba[o + 3], 255, `tile ${i} (${x},${y}) is transparent`);
  return (snap.rgba[o]! + snap.rgba[o + 1]! + snap.rgba[o + 2]!) / 3;
}

suite('Visualize Kernels: switching layer', () => {
  let snap: CanvasSnapshot;

  suiteSetup(async function () {
    this.timeout(90_000);
    await api();
    await showKernels('conv1');
    await waitForSnapshot('kernels', 'the conv1 kernels', (s) => s.meta.layerId === 'conv1', 60_000);
    await showKernels('conv2');
    snap = await waitForSnapshot('kernels', 'the panel to switch to conv2', (s) => s.meta.layerId === 'conv2');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the open panel shows conv2: 32 mean tiles of 3×3', () => {
    const m = snap.meta;
    assert.equal(m.mode, 'mean');
    assert.equal(m.count, 32);
    assert.equal(m.tilesPerFilter, 1);
    assert.equal(m.tileWidth, 3);
    assert.equal(m.tileHeight, 3);
    assert.equal(snap.rgba.length, snap.width * snap.height * 4);
  });

  test('each tile is the mean of its filter over the 16 input channels', () => {
    const kernel = readWeight(sampleModelPath(), 'conv2/kernel');
    assert.deepEqual(kernel.shape, [3, 3, 16, 32]);
    for (let f = 0; f < 32; f++) {
      const mean: number[] = [];
      for (let p = 0; p < 9; p++) {
        let s = 0;
        for (let c = 0; c < 16; c++) s += kernel.data[(p * 16 + c) * 32 + f]!;
        mean.push(s / 16);
      }
      const maxAbs = Math.max(...mean.map(Math.abs));
      for (let p = 0; p < 9; p++) {
        const expected = 127.5 + (127.5 * mean[p]!) / maxAbs;
        const gray = tileGray(snap, f, p % 3, Math.floor(p / 3));
        assert.ok(Math.abs(gray - expected) <= 3, `filter ${f} pixel ${p}: gray ${gray}, expected ${expected.toFixed(1)} (means ${mean.map((v) => v.toFixed(4)).join(' ')})`);
      }
    }
  });
});
