// The WebGPU parity checks, run in ONE child process (TF.js backends are global; Dawn's device is per process):
// prints one `RESULT {json}` line per check for webgpuParity.test.ts to assert on. cpu references are computed
// first (models loaded on cpu move to webgpu by value; the other way would need a synchronous GPU read).
import * as tf from '@tensorflow/tfjs-core';
import { startNodeBackend } from '../../../src/core/node/startNodeBackend';
import { activateWebgpu } from '../../../src/core/node/webgpu/webgpuBackend';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { renderActmax } from '../../../src/core/actmax';
import type { ActmaxObjectiveSpec, ActmaxRequest, ActmaxTransformSpec } from '../../../src/shared/actmax';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { fixtureBytes, fixtureIndex, fixtureNpy, fixturePath, nhwcInput } from '../onnx/fixtureData';
import { tinyConvNet } from '../actmax/nets';
import { rotateSheared } from '../../../src/core/actmax/rotate';
import { findTopImages, type TopkFile } from '../../../src/core/topk/findTopImages';
import { encode as encodePng } from 'fast-png';
import { relativeL2 as relL2 } from '../../helpers/relativeL2';
import { attributionCases, runAttribution, type AttributionRun } from './attributionCases';
import { graphFoldingFeatureMaps, onnxFoldingRun } from './foldingModels';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const only = process.argv.slice(2);
const want = (group: string) => only.length === 0 || only.includes(group);

function report(r: Record<string, unknown>): void {
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
}


/** CPU time of this process (SwiftShader's threads included) since `from`: what a check costs on a busy machine. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return Math.round((d.user + d.system) / 1000);
}

async function nchw(t: tf.Tensor): Promise<Float32Array> {
  const v = t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
  const data = (await v.data()) as Float32Array;
  if (v !== t) v.dispose();
  return data;
}

/**
 * The fixtures whose forward fits the suite's budget on SwiftShader (a software device: InceptionV3 at 299 px alone
 * took ~60 s of CPU, GoogLeNet ~15 s); LAYER_LENS_WEBGPU_ALL_FIXTURES=1 runs every fixture.
 */
const FIXTURES_IN_SUITE = new Set(['mnist_cnn', 'dilated_conv', 'grouped_conv', 'conv_transpose', 'gray_input', 'rgba_input', 'convnext_block_opset17', 'googlenet']);

const GRAD_DEPTHS = ['conv1', 'inception3a', 'inception4a'];
const MEMORY_REQUESTS = 1000;
const MEMORY_SIZE = 8;
const GRAD_SIZE = 32;

/** Input gradient of sum(layer · fixed projection) at an input of GRAD_SIZE px, read asynchronously. */
async function inputGradient(model: LoadedModel, x: tf.Tensor4D, id: string): Promise<Float32Array> {
  const shape = model.forward(x, [id])[0]!;
  const r = tf.randomUniform(shape.shape, -1, 1, 'float32', 7);
  shape.dispose();
  const g = tf.grad((inp: tf.Tensor) => tf.sum(tf.mul(model.forward(inp as tf.Tensor4D, [id])[0]!, r)))(x);
  const data = (await g.data()) as Float32Array;
  tf.dispose([g, r]);
  return data;
}

/**
 * One run per parameterization; together they use every transform, every objective kind and every penalty and the
 * redirected ReLU. 24 px and batches of 2: SwiftShader compiles a shader per new shape.
 */
function actmaxCases(): { name: string; request: ActmaxRequest }[] {
  const base = { steps: 8, seed: 5, size: 24, frameEvery: 4 };
  const transforms: ActmaxTransformSpec[] = [{ kind: 'pad', pixels: 2 }, { kind: 'jitter', pixels: 2 }, { kind: 'scale', factors: [0.9, 1.1] }, { kind: 'rotate', degrees: [-10, 10] }];
  const term = (weight: number, objective: ActmaxObjectiveSpec) => ({ weight, objective });
  return [
    { name: 'pixel: channel, neuron, layerL2; L1, L2, total variation; all transforms', request: { layerId: 'conv2', units: [3, 7], preset: 'trial1-naive', overrides: { ...base, param: 'pixel', transforms }, objective: { kind: 'sum', terms: [term(1, { kind: 'channel' }), term(0.5, { kind: 'neuron' }), term(0.1, { kind: 'layerL2' }), term(-0.1, { kind: 'penalty', penalty: 'l1' }), term(-0.5, { kind: 'penalty', penalty: 'l2' }), term(-0.2, { kind: 'penalty', penalty: 'totalVariation' })] } } },
    { name: 'fourier (decorrelated, redirected ReLU): channelRms, direction, diversity, negative classLogit; scharr, dark', request: { layerId: 'conv2', units: [1, 2], preset: 'lucid', overrides: { ...base, reluRedirectSteps: 4 }, objective: { kind: 'sum', terms: [term(1, { kind: 'channelRms' }), term(0.5, { kind: 'direction', vector: [1, 0, -1, 0, 1, 0, -1, 0, 1, 0, -1, 0], cossimPower: 1 }), term(0.1, { kind: 'diversity' }), term(0.1, { kind: 'negative', of: { kind: 'classLogit', layerId: 'logits', classIndex: 1 } }), term(-0.1, { kind: 'penalty', penalty: 'scharr' }), term(-0.1, { kind: 'penalty', penalty: 'dark' })] } } },
    { name: 'maco: classLogit; blur', request: { layerId: 'logits', units: [4], preset: 'maco', overrides: base, objective: { kind: 'sum', terms: [term(1, { kind: 'classLogit' }), term(-0.1, { kind: 'penalty', penalty: 'blur' })] } } },
  ];
}

/** The large-image rotation (three line shears: TF.js ops where the native kernel is absent) and its gradient. */
async function rotation(): Promise<Float32Array> {
  const x = tf.randomUniform([1, 96, 96, 3], 0, 1, 'float32', 21) as tf.Tensor4D;
  const w = tf.randomUniform([1, 96, 96, 3], -1, 1, 'float32', 22);
  const [y, g] = tf.tidy(() => [rotateSheared(x, 7, 0.5), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(rotateSheared(v as tf.Tensor4D, 7, 0.5), w)))(x)]);
  const out = new Float32Array([...((await y!.data()) as Float32Array), ...((await g!.data()) as Float32Array)]);
  tf.dispose([x, w, y!, g!]);
  return out;
}

/** 24 random 32 px PNGs scored for top-k (receptive field measured too): the heaps as one comparable list. */
function topkFiles(): TopkFile[] {
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: 24 }, (_, i) => {
    const data = new Uint8Array(32 * 32 * 3).map(() => Math.floor(rand() * 256));
    const png = encodePng({ width: 32, height: 32, data, channels: 3 });
    return { path: `img${i}.png`, read: async () => png, size: png.length, mtimeMs: 0 };
  });
}

/**
 * Max pooling's input gradient where windows tie (values rounded to -1, 0, 1, 2): every backend and PyTorch send a
 * tie to the window's first maximum, TF.js's webgpu kernel to its last; valid and same padding, odd sizes, overlaps.
 */
async function poolTies(): Promise<Float32Array> {
  const cases: [number, number, number, 'same' | 'valid'][] = [[2, 2, 11, 'valid'], [3, 2, 11, 'same'], [3, 1, 9, 'same'], [2, 2, 10, 'same'], [5, 3, 13, 'same']];
  const parts: number[] = [];
  for (const [k, s, size, pad] of cases) {
    const x = tf.tidy(() => tf.round(tf.randomUniform([2, size, size + 1, 3], -1, 2, 'float32', 7))) as tf.Tensor4D;
    const w = tf.tidy(() => tf.randomUniform(tf.maxPool(x, k, s, pad).shape, -1, 1, 'float32', 8));
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, k, s, pad), w)))(x);
    parts.push(...((await g.data()) as Float32Array));
    tf.dispose([x, w, g]);
  }
  return Float32Array.from(parts);
}

async function topkSummary(model: LoadedModel): Promise<number[]> {
  const r = await findTopImages(model, 'conv2', topkFiles(), { height: 32, width: 32, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] }, { k: 3, batchSize: 8 });
  return r.top.flatMap((h) => h.flatMap((e) => [Number(e.file.slice(3, -4)), e.value]));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  await startNodeBackend('cpu', { threads: 1, nativeKernels: false });
  const g = fixtureIndex.models.googlenet!;
  const googlenet = await loadOnnxModel(fixtureBytes(g.onnx), fixturePath(g.onnx));
  const gx = tf.randomUniform([1, GRAD_SIZE, GRAD_SIZE, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  const cpuGrads = new Map<string, Float32Array>();
  if (want('gradients')) for (const id of GRAD_DEPTHS) cpuGrads.set(id, await inputGradient(googlenet, gx, id));
  const tiny = tinyConvNet(11, null);
  const cpuActmax = new Map<string, Float32Array[]>();
  if (want('actmax')) for (const c of actmaxCases()) cpuActmax.set(c.name, (await renderActmax(tiny, c.request)).objectiveHistory);
  const cpuRotation = want('actmax') ? await rotation() : undefined;
  const cpuTopk = want('topk') ? await topkSummary(tiny) : undefined;
  const cases = want('attribution') ? await attributionCases(googlenet, gx) : [];
  const cpuAttribution = new Map<string, AttributionRun>();
  for (const c of cases) cpuAttribution.set(c.name, await runAttribution(c));
  const cpuPoolTies = want('gradients') ? await poolTies() : undefined;
  const foldDir = mkdtempSync(join(tmpdir(), 'layer-lens-webgpu-fold-'));
  const cpuFolding = want('folding') ? { onnx: await onnxFoldingRun(), graph: await graphFoldingFeatureMaps(foldDir) } : undefined;
  report({ kind: 'timing', name: 'cpu references', ms: Date.now() - t0 });

  const facts = await activateWebgpu({ allowSoftware: true });
  report({ kind: 'adapter', name: `${facts.vendor} ${facts.architecture}`, software: facts.software });

  if (want('gradients')) {
    for (const id of GRAD_DEPTHS) {
      const t = Date.now();
      const got = await inputGradient(googlenet, gx, id);
      const zero = got.every((v) => v === 0);
      report({ kind: 'gradient', name: `googlenet ${id}`, err: relL2(got, cpuGrads.get(id)!), zero, ms: Date.now() - t });
    }
  }
  if (want('actmax')) {
    for (const c of actmaxCases()) {
      const t = Date.now();
      const got = (await renderActmax(tiny, c.request)).objectiveHistory;
      const ref = cpuActmax.get(c.name)!;
      let err = 0;
      got.forEach((h, u) => h.forEach((v, s) => {
        const r = ref[u]![s]!;
        err = Math.max(err, Math.abs(v - r) / Math.max(1, Math.abs(r)));
      }));
      report({ kind: 'actmax', name: c.name, err, steps: got[0]!.length, ms: Date.now() - t });
    }
  }
  if (cpuRotation) report({ kind: 'rotation', name: 'rotateSheared 96 px and its gradient', err: relL2(await rotation(), cpuRotation) });
  if (cpuPoolTies) report({ kind: 'poolTies', name: 'max pooling gradient where windows tie (first maximum wins)', err: relL2(await poolTies(), cpuPoolTies) });
  if (cpuFolding) {
    // Loaded while webgpu is active, as the engine loads them: constants fold at load and at the first run.
    const t = Date.now();
    report({ kind: 'folding', name: 'ONNX: a folded Mul filter, Shape → Gather → Concat shape, folded Transpose (output and input gradient)', err: relL2(await onnxFoldingRun(), cpuFolding.onnx), ms: Date.now() - t });
    const graph = await graphFoldingFeatureMaps(foldDir);
    report({ kind: 'folding', name: 'GraphModel: Shape → StridedSlice → Prod → Pack shape of a Reshape, Mul filters (feature maps of every layer, input gradient)', err: relL2(graph.values, cpuFolding.graph.values) });
    let worst = graph.rgba.length === cpuFolding.graph.rgba.length ? 0 : Infinity;
    graph.rgba.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - cpuFolding.graph.rgba[i]!))));
    report({ kind: 'display', name: 'the picture as the panel shows it (preprocessed on the backend, read back)', err: worst, pixels: graph.rgba.length / 4 });
  }
  rmSync(foldDir, { recursive: true, force: true });
  for (const c of cases) {
    const t = Date.now();
    const cpu0 = process.cpuUsage();
    const got = await runAttribution(c);
    const ref = cpuAttribution.get(c.name)!;
    const sums = got.completeness && ref.completeness ? Math.max(relL2([got.completeness.sum], [ref.completeness.sum]), relL2([got.completeness.delta], [ref.completeness.delta])) : undefined;
    report({ kind: 'attribution', name: c.name, method: c.options.method, err: relL2(got.data, ref.data), zero: got.data.every((v) => v === 0), refZero: ref.data.every((v) => v === 0), sums, ms: Date.now() - t, cpuMs: cpuMsSince(cpu0) });
  }
  if (cpuTopk) {
    const got = await topkSummary(tiny);
    report({ kind: 'topk', name: 'top-3 of 24 images at conv2', err: got.length === cpuTopk.length ? relL2(got, cpuTopk) : Infinity, entries: got.length / 2 });
  }
  if (want('fixtures')) {
    for (const [name, m] of Object.entries(fixtureIndex.models)) {
      if (!FIXTURES_IN_SUITE.has(name) && process.env.LAYER_LENS_WEBGPU_ALL_FIXTURES !== '1') {
        report({ kind: 'fixtureSkipped', name });
        continue;
      }
      const t = Date.now();
      const model = name === 'googlenet' ? googlenet : await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
      const x = nhwcInput(m.input);
      const ids = [...Object.keys(m.intermediates), ...model.info.outputIds];
      const refs = [...Object.values(m.intermediates).map((v) => v.file), m.output];
      const outs = model.forward(x, ids);
      let worst = 0;
      let at = '';
      for (let i = 0; i < outs.length; i++) {
        const e = relL2(await nchw(outs[i]!), fixtureNpy(refs[i]!).data);
        if (!(e <= worst)) { worst = e; at = ids[i]!; }
      }
      tf.dispose([...outs, x]);
      if (model !== googlenet) model.dispose();
      report({ kind: 'fixture', name, err: worst, at, modules: ids.length, ms: Date.now() - t });
    }
  }
  if (want('memory')) {
    // Repeated requests (a feature map and an input gradient, as the engine serves them) hold no tensor and no GPU
    // byte more. Cheap requests so 1,000 fit the suite: the small net at 8 px (~25 ms a request on SwiftShader; at
    // 16 px it was ~150 ms, 200 requests took 30 s).
    const x = tf.randomUniform([1, MEMORY_SIZE, MEMORY_SIZE, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const once = async () => {
      // The engine's shape: the layers in between are freed by a tidy around the forward.
      const a = tf.tidy(() => tiny.forward(x, ['conv2'])[0]!);
      await a.data();
      a.dispose();
      const gr = tf.grad((inp: tf.Tensor) => tf.sum(tiny.forward(inp as tf.Tensor4D, ['conv2'])[0]!))(x);
      await gr.data();
      gr.dispose();
    };
    for (let i = 0; i < 5; i++) await once();
    const before = tf.memory();
    const t = Date.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < MEMORY_REQUESTS; i++) await once();
    const after = tf.memory();
    // The webgpu backend adds its buffer pool: bytes in live buffers and bytes allocated (pooled ones included).
    const gpu = (m: tf.MemoryInfo, key: string) => ((m as unknown as Record<string, number>)[key] ?? NaN);
    report({
      kind: 'memory', name: `${MEMORY_REQUESTS} requests at ${MEMORY_SIZE} px`, requests: MEMORY_REQUESTS, cpuMs: cpuMsSince(cpu0), tensors: after.numTensors - before.numTensors, bytes: after.numBytes - before.numBytes,
      gpuBytes: gpu(after, 'numBytesInGPU') - gpu(before, 'numBytesInGPU'),
      gpuAllocated: gpu(after, 'numBytesAllocatedInGPU') - gpu(before, 'numBytesAllocatedInGPU'), ms: Date.now() - t,
    });
    x.dispose();
  }
  report({ kind: 'timing', name: 'total', ms: Date.now() - t0 });
}

main().then(() => process.exit(0), (e: unknown) => {
  report({ kind: 'crash', name: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
