// The Top Images panel's state and words for the input size and the dead-channels toggle: a saved state checked
// field by field, the remembered size winning for a new run, a typed size refused in one sentence, the engine's
// size param, the size chosen in another panel of the model followed (never another model's), the order with and
// without dead channels last, and the summary, size and size-changed lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkedSize, followRememberedSize, parseTopkState, sizeParam, stateForRun } from '../../../src/host/topk/topkState';
import type { TopkEntry } from '../../../src/shared/topk';
import type { TopkFindResult, TopkPanelState } from '../../../src/shared/topkProtocol';
import { channelOrder } from '../../../webview/src/topk/channelOrder';
import { sizeChangedNotice, sizeNote, summaryLine } from '../../../webview/src/topk/summaryText';

const e = (value: number): TopkEntry => ({ file: '/data/a.png', value, mean: value / 2, x: 0, y: 0, box: { x: 0, y: 0, width: 3, height: 3 } });
const target = { modelPath: '/models/any/model.json', layerId: 'conv', folder: '/data', k: 4 };

test('stateForRun: dead channels last and index order by default; the open panel\'s choices and the remembered size carry over', () => {
  const fresh = stateForRun(target, undefined, undefined);
  assert.deepEqual(fresh, { ...target, modelName: 'any', sort: 'index', deadLast: true });
  const previous: TopkPanelState = { ...fresh, sort: 'top', deadLast: false, inputSize: { height: 99, width: 99 } };
  const next = stateForRun({ ...target, k: 40 }, previous, { height: 40, width: 56 });
  assert.deepEqual(next, { ...target, k: 16, modelName: 'any', sort: 'top', deadLast: false, inputSize: { height: 40, width: 56 } });
  // No size remembered for the model: none (the engine runs at the sidecar's size or the default), never the
  // previous panel's, which may belong to another model.
  assert.equal(stateForRun(target, previous, undefined).inputSize, undefined);
});

test('parseTopkState keeps a size in range and the toggle, and drops what is not one', () => {
  const saved = { ...target, modelName: 'x', sort: 'top', deadLast: false, inputSize: { height: 40, width: 56 } };
  assert.deepEqual(parseTopkState(saved), { ...target, modelName: 'any', sort: 'top', deadLast: false, inputSize: { height: 40, width: 56 } });
  // A state saved before the toggle existed lists dead channels last; a size out of range is dropped.
  const old = parseTopkState({ ...target, sort: 'index', inputSize: { height: 4, width: 4 } });
  assert.equal(old?.deadLast, true);
  assert.equal(old?.inputSize, undefined);
  assert.equal(parseTopkState({ ...target, deadLast: 'no' })?.deadLast, true);
  assert.equal(parseTopkState({ layerId: 'conv' }), undefined);
});

test('checkedSize: whole pixels from 8 to 1024, else one sentence; sizeParam is [height, width] or nothing', () => {
  assert.deepEqual(checkedSize({ height: 40, width: 56 }), { height: 40, width: 56 });
  assert.equal(checkedSize({ height: 4, width: 4 }), 'The input size must be whole pixels from 8 to 1024 on each side, not 4×4.');
  assert.equal(typeof checkedSize({ height: 40.5, width: 56 }), 'string');
  assert.equal(typeof checkedSize('40×56'), 'string');
  assert.equal(typeof checkedSize(undefined), 'string');
  const state = stateForRun(target, undefined, { height: 40, width: 56 });
  assert.deepEqual(sizeParam(state), { inputSize: [40, 56] });
  assert.deepEqual(sizeParam(stateForRun(target, undefined, undefined)), {});
});

test('channelOrder: dead channels last by default; toggled off, the sort\'s own order', () => {
  const top = [[e(1)], [e(0)], [e(3)], [], [e(2)]];
  assert.deepEqual(Array.from(channelOrder(top, 'index')), [0, 2, 4, 1, 3]);
  assert.deepEqual(Array.from(channelOrder(top, 'index', false)), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(channelOrder(top, 'top', true)), [2, 4, 0, 1, 3]);
  // By value without the partition: a channel with no image at all goes after every scored one.
  assert.deepEqual(Array.from(channelOrder(top, 'top', false)), [2, 4, 0, 1, 3]);
  assert.deepEqual(Array.from(channelOrder([[e(-1)], [e(0)], [e(2)]], 'top', false)), [2, 1, 0]);
});

test('the summary says where dead channels are listed; the size line says the size and why', () => {
  const run = {
    modelName: 'any',
    folder: '/data',
    result: {
      layerId: 'conv', k: 2, channels: 3, top: [[e(1)], [e(0)], [e(2)]], grid: [40, 56], input: [40, 56],
      receptiveField: { rows: { stride: 1, start: -1, end: 1, length: 40 }, cols: { stride: 1, start: -1, end: 1, length: 56 }, size: [3, 3] },
      imageCount: 12, skipped: [], batchSize: 12, ms: 400, fromCache: false,
    },
  } as unknown as TopkFindResult;
  assert.equal(summaryLine(run, true), '12 images in 0.4 s · 3 channels · 1 dead (max 0 over the folder, listed last) · top 2 · unit field 3×3 px of 40×56');
  assert.match(summaryLine(run, false), /1 dead \(max 0 over the folder, in channel order\)/);
  assert.equal(sizeNote({ height: 40, width: 56, source: 'chosen' }), 'Every image ran at 40 × 56 (H × W): the size chosen for this model — the model does not fix its input size.');
  assert.match(sizeNote({ height: 224, width: 224, source: 'default' }), /224 × 224 \(H × W\): Layer Lens's default/);
  assert.match(sizeNote({ height: 96, width: 96, source: 'sidecar' }), /the size in the model's sidecar/);
});

test('followRememberedSize: a size chosen for the panel\'s model replaces its own; another model\'s, or its own again, changes nothing', () => {
  const state = stateForRun(target, undefined, { height: 64, width: 64 });
  assert.deepEqual(followRememberedSize(state, target.modelPath, { height: 96, width: 96 }), { ...state, inputSize: { height: 96, width: 96 } });
  // The memory's key and the panel's path may spell the same file differently.
  assert.deepEqual(followRememberedSize(state, '/models/any/../any/model.json', { height: 96, width: 96 })?.inputSize, { height: 96, width: 96 });
  assert.equal(followRememberedSize(state, '/models/other/model.json', { height: 96, width: 96 }), undefined);
  assert.equal(followRememberedSize(state, target.modelPath, { height: 64, width: 64 }), undefined, 'the panel\'s own choice came back');
  // Forgotten: the sidecar's size or the default again.
  assert.equal(followRememberedSize(state, target.modelPath, undefined)?.inputSize, undefined);
  assert.equal(followRememberedSize(stateForRun(target, undefined, undefined), target.modelPath, undefined), undefined);
});

test('sizeChangedNotice names both sizes only when the model\'s size is not the one the results were found at', () => {
  const run = (inputSize?: { height: number; width: number; source: 'chosen' | 'default' }) => ({ ...(inputSize ? { inputSize } : {}) }) as unknown as TopkFindResult;
  assert.equal(sizeChangedNotice(run({ height: 64, width: 64, source: 'chosen' }), { height: 96, width: 96 }), "These results are at 64 × 64; the model's size is now 96 × 96.");
  assert.equal(sizeChangedNotice(run({ height: 224, width: 224, source: 'default' }), { height: 48, width: 32 }), "These results are at 224 × 224; the model's size is now 48 × 32.");
  assert.equal(sizeChangedNotice(run({ height: 64, width: 64, source: 'chosen' }), { height: 64, width: 64 }), undefined);
  assert.equal(sizeChangedNotice(run({ height: 64, width: 64, source: 'chosen' }), undefined), undefined);
  assert.equal(sizeChangedNotice(run(), { height: 96, width: 96 }), undefined, 'a model that fixes its size has no size to change');
});
