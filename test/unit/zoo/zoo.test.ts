// The conformance zoo (scripts/zoo/: TF.js Layers models built in JS with seeded, calibrated weights and their
// hand-written GraphModel twins) and nsfwjs's three trained models, each through every feature a user reaches:
// listing, forward parity of the default backend with the cpu backend, feature maps, input gradients at three depths,
// 8 actmax steps, top-k on a folder and the CLI report. One subtest per `<model> <step>`; the matrix of results is
// written to .cache/zoo-status.md (or LAYER_LENS_ZOO_STATUS) after every run.
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
import { runCli } from '../../helpers/runCli';
import { zooModels } from '../../helpers/zoo';
import {
  finiteDifferenceError, inputGradient, liveChannel, probeLayers, relL2, seededInput, writeImageFolder, writeMatrix, type StepResult,
} from './zooChecks';

/** Parity of the default backend with the cpu backend, forward and gradient (relative L2). */
const PARITY = 1e-4;
/**
 * Where the cpu backend has no gradient, central differences in float32 are the reference, along three directions.
 * Measured on the zoo at ε = 1e-2: 1e-4 to 2e-2 on the swish nets (EfficientNet), but up to 0.7 on ReLU nets, whose
 * kinks lie within ε of many activations: so a model whose cpu gradient is missing fails here unless it is smooth,
 * which says that its gradient could not be checked, never that it is right.
 */
const FD_EPS = 1e-2;
const FD_TOLERANCE = 2e-3;
const ACTMAX_STEPS = 8;
/**
 * Actmax image side: the model's own (the zoo's are 64–96 px), at most 128 (nsfwjs's 224–299 px models). A much
 * smaller image upsampled to the model's size rose too slowly to show in 8 steps under Lucid's random transforms
 * (nsfwjs MobileNetV2 block_8 unit 35: 2.18 → 2.18 at 64 px, 1.98 → 2.53 at 224 px).
 */
const ACTMAX_MAX_SIZE = 128;
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
}

const zoo = zooModels();
const subjects: Subject[] = [
  ...zoo.models.map((m): Subject => ({ name: m.name, path: m.path, range: [-1, 1], ...(m.format === 'graph' ? { twinOf: m.net } : {}) })),
  ...NSFWJS_MODELS.map((n): Subject => ({ name: `nsfwjs_${n}`, path: '', range: [0, 1] })),
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

/**
 * Known gaps, named here rather than hidden: a `todo` step still runs and prints its result but does not fail the
 * run; a `skip` step (one that alone would take a large part of the suite's time budget) does not run. Each says why.
 */
const DEAD_GREY_START = 'plain gradient ascent from the flat grey start leaves the objective exactly constant: no gradient reaches the image there, and a dead start is only escaped when the objective is 0';
const ADAM_OVERSHOOT = "plain gradient ascent's first Adam step lowers the objective and 8 steps do not win it back";
const KNOWN_GAPS: Record<string, { todo?: string; skip?: string }> = {
  'densenet actmax early': { todo: DEAD_GREY_START },
  'densenet actmax middle': { todo: DEAD_GREY_START },
  'densenet actmax late': { todo: DEAD_GREY_START },
  'unet actmax middle': { todo: ADAM_OVERSHOOT },
  'unet_graph actmax early': { todo: ADAM_OVERSHOOT },
  'unet_graph actmax middle': { todo: ADAM_OVERSHOOT },
  'nsfwjs_mobilenet_v2_mid actmax early': { todo: "on the quantized graph's early probe Lucid's 8 steps leave the objective at 0.008 and the image flat grey: no gradient reaches the image from that start; not yet explained" },
  'nsfwjs_inception_v3 gradient late': { todo: 'at mixed10 the wasm gradient is 1.4e-4 (relative L2) from the cpu backend, against 2-3e-7 at the two earlier depths; not yet explained' },
  'nsfwjs_inception_v3 report': { skip: 'the full-size (299 px) InceptionV3 report did not finish within 10 minutes on a 2-core machine' },
};

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
  loadError?: string;
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
    await defaultBackend();
    const fast = tf.tidy(() => model.forward(x, ids).map((t) => Float32Array.from(t.dataSync())));
    await cpuBackend();
    state.cpuModel = await loadModel(need(state.path, state, 'the model file'));
    const slow = tf.tidy(() => (state.cpuModel as LoadedModel).forward(x, ids).map((t) => Float32Array.from(t.dataSync())));
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

  for (const depth of ['early', 'middle', 'late'] as const) {
    step(subject, `gradient ${depth}`, async () => {
      const model = need(state.model, state, 'the model');
      const x = need(state.x, state, 'the input');
      const layerId = need(state.probes, state, 'the probe layers')[depth];
      await defaultBackend();
      const channel = liveChannel(model, x, layerId);
      const g = inputGradient(model, x, layerId, channel);
      assert.ok(g.every(Number.isFinite), `${layerId}: non-finite input gradient`);
      assert.ok(g.some((v) => v !== 0), `${layerId} channel ${channel}: the input gradient is all zeros`);
      await cpuBackend();
      const cpuModel = need(state.cpuModel, state, 'the cpu model');
      let reference: Float32Array | undefined;
      let cpuError = '';
      try {
        reference = inputGradient(cpuModel, x, layerId, channel);
      } catch (e) {
        cpuError = (e instanceof Error ? e.message : String(e)).split('\n')[0] as string;
      }
      await defaultBackend();
      if (reference) {
        const e = relL2(g, reference);
        assert.ok(e <= PARITY, `${layerId} channel ${channel}: input gradient ${e.toExponential(2)} from the cpu backend's (> ${PARITY})`);
        return `${layerId} channel ${channel}: relative L2 ${e.toExponential(2)} from cpu`;
      }
      const e = finiteDifferenceError(model, x, layerId, channel, g, FD_EPS);
      assert.ok(e <= FD_TOLERANCE, `${layerId} channel ${channel}: directional derivative ${e.toExponential(2)} from central differences (> ${FD_TOLERANCE}); cpu has no gradient (${cpuError})`);
      return `${layerId} channel ${channel}: ${e.toExponential(2)} from central differences (cpu: ${cpuError})`;
    });
  }

  for (const depth of ['early', 'middle', 'late'] as const) {
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
      const naive = await renderActmax(model, { layerId, units: [unit], preset: 'trial1-naive', inputSpec: spec, overrides: { steps: ACTMAX_STEPS, size } });
      const history = Array.from(naive.objectiveHistory[0] as Float32Array);
      assert.ok(history.every(Number.isFinite), `objective not finite: ${history.join(', ')}`);
      assert.ok((history[history.length - 1] as number) > (history[0] as number), `${layerId} unit ${unit}: objective did not rise under plain gradient ascent: ${history.map((v) => v.toFixed(4)).join(', ')}`);
      return `${layerId} unit ${unit}: objective ${history[0]?.toFixed(4)} → ${history[history.length - 1]?.toFixed(4)} (trial1-naive), lucid ${lucid.msPerStep.toFixed(0)} ms/step`;
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
    state.model?.dispose();
    state.cpuModel?.dispose();
    state.x?.dispose();
    return `${layerId}: ${result.channels} channels × top 3 of ${result.imageCount} images, ${result.ms.toFixed(0)} ms`;
  });

  step(subject, 'report', () => {
    const path = need(state.path, state, 'the model file');
    const out = mkdtempSync(join(tmpdir(), 'layer-lens-zoo-report-'));
    const probes = state.probes;
    // Two of the six images, two actmax steps, the middle layer: every section runs, in seconds.
    const args = ['report', '--model', path, '--out', out, '--samples', imagesDir, '--images', '2', '--steps', '2', '--quiet'];
    if (probes) args.push('--layers', probes.middle);
    // Minutes on a busy two-core machine for nsfwjs's 224–299 px models (every section at full size).
    const run = runCli(args, 600_000);
    const index = join(out, 'index.html');
    assert.ok(existsSync(index), `no index.html (exit ${run.status}): ${(run.stderr || run.stdout).trim().split('\n').slice(-2).join(' ')}`);
    const html = readFileSync(index, 'utf8');
    assert.equal(run.status, 0, `exit ${run.status}: ${run.stderr.trim().split('\n').slice(-2).join(' ')}`);
    // A part that fails is a notice inside the report and one warning line; for the zoo every part must work.
    const warning = run.stderr.split('\n').find((l) => l.includes('warning:'));
    assert.equal(warning, undefined, warning);
    return `index.html ${(html.length / 1024).toFixed(0)} KB`;
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
