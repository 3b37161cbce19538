// The per-unit actmax index: file format, which objectives picture a unit, latest-wins, the size bound, shrinking
// of large pictures, and the Top Images lookup keyed by the model's stamp on disk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActmaxObjectiveSpec, ActmaxResult, ActmaxSettings } from '../../../src/shared/actmax';
import { modelStamp } from '../../../src/host/actmax/resultCache';
import { ActmaxUnitIndex, decodeUnit, encodeUnit, shrinkRgba, unitIndexDir, unitsOfRun, UNIT_IMAGE_MAX_SIDE } from '../../../src/host/actmax/unitIndex';
import { actmaxImageFor, actmaxImagesFor, fitBudget } from '../../../src/host/topk/actmaxLookup';

const root = mkdtempSync(join(tmpdir(), 'unit-index-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(root, `d${dirs++}`);

/** A result whose image i is filled with the value fill(i) (alpha 255). */
function fakeResult(units: number[], size: number, objective: ActmaxObjectiveSpec, fill: (i: number) => number, layerId = 'conv2'): ActmaxResult {
  const settings = { preset: 'trial1-naive', layerId, units, objective } as unknown as ActmaxSettings;
  const images = units.map((_, i) => {
    const img = new Uint8ClampedArray(size * size * 4).fill(fill(i));
    for (let p = 3; p < img.length; p += 4) img[p] = 255;
    return img;
  });
  return { images, width: size, height: size, objectiveHistory: units.map(() => new Float32Array([1, 2])), msPerStep: 1, settings };
}

test('encodeUnit/decodeUnit round trip; truncated and foreign bytes are rejected', () => {
  const header = { magic: 'LLU1', modelPath: '/m.onnx', stamp: 's', layerId: 'l', unit: 3, width: 2, height: 1, objective: 'channel', preset: 'p', recordedAt: 5 };
  const rgba = new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8]);
  const bytes = encodeUnit(header, rgba);
  const back = decodeUnit(bytes);
  assert.deepEqual(back?.header, header);
  assert.deepEqual(Array.from(back?.rgba ?? []), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(decodeUnit(bytes.subarray(0, bytes.length - 1)), undefined);
  assert.equal(decodeUnit(new TextEncoder().encode('hello world')), undefined);
  assert.equal(decodeUnit(encodeUnit({ ...header, magic: 'XXXX' }, rgba)), undefined);
});

test('unitsOfRun: single-unit objectives picture their unit; negative, sums, DeepDream, direction do not', () => {
  const run = (objective: ActmaxObjectiveSpec) => unitsOfRun({ layerId: 'conv2', units: [4, 7], objective });
  assert.deepEqual(run({ kind: 'channel' }), [{ layerId: 'conv2', unit: 4 }, { layerId: 'conv2', unit: 7 }]);
  assert.deepEqual(run({ kind: 'channelRms', layerId: 'conv1' }), [{ layerId: 'conv1', unit: 4 }, { layerId: 'conv1', unit: 7 }]);
  assert.deepEqual(run({ kind: 'neuron', unit: 2 }), [{ layerId: 'conv2', unit: 2 }, { layerId: 'conv2', unit: 2 }]);
  assert.deepEqual(run({ kind: 'classLogit', layerId: 'fc' }), [{ layerId: 'fc', unit: 4 }, { layerId: 'fc', unit: 7 }]);
  assert.deepEqual(run({ kind: 'negative', of: { kind: 'channel' } }), [undefined, undefined]);
  assert.deepEqual(run({ kind: 'layerL2' }), [undefined, undefined]);
  assert.deepEqual(run({ kind: 'direction', vector: [1] }), [undefined, undefined]);
  assert.deepEqual(run({ kind: 'sum', terms: [] }), [undefined, undefined]);
});

test('shrinkRgba averages whole blocks, the last partial block included', () => {
  // 3 × 1 image, factor 2: [avg(px0, px1), px2]
  const rgba = new Uint8ClampedArray([0, 10, 20, 255, 100, 110, 120, 255, 7, 8, 9, 255]);
  const s = shrinkRgba(rgba, 3, 1, 2);
  assert.equal(s.width, 2);
  assert.equal(s.height, 1);
  assert.deepEqual(Array.from(s.rgba), [50, 60, 70, 255, 7, 8, 9, 255]);
  assert.equal(shrinkRgba(rgba, 3, 1, 1).rgba, rgba);
});

test('record then get/layer: only picturing objectives are filed, a newer run replaces, other models/layers miss', async () => {
  const index = new ActmaxUnitIndex(freshDir());
  assert.equal(await index.record('/models/a.onnx', 'stamp1', fakeResult([0, 5], 4, { kind: 'channel' }, (i) => 10 + i)), 2);
  assert.equal(await index.record('/models/a.onnx', 'stamp1', fakeResult([1], 4, { kind: 'negative', of: { kind: 'channel' } }, () => 99)), 0);
  const u5 = await index.get('/models/a.onnx', 'stamp1', 'conv2', 5);
  assert.ok(u5);
  assert.equal(u5.width, 4);
  assert.equal(u5.rgba[0], 11);
  assert.equal(u5.objective, 'channel');
  assert.equal(await index.get('/models/a.onnx', 'stamp1', 'conv2', 1), undefined, 'negative objective is no picture of unit 1');
  assert.equal(await index.get('/models/a.onnx', 'stamp2', 'conv2', 5), undefined, 'other stamp');
  assert.equal(await index.get('/models/b.onnx', 'stamp1', 'conv2', 5), undefined, 'other model');
  assert.equal(await index.get('/models/x/../a.onnx', 'stamp1', 'conv2', 5) !== undefined, true, 'same file, other spelling');
  // Latest wins.
  await index.record('/models/a.onnx', 'stamp1', fakeResult([5], 4, { kind: 'channelRms' }, () => 200));
  const again = await index.get('/models/a.onnx', 'stamp1', 'conv2', 5);
  assert.equal(again?.rgba[0], 200);
  assert.equal(again?.objective, 'channelRms');
  // A layer lists its units in order; another layer of the same model stays apart.
  await index.record('/models/a.onnx', 'stamp1', fakeResult([3], 4, { kind: 'channel' }, () => 1, 'conv1'));
  assert.deepEqual((await index.layer('/models/a.onnx', 'stamp1', 'conv2')).map((u) => u.unit), [0, 5]);
  assert.deepEqual((await index.layer('/models/a.onnx', 'stamp1', 'conv1')).map((u) => u.unit), [3]);
  assert.deepEqual(await index.layer('/models/a.onnx', 'stamp1', 'nothing'), []);
  assert.deepEqual(await new ActmaxUnitIndex(freshDir()).layer('/models/a.onnx', 'stamp1', 'conv2'), [], 'no folder yet');
});

test('bounded size: the least recently written entries go; no temp files stay behind', async () => {
  const dir = freshDir();
  const probeDir = freshDir();
  await new ActmaxUnitIndex(probeDir).record('/m.onnx', 's', fakeResult([0], 16, { kind: 'channel' }, () => 0));
  const [probeFile] = readdirSync(probeDir);
  assert.ok(probeFile);
  // Every entry has the same header length here (one-digit units), so exactly three fit.
  const index = new ActmaxUnitIndex(dir, 3 * statSync(join(probeDir, probeFile)).size);
  const t0 = Date.now() / 1000 - 100;
  for (let u = 0; u < 6; u++) {
    await index.record('/m.onnx', 's', fakeResult([u], 16, { kind: 'channel' }, () => u));
    // Distinct, increasing mtimes (in the past, so the next write is the newest): a defined order on any file system.
    const file = readdirSync(dir).find((n) => n.endsWith(`-${u}.llunit`));
    assert.ok(file, `unit ${u} was just written`);
    utimesSync(join(dir, file), t0 + u, t0 + u);
  }
  await index.prune();
  assert.deepEqual((await index.layer('/m.onnx', 's', 'conv2')).map((u) => u.unit), [3, 4, 5]);
  assert.equal(readdirSync(dir).length, 3, 'no temp files stay behind');
});

test(`pictures larger than ${UNIT_IMAGE_MAX_SIDE} px are stored averaged down`, async () => {
  const index = new ActmaxUnitIndex(freshDir());
  await index.record('/m.onnx', 's', fakeResult([0], 300, { kind: 'channel' }, () => 77));
  const u = await index.get('/m.onnx', 's', 'conv2', 0);
  assert.equal(u?.width, 150);
  assert.equal(u?.height, 150);
  assert.equal(u?.rgba[0], 77);
  assert.equal(u?.rgba.length, 150 * 150 * 4);
});

test('actmaxImageFor/actmaxImagesFor: found by the model stamp on disk; a changed model file invalidates', async () => {
  const storageDir = freshDir();
  const modelDir = freshDir();
  const modelPath = join(modelDir, 'net.onnx');
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(modelPath, 'weights v1');
  const index = new ActmaxUnitIndex(unitIndexDir(join(storageDir, 'actmax')));
  await index.record(modelPath, await modelStamp(modelPath), fakeResult([1, 3, 9], 8, { kind: 'channel' }, (i) => 40 + i));
  const context = { storageDir };
  const one = await actmaxImageFor(context, modelPath, 'conv2', 3);
  assert.equal(one?.channel, 3);
  assert.equal(one?.width, 8);
  assert.equal(one?.rgba[0], 41);
  assert.equal(await actmaxImageFor(context, modelPath, 'conv2', 2), undefined);
  // Channel 9 is beyond a 4-channel layer: not sent.
  assert.deepEqual((await actmaxImagesFor(context, modelPath, 'conv2', 4)).map((i) => i.channel), [1, 3]);
  // A tight budget shrinks the pictures instead of dropping them.
  const small = await actmaxImagesFor(context, modelPath, 'conv2', 10, 3 * 4 * 4 * 4);
  assert.deepEqual(small.map((i) => [i.channel, i.width, i.height]), [[1, 4, 4], [3, 4, 4], [9, 4, 4]]);
  // A sidecar written later changes the stamp too.
  writeFileSync(join(modelDir, 'net.layerlens.json'), '{}');
  assert.equal(await actmaxImageFor(context, modelPath, 'conv2', 3), undefined);
  rmSync(join(modelDir, 'net.layerlens.json'));
  assert.ok(await actmaxImageFor(context, modelPath, 'conv2', 3));
  // Retrained weights (same path, new bytes): miss.
  writeFileSync(modelPath, 'weights v2, longer');
  assert.equal(await actmaxImageFor(context, modelPath, 'conv2', 3), undefined);
  assert.deepEqual(await actmaxImagesFor(context, modelPath, 'conv2', 10), []);
});

test('fitBudget keeps pictures that fit and shrinks by the smallest whole factor otherwise', () => {
  const img = (channel: number, side: number) => ({ channel, width: side, height: side, rgba: new Uint8ClampedArray(side * side * 4).fill(9) });
  const two = [img(0, 10), img(1, 10)];
  assert.equal(fitBudget(two, 800), two);
  const shrunk = fitBudget(two, 799);
  assert.deepEqual(shrunk.map((i) => i.width), [5, 5]);
  assert.equal(shrunk[0]?.rgba[0], 9);
  assert.deepEqual(fitBudget([], 0), []);
});
