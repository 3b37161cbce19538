// An atlas's site render must not stall the engine: on an atlas of thousands of units it writes thousands of pages,
// and a panel's request that arrives meanwhile is answered between pages, before atlas.run's own answer. The atlas
// here has every unit computed already (a cached run: unit.json files on disk), so atlas.run is all render; the
// order of the two answers is asserted, never a time. A cancel read during the render stops it and answers stopped;
// the render that follows a cancel of the units is bounded, so the engine answers the cancel before the host gives up.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { b64, constNode, dims, writeGraphModelFolder } from '../../helpers/graphModelJson';
import { tempFolder } from '../topk/topkFixtures';
import { setYieldGate } from '../../../src/core/abort';
import { atlasBatchSize } from '../../../src/core/atlas/atlasBatch';
import { atlasLayers, atlasWorkList, layerSlug } from '../../../src/core/atlas/workList';
import type { UnitRecord } from '../../../src/core/atlas/atlasTypes';
import { atlasManifest, writeOrCheckManifest } from '../../../src/core/node/atlas/atlasManifest';
import { atlasSettingsOf, runAtlas } from '../../../src/core/node/atlas/runAtlas';
import { modelInputSpec } from '../../../src/core/node/imageFiles';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { atlasRunHandler } from '../../../src/engine/handlers/atlas';
import { RpcServer, type HandlerTable } from '../../../src/engine/rpcServer';
import { ATLAS_DEFAULTS, type AtlasRunParams, type AtlasRunResult } from '../../../src/shared/atlasProtocol';
import type { EngineToHost } from '../../../src/shared/protocol/engineProtocol';

/** Units of the one conv layer: pages enough that the render takes seconds on two cores. */
const UNITS = 2000;
const SIZE: [number, number] = [8, 8];
/**
 * The CPU batch: 32, the most, as one unit's copy of the 8 × 8 × UNITS output is 1.5 MB (its unknown sides counted
 * at the run's 8 × 8; they were once taken as −1, which made the bytes negative and the batch 1).
 */
const BATCH = 32;

/** x [?, ?, ?, 3] → 1×1 conv with UNITS filters: a model whose atlas has UNITS units and is light to load. */
function writeWideConv(dir: string): string {
  const T = { T: { type: 'DT_FLOAT' } };
  const ints = (v: number[]): Record<string, unknown> => ({ list: { i: v.map(String) } });
  const nodes = [
    constNode('wide/filter', [1, 1, 3, UNITS]),
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, -1, -1, 3]) } } },
    { name: 'wide', op: 'Conv2D', input: ['x', 'wide/filter'], attr: { ...T, data_format: { s: b64('NHWC') }, strides: ints([1, 1, 1, 1]), padding: { s: b64('SAME') }, dilations: ints([1, 1, 1, 1]) } },
  ];
  const values = Float32Array.from({ length: 3 * UNITS }, (_, i) => ((i * 37) % 101) / 101 - 0.5);
  return writeGraphModelFolder(dir, nodes, [{ name: 'wide/filter', shape: [1, 1, 3, UNITS], values }]);
}

function record(layerId: string, unit: number): UnitRecord {
  return {
    layerId, unit,
    actmax: [0, 1].map((seed) => ({ file: `actmax-${seed}.png`, seed, activation: 1 + (unit % 7) / 10 })),
    diversity: ['diversity-0.png', 'diversity-1.png'],
    quality: { activation: 1 + (unit % 7) / 10, transformed: 0.5 + (unit % 5) / 10, draws: 8, top1: null },
    topPicture: null, top: [], stats: null, kernel: null,
    inputs: { layerId: null, units: [{ unit: 0, weight: 0.5 }, { unit: 1, weight: 0.25 }] },
  };
}

/** An atlas folder whose every unit is computed (as a finished or cached run leaves it), with no page rendered yet. */
async function cachedAtlas(model: LoadedModel, params: AtlasRunParams): Promise<void> {
  const spec = await modelInputSpec(model, { height: SIZE[0], width: SIZE[1] });
  const work = atlasWorkList(atlasLayers(model.info), 'all');
  assert.equal(work.length, UNITS);
  const req = { ...ATLAS_DEFAULTS, outDir: params.outDir, units: 'all' as const };
  writeOrCheckManifest(params.outDir, atlasManifest(model.info, work, atlasSettingsOf(spec, req, 0, atlasBatchSize(model, ['wide'], spec))));
  for (const item of work) {
    const dir = join(params.outDir, 'units', layerSlug(item.layerId), String(item.unit));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'unit.json'), `${JSON.stringify(record(item.layerId, item.unit), null, 1)}\n`);
  }
}

const root = tempFolder('layer-lens-atlas-render-');
const modelDir = join(root, 'model');
mkdirSync(modelDir);
const modelPath = writeWideConv(modelDir);
let loaded: LoadedModel | undefined;
const models = { get: async (path: string): Promise<LoadedModel> => (loaded ??= await loadModel(path)) };

after(() => {
  setYieldGate(undefined);
  loaded?.dispose();
});

/** The engine's RPC server with the real atlas.run and memory handlers; every message it sends is kept in order. */
function engine(): { rpc: RpcServer; sent: EngineToHost[]; answered: (id: number) => EngineToHost | undefined } {
  const sent: EngineToHost[] = [];
  const handlers = {
    'atlas.run': (params: AtlasRunParams, ctx: { signal: AbortSignal; progress: (p: unknown) => void }) => atlasRunHandler(models, params, { signal: ctx.signal, onProgress: ctx.progress }),
    memory: async () => {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    },
  } as unknown as HandlerTable;
  const rpc = new RpcServer(handlers, (m) => sent.push(m));
  const answered = (id: number) => sent.find((m) => (m.type === 'response' || m.type === 'error') && m.id === id);
  return { rpc, sent, answered };
}

/** Resolves once `file` exists, polling on a timer: it can fire only while the engine's thread is free. */
function whenExists(file: string): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!existsSync(file)) return;
      clearInterval(timer);
      resolve();
    }, 2);
  });
}

test('while atlas.run renders a site of thousands of units, a memory request sent meanwhile is answered first', async () => {
  await useBackend('wasm');
  const outDir = join(root, 'site');
  const params: AtlasRunParams = { modelPath, outDir, inputSize: SIZE };
  await cachedAtlas(await models.get(modelPath), params);
  const { rpc, sent, answered } = engine();
  rpc.receive({ type: 'request', id: 1, method: 'atlas.run', params });
  // The first unit page is written at the start of the render; thousands follow it.
  await whenExists(join(outDir, 'unit', 'wide', '0.html'));
  rpc.receive({ type: 'request', id: 2, method: 'memory', params: {} });
  while (!answered(1) || !answered(2)) await new Promise((r) => setTimeout(r, 5));
  const order = sent.filter((m) => m.type === 'response' || m.type === 'error').map((m) => (m.id === 1 ? 'atlas.run' : 'memory'));
  assert.deepEqual(order, ['memory', 'atlas.run'], 'the memory request sent during the render was answered after atlas.run: the render blocked the engine');
  const atlas = answered(1);
  assert.ok(atlas?.type === 'response', JSON.stringify(atlas));
  assert.deepEqual({ ...(atlas.result as AtlasRunResult) }, { indexPath: join(outDir, 'index.html'), computed: 0, skipped: UNITS, written: UNITS, total: UNITS, stopped: false, batch: BATCH });
  assert.ok(existsSync(join(outDir, 'unit', 'wide', `${UNITS - 1}.html`)), 'the last unit page is written');
});

test('a cancel read during the render stops it: atlas.run answers stopped, with every unit kept', async () => {
  await useBackend('wasm');
  const outDir = join(root, 'cancelled');
  const params: AtlasRunParams = { modelPath, outDir, inputSize: SIZE };
  await cachedAtlas(await models.get(modelPath), params);
  const { rpc, answered } = engine();
  rpc.receive({ type: 'request', id: 1, method: 'atlas.run', params });
  await whenExists(join(outDir, 'unit', 'wide', '0.html'));
  rpc.receive({ type: 'cancel', id: 1 });
  while (!answered(1)) await new Promise((r) => setTimeout(r, 5));
  const atlas = answered(1);
  assert.ok(atlas?.type === 'response', JSON.stringify(atlas));
  assert.deepEqual({ ...(atlas.result as AtlasRunResult) }, { indexPath: join(outDir, 'index.html'), computed: 0, skipped: UNITS, written: UNITS, total: UNITS, stopped: true, batch: BATCH });
  assert.ok(!existsSync(join(outDir, 'unit', 'wide', `${UNITS - 1}.html`)), 'the render went on to its last page after the cancel');
});

test('after a cancel during the units, the render is bounded: its answer comes with every finished unit kept', async () => {
  await useBackend('wasm');
  const outDir = join(root, 'cancelled-units');
  const model = await models.get(modelPath);
  await cachedAtlas(model, { modelPath, outDir, inputSize: SIZE });
  // The last unit is not computed yet: the run computes its batch, and is cancelled at its first step.
  rmSync(join(outDir, 'units', 'wide', String(UNITS - 1)), { recursive: true });
  const spec = await modelInputSpec(model, { height: SIZE[0], width: SIZE[1] });
  const cancel = new AbortController();
  const run = await runAtlas(model, spec, { ...ATLAS_DEFAULTS, outDir, units: 'all' }, { signal: cancel.signal, onStep: () => cancel.abort(), renderAfterCancelMs: 0 });
  assert.deepEqual({ ...run, site: undefined }, { site: undefined, computed: 0, skipped: UNITS - 1, written: UNITS - 1, total: UNITS, stopped: true, batch: BATCH });
  assert.ok(!existsSync(join(outDir, 'unit', 'wide', `${UNITS - 2}.html`)), 'the render after the cancel ran past its bound to the last page');
});
