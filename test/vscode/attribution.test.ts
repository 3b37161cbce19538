// The Feature Maps panel's Explain section on a sample digit: Grad-CAM and saliency for the top class drawn side
// by side over the digit (pixels read back from the overlay canvas, values checked against the engine's own
// answer), a kept map answered without the engine, a costly Integrated Gradients run cancelled from its
// Cancel button, a click on a top-5 row explaining that class, a neuron target and occlusion's window and stride
// typed in their fields (and refused in one sentence when out of range), and Export PNG decoded: the overlay's
// pixels and the colour bar under it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decode } from 'fast-png';
import type { CanvasSnapshot } from '../../src/host/api';
import type { AttributionMap, AttributionOptions } from '../../src/shared/attribution';
import { colormapLut } from '../../src/shared/colormap';
import { api, sampleModelPath, waitFor, waitForSnapshot } from './helpers';

const imagePath = (): string => path.join(path.dirname(sampleModelPath()), 'samples', 'digit-3-a.png');
/** The overlay of a 28 × 28 map is drawn 5× (the smallest side is 128 px). */
const SCALE = 5;

async function explainSnapshot(what: string, accept: (s: CanvasSnapshot) => boolean, slots: readonly (0 | 1)[] = [0, 1], timeoutMs = 30_000): Promise<CanvasSnapshot> {
  const lens = await api();
  let last = 'no explain snapshot';
  // A slot that shows a failure will not change by itself: stop waiting and say what it shows.
  const failed = (s: CanvasSnapshot): boolean => slots.some((i) => s.meta[`status${i}`] === 'error');
  const snap = await waitFor(
    what,
    async () => {
      const s = await lens.panelSnapshot('featureMaps', undefined, 'explain');
      if (s) last = `${s.width}×${s.height}, meta ${JSON.stringify(s.meta)}`;
      return s && (accept(s) || failed(s)) && s;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message} Last seen: ${last}; messages: ${JSON.stringify(lens.shownMessages())}`);
  });
  if (!accept(snap)) throw new Error(`Waiting for ${what}, a slot failed: ${slots.map((i) => String(snap.meta[`message${i}`])).join(' | ')} (meta ${JSON.stringify(snap.meta)})`);
  return snap;
}

async function run(slot: 0 | 1, options: AttributionOptions): Promise<void> {
  assert.ok((await api()).explainInFeatureMaps({ kind: 'run', slot, options }), 'no feature maps panel');
}

function argmax(map: AttributionMap): number {
  let best = 0;
  for (let i = 1; i < map.data.length; i++) if (map.data[i]! > map.data[best]!) best = i;
  return best;
}

suite('Explain (attribution)', () => {
  const target = { kind: 'class' as const, classIndex: 3 };

  suiteSetup(async function () {
    this.timeout(90_000);
    await api();
    await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath: sampleModelPath(), imagePath: imagePath(), layerId: 'conv1' });
    const fm = await waitForSnapshot('featureMaps', 'the feature maps of conv1', (s) => s.meta.layerId === 'conv1', 60_000);
    assert.equal(String(fm.meta.predictions).split('|')[0], '3', `the sample model reads digit-3-a as ${fm.meta.predictions}`);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Grad-CAM and saliency of the top class side by side: the engine\'s maps, drawn over the digit', async function () {
    this.timeout(40_000);
    await run(0, { method: 'gradcam', target });
    await run(1, { method: 'saliency', target });
    const snap = await explainSnapshot('both maps drawn', (s) => s.meta.status0 === 'done' && s.meta.status1 === 'done');
    assert.equal(snap.meta.mapMethod0, 'gradcam');
    assert.equal(snap.meta.mapMethod1, 'saliency');
    assert.equal(snap.width, 2 * 28 * SCALE);
    assert.equal(snap.height, 28 * SCALE);
    const lens = await api();
    const digit = decode(readFileSync(imagePath()));
    const lut = colormapLut('inferno');
    for (const [slot, method] of [[0, 'gradcam'], [1, 'saliency']] as const) {
      const map = await lens.engineRequest('attribution.run', { modelPath: sampleModelPath(), imagePath: imagePath(), options: { method, target } });
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of map.data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
      }
      assert.ok(max > min, `${method}: the engine's map is constant`);
      // The panel shows exactly the engine's map: same range, same sum.
      assert.equal(snap.meta[`min${slot}`], min, `${method} min`);
      assert.equal(snap.meta[`max${slot}`], max, `${method} max`);
      assert.equal(snap.meta[`sum${slot}`], sum, `${method} sum`);
      // Where the map is largest, the overlay is the top colour of inferno at 60 % over the digit's gray.
      const p = argmax(map);
      const x = (p % 28) * SCALE + 2 + slot * 28 * SCALE;
      const y = Math.floor(p / 28) * SCALE + 2;
      const o = (y * snap.width + x) * 4;
      const gray = digit.data[p]!;
      for (let c = 0; c < 3; c++) {
        const want = 0.4 * gray + 0.6 * lut[255 * 3 + c]!;
        assert.ok(Math.abs(snap.rgba[o + c]! - want) <= 2, `${method} at (${p % 28}, ${Math.floor(p / 28)}) channel ${c}: ${snap.rgba[o + c]} vs ${want.toFixed(1)}`);
      }
      const colours = new Set<number>();
      for (let yy = 0; yy < snap.height; yy += SCALE) {
        for (let xx = slot * 28 * SCALE; xx < (slot + 1) * 28 * SCALE; xx += SCALE) {
          const i = (yy * snap.width + xx) * 4;
          colours.add((snap.rgba[i]! << 16) | (snap.rgba[i + 1]! << 8) | snap.rgba[i + 2]!);
        }
      }
      assert.ok(colours.size > 8, `${method}: only ${colours.size} colours in the overlay`);
    }
  });

  test('the same request again is answered from the kept map, without the engine', async function () {
    this.timeout(20_000);
    const lens = await api();
    const before = lens.featureMapsExplainRuns();
    await run(1, { method: 'saliency', target });
    await explainSnapshot('saliency from the kept map', (s) => s.meta.status1 === 'done' && s.meta.cached1 === 1, [1]);
    assert.equal(lens.featureMapsExplainRuns(), before);
  });

  test('a costly Integrated Gradients run shows its passes and stops on Cancel', async function () {
    this.timeout(30_000);
    await run(0, { method: 'ig', target, steps: 1024, batchSize: 1 });
    const running = await explainSnapshot('IG passes counting', (s) => s.meta.status0 === 'running' && /of 1024 passes/.test(String(s.meta.progress0)), [0]);
    assert.match(String(running.meta.progress0), /^Integrated Gradients: \d+ of 1024 passes/);
    assert.ok((await api()).explainInFeatureMaps({ kind: 'cancel', slot: 0 }));
    const cancelled = await explainSnapshot('IG cancelled', (s) => s.meta.status0 === 'cancelled', [0], 10_000);
    assert.equal(cancelled.meta.progress0, 'Cancelled.');
    // The other slot keeps its map.
    assert.equal(cancelled.meta.status1, 'done');
  });

  test('Grad-CAM at a layer picked in the CAM layer select', async function () {
    this.timeout(20_000);
    const before = await explainSnapshot('a Grad-CAM shown', (s) => s.meta.status0 === 'done' || s.meta.status0 === 'cancelled', [0]);
    assert.notEqual(before.meta.camLayer0, 'conv1');
    await run(0, { method: 'gradcam', target, camLayerId: 'conv1' });
    const snap = await explainSnapshot('Grad-CAM at conv1', (s) => s.meta.status0 === 'done' && s.meta.camLayer0 === 'conv1', [0]);
    assert.ok(Number(snap.meta.max0) > Number(snap.meta.min0), 'the conv1 map is constant');
  });

  test('a click on a top-5 row explains that class with both methods', async function () {
    this.timeout(30_000);
    const fm = await (await api()).panelSnapshot('featureMaps');
    const second = String(fm?.meta.predictions).split('|')[1];
    assert.ok(second, `no second prediction: ${fm?.meta.predictions}`);
    await run(0, { method: 'gradcam', target }); // slot 0 back to a quick method after the cancelled IG
    await explainSnapshot('Grad-CAM of class 3', (s) => s.meta.status0 === 'done', [0]);
    assert.ok((await api()).explainInFeatureMaps({ kind: 'clickPrediction', rank: 1 }));
    const snap = await explainSnapshot(`both maps of class ${second}`, (s) =>
      s.meta.status0 === 'done' && s.meta.status1 === 'done' && String(s.meta.target0).includes(`class ${second}`) && String(s.meta.target1).includes(`class ${second}`));
    assert.equal(snap.meta.mapMethod0, 'gradcam');
    assert.equal(snap.meta.mapMethod1, 'saliency');
  });

  test('a neuron of conv1 by occlusion with the window and stride typed in; out-of-range fields refused in one sentence', async function () {
    this.timeout(30_000);
    const lens = await api();
    const neuron = { kind: 'unit' as const, layerId: 'conv1', channel: 0, y: 12, x: 14 };
    await run(0, { method: 'occlusion', target: { ...neuron, y: 99 } });
    const refusedY = await explainSnapshot('the row refused', (s) => /^Enter both y \(0 to \d+\) and x \(0 to \d+\) of a neuron in conv1's map/.test(String(s.meta.error)), [0]);
    assert.equal((String(refusedY.meta.error).match(/\./g) ?? []).length, 1, `one sentence: ${refusedY.meta.error}`);
    await run(0, { method: 'occlusion', target: neuron, window: 99 });
    const refusedWindow = await explainSnapshot('the window refused', (s) => String(s.meta.error) === 'The occlusion window must be a whole number of pixels from 1 to 28 (the input\'s side).', [0]);
    assert.equal(refusedWindow.meta.error, 'The occlusion window must be a whole number of pixels from 1 to 28 (the input\'s side).');
    await run(0, { method: 'occlusion', target: neuron, window: 6, stride: 3 });
    const snap = await explainSnapshot('occlusion of one neuron', (s) => s.meta.status0 === 'done' && s.meta.mapMethod0 === 'occlusion' && String(s.meta.target0).includes('neuron'), [0]);
    assert.equal(snap.meta.error, '');
    assert.equal(snap.meta.target0, 'conv1 · unit 0 (neuron at y 12, x 14)');
    // The window and stride reached the engine: the panel's map is the engine's for the same options, and not
    // the default window's.
    const mapOf = async (window: number, stride: number) => (await lens.engineRequest('attribution.run', { modelPath: sampleModelPath(), imagePath: imagePath(), options: { method: 'occlusion', target: neuron, window, stride } })) as AttributionMap;
    const sumOf = (m: AttributionMap) => m.data.reduce((a, v) => a + v, 0);
    const typed = await mapOf(6, 3);
    assert.equal(snap.meta.sum0, sumOf(typed));
    assert.notEqual(sumOf(await mapOf(16, 8)), sumOf(typed), 'the default window gives the same map');
    // A 6-pixel window around a conv1 neuron (a 3 × 3 receptive field): pixels far from (12, 14) change nothing.
    const peak = typed.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(Math.abs(typed.data[0]!) <= 1e-6 * peak, `the top-left corner, far from the neuron, has attribution ${typed.data[0]} (peak ${peak})`);
    assert.ok(typed.data.some((v) => v !== 0), 'the neuron\'s map is all zero');
  });

  test('Export PNG writes the overlay with its colour bar under it', async function () {
    this.timeout(20_000);
    const lens = await api();
    const snap = await explainSnapshot('saliency in slot 1', (s) => s.meta.status1 === 'done' && s.meta.mapMethod1 === 'saliency', [1]);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'll-explain-export-')), 'saliency.png');
    assert.ok(lens.exportExplainPng(1, out), 'no feature maps panel');
    await waitFor('the exported PNG', async () => existsSync(out) && readFileSync(out).length > 0, 10_000);
    const png = decode(readFileSync(out));
    const side = 28 * SCALE;
    const ch = png.channels;
    assert.ok(png.width >= side && png.height > side + 4 + 12, `${png.width}×${png.height}`);
    // The overlay: the same pixels the panel shows in slot 1.
    let differ = 0;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const e = (y * png.width + x) * ch;
        const s = (y * snap.width + side + x) * 4;
        for (let c = 0; c < 3; c++) if (Math.abs(png.data[e + c]! - snap.rgba[s + c]!) > 1) differ++;
      }
    }
    assert.equal(differ, 0, `${differ} overlay channel values differ from the panel's`);
    // The colour bar, 4 px under the overlay: inferno's low end on the left, its high end on the right.
    const lut = colormapLut('inferno');
    const barY = side + 4 + 6;
    const at = (x: number) => Array.from(png.data.slice((barY * png.width + x) * ch, (barY * png.width + x) * ch + 3));
    for (const [x, entry] of [[0, 0], [png.width - 1, 255]] as const) {
      const want = Array.from(lut.slice(entry * 3, entry * 3 + 3));
      assert.ok(at(x).every((v, c) => Math.abs(v - want[c]!) <= 2), `bar at x ${x}: ${at(x)} vs ${want}`);
    }
  });
});
