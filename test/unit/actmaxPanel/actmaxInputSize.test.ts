// The input size of a model that does not fix one, in the actmax panel's host logic: runs at different sizes never
// share a cache entry, the size reaches the engine as inputSettings, a saved state keeps only a size Layer Lens runs
// at, and the per-model memory tells its listeners only of real changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ActmaxRunner, type ActmaxEngine } from '../../../src/host/actmax/actmaxRunner';
import { buildActmaxRequest, DEFAULT_UI_SETTINGS, parsePanelState } from '../../../src/host/actmax/requestBuilder';
import { actmaxCacheKey } from '../../../src/host/actmax/resultCache';
import { InputSizeMemory } from '../../../src/host/models/inputSizeMemory';
import type { ActmaxResult, ActmaxSettings } from '../../../src/shared/actmax';
import type { ActmaxParams } from '../../../src/shared/actmaxProtocol';
import type { InputSize } from '../../../src/shared/inputSize';

const modelPath = join(__dirname, '..', '..', '..', 'models', 'mnist-cnn', 'model.json');
const request = buildActmaxRequest('conv1', [0], { ...DEFAULT_UI_SETTINGS, steps: 4 });

function result(height: number, width: number): ActmaxResult {
  return {
    images: [new Uint8ClampedArray(height * width * 4).fill(7)],
    width,
    height,
    objectiveHistory: [Float32Array.of(1, 2)],
    msPerStep: 1,
    settings: { layerId: 'conv1', units: [0], steps: 2 } as unknown as ActmaxSettings,
  };
}

test('the cache key changes with the chosen size, and stays as before without one', () => {
  const none = actmaxCacheKey('/m.json', 's', request);
  const a = actmaxCacheKey('/m.json', 's', request, { height: 64, width: 48 });
  const b = actmaxCacheKey('/m.json', 's', request, { height: 48, width: 64 });
  assert.equal(new Set([none, a, b]).size, 3);
  assert.equal(actmaxCacheKey('/m.json', 's', request, { height: 64, width: 48 }), a);
  assert.equal(actmaxCacheKey('/m.json', 's', request, undefined), none);
});

test('a run at a chosen size asks the engine with inputSettings and is cached under that size only', async () => {
  const asked: ActmaxParams[] = [];
  const engine: ActmaxEngine = {
    request: async (_m, params) => {
      asked.push(params);
      const size = params.inputSettings as InputSize | undefined;
      return result(size?.height ?? 28, size?.width ?? 28);
    },
  };
  const files = new Map<string, ActmaxResult>();
  const cache = { get: async (k: string) => files.get(k), put: async (k: string, r: ActmaxResult) => void files.set(k, r) };
  const runner = new ActmaxRunner(engine, cache);
  const sink = { post: () => undefined };
  const at = await runner.runSingle(1, modelPath, request, new AbortController().signal, sink, { height: 40, width: 56 });
  assert.deepEqual(asked[0]!.inputSettings, { height: 40, width: 56 });
  assert.equal(at.result.width, 56);
  assert.equal(at.cached, false);
  // The default size is another run: the engine is asked again, without inputSettings.
  const plain = await runner.runSingle(2, modelPath, request, new AbortController().signal, sink);
  assert.equal(plain.cached, false);
  assert.equal(asked.length, 2);
  assert.equal('inputSettings' in asked[1]!, false);
  const again = await runner.runSingle(3, modelPath, request, new AbortController().signal, sink, { height: 40, width: 56 });
  assert.equal(again.cached, true);
  assert.equal(again.result.width, 56);
  assert.equal(asked.length, 2);
});

test('a saved panel state keeps a size in range and drops any other', () => {
  const base = { modelPath: '/m.json', layerId: 'conv1', view: 'single', settings: {} };
  assert.deepEqual(parsePanelState({ ...base, inputSize: { height: 40, width: 56 } })?.inputSize, { height: 40, width: 56 });
  for (const inputSize of [{ height: 4, width: 56 }, { height: 40.5, width: 56 }, { height: '40', width: 56 }, null, 12]) {
    assert.equal(parsePanelState({ ...base, inputSize })?.inputSize, undefined, JSON.stringify(inputSize));
  }
});

test('the memory keeps one size per model and tells listeners of changes only', () => {
  const memory = new InputSizeMemory();
  const heard: string[] = [];
  const stop = memory.onDidChange((p, s) => heard.push(`${p}:${s ? `${s.height}x${s.width}` : '-'}`));
  memory.set('/a', { height: 40, width: 56 });
  memory.set('/a', { height: 40, width: 56 });
  memory.set('/a', { height: 2, width: 56 });
  memory.set('/b', { height: 64, width: 64 });
  assert.deepEqual(memory.get('/a'), { height: 40, width: 56 });
  memory.set('/a', undefined);
  assert.equal(memory.get('/a'), undefined);
  stop();
  memory.set('/b', { height: 32, width: 32 });
  assert.deepEqual(heard, ['/a:40x56', '/b:64x64', '/a:-']);
});
