// "Visualize Kernels" on conv1 of the sample opens a panel whose canvas, read back from the webview, shows
// each 3×3 filter of conv1 as gray levels in the rank order of the file's weights, scaled per filter (the default).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import { api, sampleModelPath, waitFor, waitForSnapshot, withSetting } from './helpers';
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

/** '#rrggbb' (or '#rgb') → [r, g, b]. */
function rgbOf(css: string): [number, number, number] {
  const hex = css.trim().replace(/^#/, '');
  const full = hex.length === 3 ? hex.split('').map((c) => c + c).join('') : hex.slice(0, 6);
  assert.match(full, /^[0-9a-f]{6}$/i, `the editor background "${css}" is not a hex colour`);
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

function pixelAt(snap: CanvasSnapshot, x: number, y: number): [number, number, number, number] {
  const o = (y * snap.width + x) * 4;
  return [snap.rgba[o]!, snap.rgba[o + 1]!, snap.rgba[o + 2]!, snap.rgba[o + 3]!];
}

const distance = (a: readonly number[], b: readonly number[]): number => Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);

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

  test('by keyboard the filters are one Tab stop in the real webview, each cell named ("conv1 filter 0")', () => {
    assert.equal(snap.meta.tabStops, 1);
    assert.equal(snap.meta.currentTileName, 'conv1 filter 0');
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

  test('each tile carries its filter number, and the colour bar says what the greys mean', () => {
    const g = gridOf(snap);
    const cell = g.tileWidth * g.scale;
    for (const f of [1, 10]) {
      const x0 = (f % g.cols) * (cell + g.gap);
      const y0 = Math.floor(f / g.cols) * (cell + g.gap);
      // The corner weight's colour below the number plate, and how many plate pixels differ from it.
      const under = pixelAt(snap, x0 + 2, y0 + g.scale - 2);
      let marked = 0;
      for (let y = y0; y < y0 + 10; y++) for (let x = x0; x < x0 + 12; x++) if (distance(pixelAt(snap, x, y), under) > 30) marked++;
      assert.ok(marked > 8, `tile ${f} has no number in its corner (${marked} marked pixels)`);
    }
    assert.match(String(snap.meta.colorBar), /^min … max · each filter from −\|w\| max to \+\|w\| max, mid grey 0/);
  });

  test('the gaps between tiles stand out from the background on dark, light and high-contrast themes', async function () {
    this.timeout(60_000);
    const lens = await api();
    const backgrounds = new Set<string>();
    let previous = String((await lens.panelSnapshot('kernels'))?.meta.background);
    // Each theme's editor background differs from the one before it, so the snapshot shows when it is applied.
    for (const theme of ['Default Dark Modern', 'Default Light Modern', 'Default High Contrast']) {
      const restore = await withSetting('workbench', 'colorTheme', theme);
      try {
        const s = await waitForSnapshot('kernels', `the grid in ${theme}`, (x) => x.meta.layerId === 'conv1' && String(x.meta.background) !== previous, 20_000);
        previous = String(s.meta.background);
        backgrounds.add(previous);
        const g = gridOf(s);
        const cell = g.tileWidth * g.scale;
        const bg = rgbOf(String(s.meta.background));
        const gaps: [number, number][] = [[cell, Math.floor(cell / 2)]];
        if (g.count > g.cols) gaps.push([Math.floor(cell / 2), cell]);
        for (const [x, y] of gaps) {
          const p = pixelAt(s, x, y);
          assert.equal(p[3], 255, `${theme}: the gap at (${x}, ${y}) is transparent`);
          assert.ok(distance(p, bg) >= 60, `${theme}: the gap at (${x}, ${y}) is rgb(${p.slice(0, 3).join(', ')}) on a ${s.meta.background} background`);
        }
      } finally {
        await restore();
      }
    }
    assert.equal(backgrounds.size, 3, `the themes did not change the background: ${[...backgrounds].join(', ')}`);
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
