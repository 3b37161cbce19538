// The actmax panel's pure logic: units parsing, request building from UI state, settings validation, atlas
// batches, cache keys and the cache file format, the objective curve's scaling, the frame strip, the atlas grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  actmaxLayers,
  atlasBatches,
  buildActmaxRequest,
  DEFAULT_UI_SETTINGS,
  parsePanelState,
  parseUiSettings,
  parseUnits,
  unitCount,
} from '../../../src/host/actmax/requestBuilder';
import { actmaxCacheKey, ActmaxResultCache, decodeResult, encodeResult, modelStamp, stableJson } from '../../../src/host/actmax/resultCache';
import type { ActmaxResult, ActmaxSettings } from '../../../src/shared/actmax';
import { LayerLensError } from '../../../src/shared/errors';
import { objectiveForLayer } from '../../../src/shared/actmaxProtocol';
import type { LayerInfo, ModelInfo } from '../../../src/shared/model';
import { cellAt, cellOrigin, layoutAtlas, visibleRows } from '../../../webview/src/actmax/atlasLayout';
import { curveGeometry, LiveHistory } from '../../../webview/src/actmax/curve';
import { FrameStrip } from '../../../webview/src/actmax/frameStrip';
import { tileHorizontally, toRgbaBytes } from '../../../webview/src/actmax/pixels';

const badArgument = (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument';

test('parseUnits: lists, ranges, dedupe, bounds and one-sentence errors', () => {
  assert.deepEqual(parseUnits('0', 16), [0]);
  assert.deepEqual(parseUnits(' 3, 1;8-10 3 ', 16), [3, 1, 8, 9, 10]);
  assert.throws(() => parseUnits('', 16), badArgument);
  assert.throws(() => parseUnits('16', 16), (e: unknown) => badArgument(e) && /units 0 to 15/.test((e as Error).message));
  assert.throws(() => parseUnits('5-2', 16), (e: unknown) => badArgument(e) && /backwards/.test((e as Error).message));
  assert.throws(() => parseUnits('x', 16), (e: unknown) => badArgument(e) && /"x"/.test((e as Error).message));
  assert.throws(() => parseUnits('0-99', 200), (e: unknown) => badArgument(e) && /Visualize Layer/.test((e as Error).message));
  assert.equal(parseUnits('0-63', 200).length, 64);
});

test('buildActmaxRequest: only the values the user set become overrides; objectives map to specs', () => {
  const r = buildActmaxRequest('conv2', [3, 4], DEFAULT_UI_SETTINGS);
  assert.deepEqual(r, { layerId: 'conv2', units: [3, 4], objective: { kind: 'channel' }, preset: 'lucid', overrides: { seed: 0, frameEvery: 8 } });
  const full = buildActmaxRequest('fc', [1], {
    ...DEFAULT_UI_SETTINGS,
    objective: 'negChannel',
    preset: 'trial6-scharr',
    steps: 100,
    size: 64,
    lr: 0.1,
    param: 'fourier',
    decayPower: 1.5,
    seed: 9,
    regularizers: { l2: 3, scharr: 0 },
  });
  assert.deepEqual(full.objective, { kind: 'negative', of: { kind: 'channel' } });
  assert.deepEqual(full.overrides, { seed: 9, frameEvery: 8, steps: 100, size: 64, lr: 0.1, param: 'fourier', decayPower: 1.5, regularizers: { l2: 3, scharr: 0 } });
  assert.deepEqual(buildActmaxRequest('x', [0], { ...DEFAULT_UI_SETTINGS, objective: 'classLogit' }).objective, { kind: 'classLogit' });
  assert.deepEqual(buildActmaxRequest('x', [0], { ...DEFAULT_UI_SETTINGS, objective: 'neuron' }).objective, { kind: 'neuron' });
});

test('parseUiSettings and parsePanelState: untrusted webview input falls back field by field', () => {
  const s = parseUiSettings({ units: '1-3', objective: 'evil', preset: 'trial2-rescale', steps: -5, size: 4096, seed: 1.5, lr: 0.02, param: 'bogus', regularizers: { l2: 2, tv: 9, scharr: NaN }, frameEvery: 4 });
  assert.deepEqual(s, { units: '1-3', objective: 'channel', preset: 'trial2-rescale', seed: 0, lr: 0.02, regularizers: { l2: 2 }, frameEvery: 4 });
  assert.deepEqual(parseUiSettings(null), DEFAULT_UI_SETTINGS);
  assert.equal(parsePanelState({ layerId: 'a' }), undefined);
  const st = parsePanelState({ modelPath: '/m/model.json', layerId: 'conv1', view: 'atlas', settings: { preset: 'maco' } });
  assert.equal(st?.view, 'atlas');
  assert.equal(st?.settings.preset, 'maco');
  assert.equal(parsePanelState({ modelPath: '/m', view: 'weird' })?.view, 'single');
});

function layer(id: string, kind: LayerInfo['kind'], outputShape: (number | null)[]): LayerInfo {
  return { id, name: id, className: kind, kind, outputShape, paramCount: 0 };
}

test('actmaxLayers offers layers with channels of the menu kinds; unitCount follows the objective', () => {
  const info: ModelInfo = {
    path: '/m.onnx', name: 'm', format: 'onnx', inputShape: [null, 28, 28, 1], nativeLayout: 'NCHW', outputIds: ['fc'], logitsId: 'fc', paramCount: 0, warnings: [],
    layers: [layer('input', 'input', [null, 28, 28, 1]), layer('conv1', 'conv', [null, 28, 28, 16]), layer('flat', 'reshape', [null, 784]), layer('odd', 'pool', [null, 4, null]), layer('fc', 'dense', [null, 10])],
  };
  const layers = actmaxLayers(info);
  assert.deepEqual(layers, [{ id: 'conv1', kind: 'conv', channels: 16 }, { id: 'fc', kind: 'dense', channels: 10 }]);
  assert.equal(unitCount(layers[0], 'channel', 10), 16);
  assert.equal(unitCount(layers[0], 'classLogit', 10), 10);
  assert.equal(unitCount(layers[0], 'classLogit', undefined), 16);
});

test('the objective follows the layer: the class logit on the logits layer, the channel mean on any other', () => {
  assert.equal(objectiveForLayer('channel', 'fc', 'fc'), 'classLogit');
  assert.equal(objectiveForLayer('classLogit', 'fc', 'fc'), 'classLogit');
  // A class logit chosen on fc does not make "Visualize Layer conv1" run 16 classes of a 10-class model.
  assert.equal(objectiveForLayer('classLogit', 'conv1', 'fc'), 'channel');
  assert.equal(objectiveForLayer('classLogit', 'conv1', undefined), 'channel');
  assert.equal(objectiveForLayer('channelRms', 'conv1', 'fc'), 'channelRms');
  assert.equal(objectiveForLayer('neuron', 'fc', 'fc'), 'neuron');
});

test('atlasBatches cover every channel in order, 8 at a time', () => {
  assert.deepEqual(atlasBatches(3), [[0, 1, 2]]);
  const b = atlasBatches(20);
  assert.deepEqual(b.map((x) => x.length), [8, 8, 4]);
  assert.deepEqual(b.flat(), Array.from({ length: 20 }, (_, i) => i));
});

test('cache keys: same settings in any key order match; unit, seed, preset, layer and model stamp differ; frameEvery does not count', () => {
  const base = buildActmaxRequest('conv2', [3], DEFAULT_UI_SETTINGS);
  const k = actmaxCacheKey('/m.onnx', 's1', base);
  assert.match(k, /^[0-9a-f]{40}$/);
  const reordered = { overrides: { frameEvery: 8, seed: 0 }, preset: base.preset, objective: base.objective, units: [3], layerId: 'conv2' };
  assert.equal(actmaxCacheKey('/m.onnx', 's1', reordered), k);
  assert.equal(actmaxCacheKey('/m.onnx', 's1', { ...base, overrides: { ...base.overrides, frameEvery: 1 } }), k);
  const others = [
    actmaxCacheKey('/m.onnx', 's1', { ...base, units: [4] }),
    actmaxCacheKey('/m.onnx', 's1', { ...base, overrides: { ...base.overrides, seed: 1 } }),
    actmaxCacheKey('/m.onnx', 's1', { ...base, preset: 'maco' }),
    actmaxCacheKey('/m.onnx', 's1', { ...base, layerId: 'conv1' }),
    actmaxCacheKey('/m.onnx', 's2', base),
    actmaxCacheKey('/other.onnx', 's1', base),
  ];
  assert.equal(new Set([k, ...others]).size, 7);
  assert.equal(stableJson({ b: 1, a: [{ d: 1, c: 2 }] }), '{"a":[{"c":2,"d":1}],"b":1}');
});

test('modelStamp changes when the model file or its sidecar changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'actmax-stamp-'));
  try {
    const model = join(dir, 'net.onnx');
    writeFileSync(model, 'abc');
    const a = await modelStamp(model);
    writeFileSync(join(dir, 'net.layerlens.json'), '{}');
    const b = await modelStamp(model);
    assert.notEqual(a, b);
    writeFileSync(model, 'abcd');
    assert.notEqual(await modelStamp(model), b);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function fakeResult(units: number, w: number, h: number, steps: number): ActmaxResult {
  const images = Array.from({ length: units }, (_, u) => Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => (i * 7 + u * 31) % 256));
  const objectiveHistory = Array.from({ length: units }, (_, u) => Float32Array.from({ length: steps }, (_, i) => i * 0.5 + u));
  const settings = { preset: 'lucid', layerId: 'conv2', units: Array.from({ length: units }, (_, i) => i), steps } as unknown as ActmaxSettings;
  return { images, width: w, height: h, objectiveHistory, msPerStep: 1.25, settings };
}

test('cache file format round-trips images, histories and settings; truncated files are rejected', () => {
  const r = fakeResult(3, 5, 3, 7); // odd sizes: the float section must still be aligned
  const bytes = encodeResult(r);
  const back = decodeResult(bytes)!;
  assert.equal(back.width, 5);
  assert.equal(back.height, 3);
  assert.equal(back.msPerStep, 1.25);
  assert.deepEqual(back.settings, r.settings);
  assert.deepEqual(back.images.map((x) => Array.from(x)), r.images.map((x) => Array.from(x)));
  assert.deepEqual(back.objectiveHistory.map((x) => Array.from(x)), r.objectiveHistory.map((x) => Array.from(x)));
  assert.ok(back.images[0] instanceof Uint8ClampedArray && back.objectiveHistory[0] instanceof Float32Array);
  assert.equal(decodeResult(bytes.subarray(0, bytes.length - 1)), undefined);
  assert.equal(decodeResult(new TextEncoder().encode('nonsense!')), undefined);
});

test('the disk cache writes atomically (no temporary files left) and prunes the oldest runs past its budget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'actmax-cache-'));
  try {
    const one = encodeResult(fakeResult(1, 16, 16, 10)).length;
    const cache = new ActmaxResultCache(join(dir, 'actmax'), one * 2 + 10);
    assert.equal(await cache.get('missing'), undefined);
    await cache.put('a', fakeResult(1, 16, 16, 10));
    utimesSync(join(dir, 'actmax', 'a.actmax'), new Date(1000), new Date(1000));
    await cache.put('b', fakeResult(1, 16, 16, 10));
    assert.ok(await cache.get('a'));
    await cache.put('c', fakeResult(1, 16, 16, 10));
    const names = readdirSync(join(dir, 'actmax')).sort();
    assert.deepEqual(names, ['b.actmax', 'c.actmax']);
    assert.equal(await cache.get('a'), undefined);
    assert.equal((await cache.get('c'))?.objectiveHistory[0][9], 4.5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('curveGeometry scales values into the padded box; flat, empty and non-finite cases', () => {
  const g = curveGeometry([[0, 5, 10], [10, 10, 10]], 3, 3, 104, 54, 2);
  assert.equal(g.min, 0);
  assert.equal(g.max, 10);
  assert.deepEqual(g.lines[0], [[2, 52], [52, 27], [102, 2]]);
  assert.deepEqual(g.lines[1].map((p) => p[1]), [2, 2, 2]);
  // While running, x spans the whole run, so the curve grows to the right.
  const partial = curveGeometry([[1, 2]], 2, 5, 104, 54, 2);
  assert.deepEqual(partial.lines[0].map((p) => p[0]), [2, 27]);
  const flat = curveGeometry([[3, 3]], 2, 2, 100, 50, 0);
  assert.deepEqual(flat.lines[0].map((p) => p[1]), [25, 25]);
  assert.deepEqual(curveGeometry([[NaN, Infinity]], 2, 2, 10, 10).lines, [[]]);
  const skip = curveGeometry([[0, NaN, 2]], 3, 3, 10, 10, 0);
  assert.equal(skip.lines[0].length, 2);
});

test('LiveHistory places sparse frame values at their steps', () => {
  const h = new LiveHistory();
  h.reset(2);
  h.add(4, [1, 2]);
  h.add(8, [3, 4]);
  const { histories, upto } = h.dense(16);
  assert.equal(upto, 8);
  assert.equal(histories[0][3], 1);
  assert.equal(histories[1][7], 4);
  assert.ok(Number.isNaN(histories[0][0]));
  assert.equal(curveGeometry(histories, upto, 16, 100, 50).lines[0].length, 2);
});

test('FrameStrip keeps at most its capacity, spread over the run, and always the final frame', () => {
  const strip = new FrameStrip<number>(4);
  for (let s = 1; s <= 32; s++) strip.add(s * 8, s, s === 32);
  const steps = strip.frames.map((f) => f.step);
  assert.ok(steps.length <= 4 && steps.length >= 2, String(steps));
  assert.equal(steps[steps.length - 1], 256);
  assert.equal(steps[0], 8);
  assert.deepEqual([...steps].sort((a, b) => a - b), steps);
  const few = new FrameStrip<number>(12);
  [16, 32, 48].forEach((s, i) => few.add(s, i, s === 48));
  assert.deepEqual(few.frames.map((f) => f.step), [16, 32, 48]);
});

test('atlas layout: integer upscaling of small images, columns to fit, hit tests and visible rows', () => {
  const l = layoutAtlas(16, 28, 28, 500);
  assert.equal(l.scale, 3);
  assert.equal(l.cellWidth, 84);
  assert.equal(l.cellHeight, 84 + l.caption);
  assert.equal(l.cols, 5);
  assert.equal(l.rows, 4);
  assert.equal(cellAt(l, 16, 1, 1), 0);
  const o = cellOrigin(l, 7);
  assert.equal(cellAt(l, 16, o.x + 10, o.y + 10), 7);
  assert.equal(cellAt(l, 16, l.cellWidth + 1, 5), undefined, 'a gap is no cell');
  const last = cellOrigin(l, 15);
  assert.equal(cellAt(l, 16, last.x + l.cellWidth + l.gap + 5, last.y + 5), undefined, 'past the last cell');
  assert.deepEqual(visibleRows(l, 0, l.cellHeight), { first: 0, last: 1 });
  assert.deepEqual(visibleRows(l, 0, l.cellHeight + l.gap + 1), { first: 0, last: 2 });
  assert.deepEqual(visibleRows(l, l.cellHeight + l.gap + 1, 10), { first: 1, last: 2 });
  const big = layoutAtlas(4, 224, 224, 1000);
  assert.ok(big.scale < 1 && big.cellWidth === 96);
});

test('pixels: image data arriving as other typed arrays or objects becomes RGBA bytes; tiles side by side', () => {
  const src = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  assert.deepEqual(Array.from(toRgbaBytes(src, 8)!), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(Array.from(toRgbaBytes({ 0: 9, 1: 8, 2: 7, 3: 6 }, 4)!), [9, 8, 7, 6]);
  assert.deepEqual(Array.from(toRgbaBytes(src.buffer, 4)!), [1, 2, 3, 4]);
  assert.equal(toRgbaBytes(src, 12), undefined);
  assert.equal(toRgbaBytes('nope', 4), undefined);
  const a = new Uint8ClampedArray(2 * 1 * 4).fill(10);
  const b = new Uint8ClampedArray(2 * 1 * 4).fill(20);
  const t = tileHorizontally([a, b], 2, 1, 1);
  assert.equal(t.width, 5);
  assert.deepEqual(Array.from(t.rgba.subarray(0, 4)), [10, 10, 10, 10]);
  assert.deepEqual(Array.from(t.rgba.subarray(8, 12)), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(t.rgba.subarray(12, 16)), [20, 20, 20, 20]);
});
