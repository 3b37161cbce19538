// The atlas's work list, its fixed batches, the inputs ranking and the progress text: pure functions, no model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atlasGroups, atlasLayers, atlasWorkList, unitsCapNote } from '../../../src/core/atlas/workList';
import { strongestInputs } from '../../../src/core/atlas/strongestInputs';
import { formatEta, progressSink } from '../../../src/cli/atlas/progressLine';
import type { LayerInfo, ModelInfo } from '../../../src/shared/model';

const layer = (id: string, kind: LayerInfo['kind'], channels: number | null, rank = 4): LayerInfo => ({
  id, name: id, className: kind, kind, outputShape: rank === 4 ? [null, 8, 8, channels] : [null, channels], paramCount: 0,
});
const info: ModelInfo = {
  path: '/m/model.json', name: 'm', format: 'layers', inputShape: [null, 8, 8, 1], nativeLayout: 'NHWC', outputIds: ['fc'], paramCount: 0, warnings: [],
  layers: [layer('input', 'input', 1), layer('a', 'conv', 40), layer('pool', 'pool', 40), layer('b', 'conv', 3), layer('c', 'module', null), layer('fc', 'dense', 10, 2)],
};

test('the default layers are the convolutions and modules with a spatial output and known channels; a named unknown layer is refused', () => {
  assert.deepEqual(atlasLayers(info).map((l) => l.id), ['a', 'b']);
  assert.deepEqual(atlasLayers(info, ['fc', 'pool']).map((l) => l.id), ['pool', 'fc']);
  assert.throws(() => atlasLayers(info, ['nope']), /m has no layer "nope"/);
  assert.throws(() => atlasLayers(info, ['input']), /is the input of m/);
});

test('batches are 32 consecutive units of one layer aligned at unit 0, so any subset of the list batches alike', () => {
  const work = atlasWorkList(atlasLayers(info), 'all');
  assert.equal(work.length, 43);
  assert.deepEqual(atlasGroups(work).map((g) => [g.layerId, g.units[0], g.units.length]), [['a', 0, 32], ['a', 32, 8], ['b', 0, 3]]);
  assert.deepEqual(atlasWorkList(atlasLayers(info), 2).map((i) => `${i.layerId}${i.unit}`), ['a0', 'a1', 'b0', 'b1']);
  // A subset starting mid-group keeps the group's boundaries.
  assert.deepEqual(atlasGroups(work.slice(30, 36)).map((g) => g.units), [[30, 31], [32, 33, 34, 35]]);
});

test('--units above a layer\'s channels draws it whole, and the note names each such layer and its count', () => {
  const layers = atlasLayers(info); // a: 40 units, b: 3
  assert.equal(unitsCapNote(layers, 'all'), undefined);
  assert.equal(unitsCapNote(layers, 3), undefined);
  assert.equal(unitsCapNote(layers, 10), '--units 10 is more than 1 of the 2 layers have (b 3 units): it is drawn whole, the others\' first 10 units.');
  assert.equal(unitsCapNote(layers, 100000), '--units 100000 is more than any of the 2 layers has (a 40, b 3 units): each is drawn whole.');
  assert.equal(unitsCapNote([layers[0]], 512), '--units 512 is more than a has (40 units): drawing all 40.');
  const many = Array.from({ length: 7 }, (_, i) => layer(`m${i}`, 'conv', 8));
  assert.equal(unitsCapNote(many, 9), '--units 9 is more than any of the 7 layers has (m0 8, m1 8, m2 8, m3 8 units, and 3 more): each is drawn whole.');
  assert.equal(atlasWorkList(layers, 10).length, 13);
});

test('strongest inputs rank input channels by the L2 norm of their weights into the unit', () => {
  // HWIO [1, 2, 3, 2]: unit 1 gets (x0, x1) weights per input channel i: i0 (1, 0), i1 (3, 4), i2 (0, 2).
  const w = new Float32Array(12);
  const set = (x: number, i: number, o: number, v: number) => (w[(x * 3 + i) * 2 + o] = v);
  set(0, 0, 1, 1); set(0, 1, 1, 3); set(1, 1, 1, 4); set(1, 2, 1, 2); set(0, 2, 0, 100);
  assert.deepEqual(strongestInputs(w, [1, 2, 3, 2], 1, 2), [{ unit: 1, weight: 5 }, { unit: 2, weight: 2 }]);
});

test('progress: an ETA from this run\'s rate, plain lines off a terminal, a redrawn bar on one', () => {
  assert.equal(formatEta(75), '1:15');
  assert.equal(formatEta(3725), '1:02:05');
  assert.equal(formatEta(NaN), '--:--');
  let t = 0;
  const written: string[] = [];
  const plain = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  const sink = progressSink(plain, 0, () => t);
  sink.update(10, 40, 'starting');
  t = 10_000;
  sink.update(20, 40, 'a units 0–9');
  sink.update(25, 40, 'a units 10–14');
  t = 20_000;
  sink.update(40, 40, 'b');
  assert.deepEqual(written, ['atlas: 10 of 40 units (starting)\n', 'atlas: 20 of 40 units, about 0:20 left (a units 0–9)\n', 'atlas: 40 of 40 units (b)\n']);
  const tty: string[] = [];
  const term = { isTTY: true, columns: 80, write: (s: string) => tty.push(s) } as unknown as NodeJS.WriteStream;
  const bar = progressSink(term, 0, () => t);
  t = 30_000;
  bar.update(20, 40, 'x');
  bar.end();
  assert.match(tty[0]!, /^\r\[#{14}\.{14}\] 20\/40 units {2}ETA 0:10 {2}x {2,}$/);
  assert.equal(tty[0]!.length, 80);
  assert.equal(tty[1], '\n');
});
