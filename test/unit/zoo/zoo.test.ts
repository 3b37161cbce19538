// The conformance zoo (scripts/zoo/: TF.js Layers models built in JS with seeded, calibrated weights and their
// hand-written GraphModel twins) and nsfwjs's three trained models, each through every feature a user reaches:
// listing, forward parity of the default backend with the cpu backend, feature maps, input gradients at three depths,
// 8 actmax steps, top-k on a folder and the report (the CLI's writeReport, in this process). One subtest per `<model> <step>`; the matrix of results is
// written to .cache/zoo-status.md (or LAYER_LENS_ZOO_STATUS) after every run.
// unit-runner: parallel — the unit runner may run this file beside another: it asserts on no elapsed time, and
// its CPU time is ~1.1 × its wall time (the cpu-backend references run on one thread; the native kernels' 2-thread
// steps are short), so it leaves the second core to a neighbour most of the time.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { runFeatureMapPass } from '../../../src/core/activations';
import { renderActmax } from '../../../src/core/actmax';
import { modelInputSpec } from '../../../src/core/node/imageFiles';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { topkOfFolder } from '../../../src/core/node/topkOfFolder';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { useBackend } from '../../helpers/backend';
import { nativeKernelsBuilt } from '../../helpers/native';
import { NSFWJS_MODELS, nsfwjsModel } from '../../helpers/nsfwjs';
import { repoRoot } from '../../helpers/paths';
import { listSampleImages, parseReportChoices, resolveLayers } from '../../../src/cli/report/reportChoices';
import { writeReport } from '../../../src/cli/report/writeReport';
import { zooModels } from '../../helpers/zoo';
import {
  finiteDifferenceError, forwardAndGradient, inputGradient, liveChannel, liveChannelOf, probeLayers, relL2, seededInput, writeImageFolder, writeMatrix, type StepResult,
} from './zooChecks';
import {
  ACTMAX_MAX_SIZE, ACTMAX_OVERSHOOT_STEPS, ACTMAX_STEPS, DEPTHS, FD_EPS, FD_TOLERANCE, GRADIENT_PARITY, KNOWN_GAPS, NSFWJS_CPU_GRADIENTS, PARITY, REPORT_STEPS, type Depth,
} from './zooLimits';

const STEPS = [
  'listing', 'forward', 'featureMaps', 'gradient early', 'gradient middle', 'gradient late', 'actmax early', 'actmax middle', 'actmax late', 'topk',
  'report', 'twin',
] as const;
type Step = (typeof STEPS)[number];

interface Subject {
  name: string;
  path: string;
  /** Input value range the model was made for. */
  range: [number, number];
  /** The Layers model whose outputs a GraphModel twin must reproduce. */
  twinOf?: string;
  /** Depths whose input gradient is compared with the cpu backend's (the others are checked on the default backend). */
  cpuGradients: readonly Depth[];
}

const zoo = zooModels();
const subjects: Subject[] = [
  ...zoo.models.map((m): Subject => ({ name: m.name, path: m.path, range: [-1, 1], cpuGradients: DEPTHS, ...(m.format === 'graph' ? { twinOf: m.net } : {}) })),
  ...NSFWJS_MODELS.map((n): Subject => ({ name: `nsfwjs_${n}`, path: '', range: [0, 1], cpuGradients: NSFWJS_CPU_GRADIENTS })),
];
// LAYER_LENS_ZOO_ONLY / LAYER_LENS_ZOO_SKIP: comma-separated parts of model names to run / leave out.
const only = process.env.LAYER_LENS_ZOO_ONLY?.split(',');
const skip = process.env.LAYER_LENS_ZOO_SKIP?.split(',') ?? [];
const chosen = subjects.filter((s) => (!only || only.some((o) => s.name.includes(o))) && !skip.some((o) => s.name.includes(o)));

const results = new Map<string, Map<string, StepResult>>();
const imagesDir = writeImageFolder(join(mkdtempSync(join(tmpdir(), 'layer-lens-zoo-')), 'images'));
const started = Date.now();
const head = gitHead();
const defaultBackend = (): Promise<unknown> => useBackend('wasm', { nativeKernels: nativeKernelsBuilt });
const cpuBackend = (): Promise<unknown> => useBackend('cpu');


function step(subject: Subject, name: Step, fn: () => Promise<string> | string): void {
  const gap = KNOWN_GAPS[`${subject.name} ${name}`] ?? {};
  test(`${subject.name} ${name}`, gap, async () => {
    const row = results.get(subject.name) ?? new Map<string, StepResult>();
    results.set(subject.name, row);
    const t0 = Date.now();
    try {
      const detail = await fn();
      row.set(name, { ok: true, detail: `${detail} (${((Date.now() - t0) / 1000).toFixed(1)} s)` });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      row.set(name, { ok: false, detail: message });
      console.log(`FAIL ${subject.name} ${name}: ${message.split('\n')[0]}`);
      throw e;
    } finally {
      // After every step, so a long run shows its progress.
      saveMatrix();
    }
  });
}

function gitHead(): string {
  try {
    return execSync('git log --oneline -1', { cwd: repoRoot, encoding: 'utf8' }).trim().slice(0, 100);
  } catch {
    return '?';
  }
}

/** Everything one model's steps share; later steps fail with the reason when an earlier one could not set it up. */
interface State {
  path?: string;
  model?: LoadedModel;
  cpuModel?: LoadedModel;
  x?: tf.Tensor4D;
  probes?: { early: string; middle: string; late: string };
  /** The cpu backend's input gradient at the late probe, from the forward step's pass. */
  cpuLate?: { channel: number; gradient: Float32Array };
  loadError?: string;
}

function disposeState(state: State): void {
  state.cpuLate = undefined;
  state.model?.dispose();
  state.cpuModel?.dispose();
  state.x?.dispose();
}

function need<T>(value: T | undefined, state: State, what: string): T {
  if (value === undefined) throw new Error(`cannot run: ${state.loadError ?? `${what} is missing`}`);
  return value;
}

/** Final outputs by model, kept by the forward step: Layers models' for their twins to match, and the twins' own. */
const layersOutputs = new Map<string, Float32Array>();
const twinOutputs = new Map<string, Float32Array>();

for (const subject of chosen) {
  const state: State = {};

  step(subject, 'listing', async () => {
    await defaultBackend();
    try {
      state.path = subject.path || nsfwjsModel(subject.name.replace(/^nsfwjs_/, '') as (typeof NSFWJS_MODELS)[number]);
      state.model = await loadModel(state.path);
    } catch (e) {
      state.loadError = `loading failed: ${e instanceof Error ? e.message : String(e)}`;
      throw e;
    }
    const { info } = state.model;
    const [, h, w, c] = info.inputShape as number[];
    state.x = seededInput(h as number, w as number, c as number, subject.range[0], subject.range[1]);
    const unknown = info.layers.filter((l) => l.kind !== 'input' && l.outputShape.slice(1).some((d) => d === null));
    assert.deepEqual(unknown.map((l) => l.id), [], 'layers without an output shape');
    const convs = info.layers.filter((l) => l.kernelShape);
    assert.ok(convs.length > 0, 'no layer with a kernel');
    for (const l of convs.slice(0, 50)) {
      const k = state.model.kernel(l.id);
      assert.deepEqual(k?.shape, l.kernelShape, `kernel of ${l.id}`);
      k?.dispose();
    }
    assert.ok(info.outputIds.length > 0, 'no output');
    state.probes = probeLayers(state.model);
    return `${info.layers.length} layers, ${convs.length} with kernels, input [${info.inputShape.join(', ')}], probes ${Object.values(state.probes).join(' · ')}`;
  });

  step(subject, 'forward', async () => {
    const model = need(state.model, state, 'the model');
    const x = need(state.x, state, 'the input');
    const probes = need(state.probes, state, 'the probe layers');
    const ids = [...new Set([probes.early, probes.middle, probes.late, ...model.info.outputIds])];
    const late = ids.indexOf(probes.late);
    await defaultBackend();
    let lateChannel = 0;
    const fast = tf.tidy(() => {
      const outs = model.forward(x, ids);
      lateChannel = liveChannelOf(outs[late] as tf.Tensor);
      return outs.map((t) => Float32Array.from(t.dataSync()));
    });
    await cpuBackend();
    const cpuModel = await loadModel(need(state.path, state, 'the model file'));
    state.cpuModel = cpuModel;
    let slow: Float32Array[];
    try {
      // The late step's cpu gradient from this same pass (its step still checks the channel it picks).
      const both = forwardAndGradient(cpuModel, x, ids, late, lateChannel);
      slow = both.outputs;
      state.cpuLate = { channel: lateChannel, gradient: both.gradient };
    } catch {
      // cpu lacks a gradient here: the late step says so and falls back to central differences.
      slow = tf.tidy(() => cpuModel.forward(x, ids).map((t) => Float32Array.from(t.dataSync())));
    }
    await defaultBackend();
    const out = fast[fast.length - 1] as Float32Array;
    (subject.twinOf ? twinOutputs : layersOutputs).set(subject.name, out);
    const errors = ids.map((id, i) => [id, relL2(fast[i] as Float32Array, slow[i] as Float32Array)] as const);
    for (const [id, e] of errors) assert.ok(e <= PARITY, `${id}: relative L2 ${e.toExponential(2)} between the default backend and cpu (> ${PARITY})`);
    assert.ok(out.every(Number.isFinite), 'non-finite output');
    const worst = Math.max(...errors.map(([, e]) => e));
    return `worst relative L2 ${worst.toExponential(2)} over ${ids.length} layers`;
  });

  step(subject, 'featureMaps', async () => {
    const model = need(state.model, state, 'the model');
    const x = need(state.x, state, 'the input');
    await defaultBackend();
    const spec = await modelInputSpec(model);
    const pass = await runFeatureMapPass(model, { input: x, spec, imageName: 'seeded', imageWidth: x.shape[2], imageHeight: x.shape[1] });
    const expected = model.info.layers.filter((l) => l.kind !== 'input').length;
    assert.equal(pass.summary.layers.length, expected, 'layers summarized');
    const bad = pass.summary.layers.filter((l) => ![l.stats].flat().every((s) => Object.values(s as object).flat().every((v) => typeof v !== 'number' || Number.isFinite(v))));
    assert.deepEqual(bad.map((l) => l.id), [], 'layers with non-finite stats');
    return `${pass.summary.layers.length} layers, ${pass.valueCount} values, ${pass.summary.forwardMs.toFixed(0)} ms`;
  });

  for (const depth of DEPTHS) {
    step(subject, `gradient ${depth}`, async () => {
      const model = need(state.model, state, 'the model');
      const x = need(state.x, state, 'the input');
      const layerId = need(state.probes, state, 'the probe layers')[depth];
      await defaultBackend();
      const channel = liveChannel(model, x, layerId);
      const g = inputGradient(model, x, layerId, channel);
      assert.ok(g.every(Number.isFinite), `${layerId}: non-finite input gradient`);
      assert.ok(g.some((v) => v !== 0), `${layerId} channel ${channel}: the input gradient is all zeros`);
      if (!subject.cpuGradients.includes(depth)) return `${layerId} channel ${channel}: finite and non-zero (compared with cpu at ${subject.cpuGradients.join(', ')})`;
      await cpuBackend();
      const cpuModel = need(state.cpuModel, state, 'the cpu model');
      let reference: Float32Array | undefined;
      let cpuError = '';
      try {
        const kept = depth === 'late' && state.cpuLate?.channel === channel ? state.cpuLate.gradient : undefined;
        reference = kept ?? inputGradient(cpuModel, x, layerId, channel);
      } catch (e) {
        cpuError = (e instanceof Error ? e.message : String(e)).split('\n')[0] as string;
      }
      await defaultBackend();
      if (reference) {
        const e = relL2(g, reference);
        const tolerance = GRADIENT_PARITY[`${subject.name} gradient ${depth}`] ?? PARITY;
        assert.ok(e <= tolerance, `${layerId} channel ${channel}: input gradient ${e.toExponential(2)} from the cpu backend's (> ${tolerance})`);
        return `${layerId} channel ${channel}: relative L2 ${e.toExponential(2)} from cpu`;
      }
      const e = finiteDifferenceError(model, x, layerId, channel, g, FD_EPS);
      assert.ok(e <= FD_TOLERANCE, `${layerId} channel ${channel}: directional derivative ${e.toExponential(2)} from central differences (> ${FD_TOLERANCE}); cpu has no gradient (${cpuError})`);
      return `${layerId} channel ${channel}: ${e.toExponential(2)} from central differences (cpu: ${cpuError})`;
    });
  }

  for (const depth of DEPTHS) {
    step(subject, `actmax ${depth}`, async () => {
      const model = need(state.model, state, 'the model');
      const x = need(state.x, state, 'the input');
      const layerId = need(state.probes, state, 'the probe layers')[depth];
      await defaultBackend();
      const unit = liveChannel(model, x, layerId);
      const spec = await modelInputSpec(model);
      const size = Math.min(x.shape[1], ACTMAX_MAX_SIZE);
      // Lucid's pieces (Fourier image, decorrelated colours, random transforms) must run through the model and give a
      // real image; its objective is not asserted to rise: under random jitter 8 steps are noise (mobilenet_v2's last
      // layer fell 1.45 → 0.80 with the transforms, rose 1.40 → 4.88 without them).
      const lucid = await renderActmax(model, { layerId, units: [unit], preset: 'lucid', inputSpec: spec, overrides: { steps: ACTMAX_STEPS, size } });
      const lucidHistory = Array.from(lucid.objectiveHistory[0] as Float32Array);
      assert.ok(lucidHistory.every(Number.isFinite), `lucid objective not finite: ${lucidHistory.join(', ')}`);
      const img = lucid.images[0] as Uint8ClampedArray | Uint8Array;
      assert.equal(img.length, lucid.width * lucid.height * 4);
      assert.ok(new Set(img).size > 8, 'the lucid image is flat');
      // Plain gradient ascent on the pixels (the seed's first trial): deterministic, so the objective must rise.
      const naive = async (steps: number): Promise<number[]> => {
        const run = await renderActmax(model, { layerId, units: [unit], preset: 'trial1-naive', inputSpec: spec, overrides: { steps, size } });
        return Array.from(run.objectiveHistory[0] as Float32Array);
      };
      let history = await naive(ACTMAX_STEPS);
      const rose = (h: number[]): boolean => (h[h.length - 1] as number) > (h[0] as number);
      // Deterministic: the longer run repeats the first 8 steps.
      const overshot = !rose(history) && (history[1] as number) < (history[0] as number);
      if (overshot) history = await naive(ACTMAX_OVERSHOOT_STEPS);
      assert.ok(history.every(Number.isFinite), `objective not finite: ${history.join(', ')}`);
      assert.ok(rose(history), `${layerId} unit ${unit}: objective did not rise under plain gradient ascent in ${history.length} steps: ${history.map((v) => v.toFixed(4)).join(', ')}`);
      return `${layerId} unit ${unit}: objective ${history[0]?.toFixed(4)} → ${history[history.length - 1]?.toFixed(4)} (trial1-naive, ${history.length} steps${overshot ? ": Adam's first step fell" : ''}), lucid ${lucid.msPerStep.toFixed(0)} ms/step`;
    });
  }

  step(subject, 'topk', async () => {
    const model = need(state.model, state, 'the model');
    const layerId = need(state.probes, state, 'the probe layers').middle;
    await defaultBackend();
    const { result } = await topkOfFolder(model, { layerId, images: { folder: imagesDir }, k: 3 });
    assert.equal(result.imageCount, 6, `scored ${result.imageCount} of 6 images (skipped: ${result.skipped.map((s) => s.reason).join('; ')})`);
    assert.equal(result.top.length, result.channels);
    assert.ok(result.top.every((t) => t.length === 3), 'a channel without 3 top images');
    const values = result.top.flat().map((e) => e.value);
    assert.ok(values.every(Number.isFinite), 'non-finite top-k value');
    if (KNOWN_GAPS[`${subject.name} report`]?.skip) disposeState(state);
    return `${layerId}: ${result.channels} channels × top 3 of ${result.imageCount} images, ${result.ms.toFixed(0)} ms`;
  });

  step(subject, 'report', async () => {
    try {
      const model = need(state.model, state, 'the model');
      const path = need(state.path, state, 'the model file');
      const probes = need(state.probes, state, 'the probe layers');
      await defaultBackend();
      // What `layer-lens report --samples DIR --images 2 --steps 1 --layers <middle>` draws, through the CLI's own
      // choices and writeReport on the model already loaded (the CLI itself: test/unit/cli/report*.test.ts): every
      // section runs, in seconds, without a second process and a second load of the model.
      const choices = parseReportChoices({ samples: imagesDir, images: '2', steps: String(REPORT_STEPS), layers: probes.middle });
      const outDir = mkdtempSync(join(tmpdir(), 'layer-lens-zoo-report-'));
      const outcome = await writeReport(
        { model, modelPath: path, outDir, images: listSampleImages(choices, path), layers: resolveLayers(choices.layers, model.info, path), steps: choices.steps, backend: 'wasm', log: () => undefined },
        () => `<h1>${subject.name}</h1>`,
      );
      assert.ok(existsSync(outcome.index), 'no index.html');
      // A part that fails is a notice inside the report; for the zoo every part must work.
      assert.deepEqual(outcome.failures.map((f) => `${f.what}: ${f.why}`), [], 'failed parts');
      assert.deepEqual([...outcome.skipped.values()], [], 'skipped images');
      return `index.html ${(readFileSync(outcome.index, 'utf8').length / 1024).toFixed(0)} KB`;
    } finally {
      disposeState(state);
    }
  });

  if (subject.twinOf) {
    step(subject, 'twin', () => {
      const mine = layersOutputs.get(subject.twinOf as string);
      const own = twinOutputs.get(subject.name);
      assert.ok(mine && own, 'the forward steps of this model and its Layers twin must pass first');
      const e = relL2(own, mine);
      assert.ok(e <= PARITY, `output ${e.toExponential(2)} (relative L2) from the Layers model ${subject.twinOf} with the same weights`);
      return `output ${e.toExponential(2)} from ${subject.twinOf}`;
    });
  }
}

after(() => saveMatrix());

function saveMatrix(): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const total = chosen.length * STEPS.length - chosen.filter((c) => !c.twinOf).length;
  let passed = 0;
  let failed = 0;
  for (const row of results.values()) for (const r of row.values()) r.ok ? passed++ : failed++;
  const header = [
    '# Conformance zoo status',
    '',
    `Run ${new Date().toISOString()} at \`${head}\`: \`node scripts/runUnitTests.mjs zoo\`, ${passed} passed, ${failed} failed of ${total}, ${seconds} s` +
      ` (zoo ${zoo.generatedMs ? `generated in ${(zoo.generatedMs / 1000).toFixed(1)} s` : 'from cache'}: ${zoo.dir}).`,
    `Default backend: wasm${nativeKernelsBuilt ? ' + native kernels' : ''}; reference: cpu (TF.js kernels).`,
  ].join('\n');
  writeMatrix(process.env.LAYER_LENS_ZOO_STATUS ?? join(repoRoot, '.cache/zoo-status.md'), STEPS, results, header);
}
