// "Visualize Kernels" on conv1 of the sample opens a panel whose canvas, read back from the webview, shows
// each 3×3 filter of conv1 as gray levels in the rank order of the file's weights, scaled per filter (the default).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { api, sampleModelPath, waitFor } from './helpers';
import { readWeight } from './sampleWeights';

interface Grid {
  tileWidth: number;
  tileHeight: number;
  scale: number;
  count: number;
  cols: number;
  gap: number;
}

function gridOf(snap: CanvasSnapshot): Grid {
  const m = snap.meta;
  const grid = { tileWidth: m.tileWidth, tileHeight: m.tileHeight, scale: m.scale, count: m.count, cols: m.cols, gap: m.gap };
  for (const [k, v] of Object.entries(grid)) assert.equal(typeof v, 'number', `snapshot meta.${k} is ${String(v)}`);
  return grid as Grid;
}

/** Mean of R, G, B at the centre of the upscaled block of kernel pixel (x, y) in tile `i`, plus its alpha. */
function tilePixel(snap: CanvasSnapshot, g: Grid, i: number, x: number, y: number): { gray: number; alpha: number } {
  const col = i % g.cols;
  const row = Math.floor(i / g.cols);
  const px = col * (g.tileWidth * g.scale + g.gap) + x * g.scale + Math.floor(g.scale / 2);
  const py = row * (g.tileHeight * g.scale + g.gap) + y * g.scale + Math.floor(g.scale / 2);
  assert.ok(px < snap.width && py < snap.height, `tile ${i} pixel (${x},${y}) at (${px},${py}) is outside the ${snap.width}×${snap.height} canvas`);
  const o = (py * snap.width + px) * 4;
  return { gray: (snap.rgba[o]! + snap.rgba[o + 1]! + snap.rgba[o + 2]!) / 3, alpha: snap.rgba[o + 3]! };
}

suite('Visualize Kernels', () => {
  let snap: CanvasSnapshot;

  suiteSetup(async function () {
    this.timeout(90_000);
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.visualizeKernels', { modelPath: sampleModelPath(), layerId: 'conv1' });
    let last = 'no kernels panel';
    snap = await waitFor(
      'a kernels canvas for conv1',
      async () => {
        const s = await lens.panelSnapshot('kernels');
        if (s) last = `a ${s.width}×${s.height} canvas with meta ${JSON.stringify(s.meta)}`;
        return s && s.meta.layerId === 'conv1' && typeof s.meta.count === 'number' && s;
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message} Last seen: ${last}; messages: ${JSON.stringify(lens.shownMessages())}`);
    });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('draws 16 tiles of 3×3, upscaled', () => {
    const g = gridOf(snap);
    assert.equal(g.count, 16);
    assert.equal(g.tileWidth, 3);
    assert.equal(g.tileHeight, 3);
    assert.ok(g.scale >= 2, `scale ${g.scale}`);
    assert.equal(snap.rgba.length, snap.width * snap.height * 4);
  });

  test('every tile is opaque and not blank', () => {
    const g = gridOf(snap);
    for (let i = 0; i < g.count; i++) {
      const grays: number[] = [];
      for (let y = 0; y < 3; y++) {
        for (let x = 0; x < 3; x++) {
          const p = tilePixel(snap, g, i, x, y);
          assert.equal(p.alpha, 255, `tile ${i} (${x},${y}) is transparent`);
          grays.push(p.gray);
        }
      }
      assert.ok(Math.max(...grays) - Math.min(...grays) > 100, `tile ${i} is flat: ${grays.join(' ')}`);
    }
  });

  test('each tile shows its filter of conv1/kernel, scaled per filter', () => {
    const g = gridOf(snap);
    const kernel = readWeight(sampleModelPath(), 'conv1/kernel');
    assert.deepEqual(kernel.shape, [3, 3, 1, 16]);
    for (let f = 0; f < 16; f++) {
      const w: number[] = [];
      const gray: number[] = [];
      for (let y = 0; y < 3; y++) {
        for (let x = 0; x < 3; x++) {
          w.push(kernel.data[(y * 3 + x) * 16 + f]!);
          gray.push(tilePixel(snap, g, f, x, y).gray);
        }
      }
      const lo = Math.min(...w);
      const hi = Math.max(...w);
      // Same rank order: any two weights that differ by more than 2 % of the range keep their order in gray.
      for (let a = 0; a < 9; a++) {
        for (let b = 0; b < 9; b++) {
          if (w[a]! - w[b]! > 0.02 * (hi - lo)) {
            assert.ok(gray[a]! > gray[b]!, `filter ${f}: weight ${a} > weight ${b} but gray ${gray[a]} <= ${gray[b]} (weights ${w.map((v) => v.toFixed(3)).join(' ')}; grays ${gray.join(' ')})`);
          }
        }
      }
      // And gray is an increasing affine function of the weight (per-filter scaling, whether min-max or symmetric
      // around zero): a least-squares line through (weight, gray) misses no pixel by more than 3 levels.
      const mw = w.reduce((a, b) => a + b, 0) / 9;
      const mg = gray.reduce((a, b) => a + b, 0) / 9;
      let sxy = 0;
      let sxx = 0;
      for (let k = 0; k < 9; k++) {
        sxy += (w[k]! - mw) * (gray[k]! - mg);
        sxx += (w[k]! - mw) ** 2;
      }
      const slope = sxy / sxx;
      assert.ok(slope > 0, `filter ${f}: gray falls as the weight rises`);
      for (let k = 0; k < 9; k++) {
        const fitted = mg + slope * (w[k]! - mw);
        assert.ok(Math.abs(gray[k]! - fitted) <= 3, `filter ${f} pixel ${k}: gray ${gray[k]} vs ${fitted.toFixed(1)} on the line (weights ${w.map((v) => v.toFixed(3)).join(' ')}; grays ${gray.join(' ')})`);
      }
      // The scaling uses the range: the filter's extreme weight reaches black or white.
      assert.ok(Math.min(...gray) <= 3 || Math.max(...gray) >= 252, `filter ${f} spans only ${Math.min(...gray)}..${Math.max(...gray)}`);
    }
  });
});
