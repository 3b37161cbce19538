// The checks the zoo test runs on every model: probe layers at three depths, an input gradient of a channel mean,
// finite-difference directional derivatives, relative L2, a folder of generated PNGs, and the status matrix file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { encodePng } from '../../../src/core/image/encodePng';
import type { LoadedModel } from '../../../src/core/model/loadedModel';

/**
 * Early, middle and late layers with a feature map (rank-4 output wider than 1 × 1), by position among those layers.
 * 1 × 1 maps (squeeze-excite gates) are left out: there the unit choice below has no spatial spread to go by.
 */
export function probeLayers(model: LoadedModel): { early: string; middle: string; late: string } {
  const maps = model.info.layers.filter((l) => l.kind !== 'input' && l.kind !== 'module' && l.outputShape.length === 4 && Number(l.outputShape[1]) * Number(l.outputShape[2]) > 1);
  if (maps.length === 0) throw new Error(`${model.info.name} lists no layer with a feature map`);
  const at = (f: number): string => (maps[Math.min(maps.length - 1, Math.floor(f * maps.length))] as { id: string }).id;
  return { early: at(0.2), middle: at(0.5), late: (maps[maps.length - 1] as { id: string }).id };
}

/** A seeded smooth image [1, H, W, C] with values in [lo, hi]. */
export function seededInput(h: number, w: number, c: number, lo: number, hi: number, seed = 1): tf.Tensor4D {
  const data = new Float32Array(h * w * c);
  let s = seed;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const waves = Array.from({ length: c }, () => [1 + 3 * rand(), 1 + 3 * rand(), 6 * rand()]);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
    const [fx, fy, ph] = waves[k] as number[];
    const v = 0.5 + 0.35 * Math.sin((fx * x) / w * Math.PI + (fy * y) / h * Math.PI + ph) + 0.15 * (rand() - 0.5);
    data[(y * w + x) * c + k] = lo + (hi - lo) * v;
  }
  return tf.tensor4d(data, [1, h, w, c]);
}

/**
 * The channel of a layer that varies most over the image on `x` (ties and vectors: largest mean |activation|): one
 * that depends on the input, so its gradient is not trivially zero and gradient ascent can move it.
 */
export function liveChannel(model: LoadedModel, x: tf.Tensor4D, layerId: string): number {
  return tf.tidy(() => liveChannelOf(model.forward(x, [layerId])[0] as tf.Tensor));
}

/** `liveChannel` of a layer output already computed. */
export function liveChannelOf(out: tf.Tensor): number {
  return tf.tidy(() => {
    const axes = out.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(out, axes);
    return tf.argMax(tf.add(variance, tf.mul(tf.abs(mean), 1e-6))).dataSync()[0] as number;
  });
}

/** Mean of one channel of a layer: the objective whose input gradient is checked. */
export function channelMean(model: LoadedModel, layerId: string, channel: number): (x: tf.Tensor) => tf.Scalar {
  return (x) => channelMeanOf(model.forward(x as tf.Tensor4D, [layerId])[0] as tf.Tensor, channel);
}

function channelMeanOf(out: tf.Tensor, channel: number): tf.Scalar {
  const c = out.shape[out.shape.length - 1] as number;
  const mask = tf.oneHot(tf.tensor1d([channel], 'int32'), c).reshape([c]);
  return tf.div(tf.sum(tf.mul(out, mask)), out.size / c) as tf.Scalar;
}

/**
 * The outputs of `ids` and the input gradient of one channel's mean of `ids[at]`, from one forward pass: on the cpu
 * backend a forward pass of a 299 px model is seconds, so the parity step's pass also gives the late gradient.
 */
export function forwardAndGradient(model: LoadedModel, x: tf.Tensor4D, ids: string[], at: number, channel: number): { outputs: Float32Array[]; gradient: Float32Array } {
  let outputs: Float32Array[] = [];
  const gradient = tf.tidy(() => Float32Array.from(tf.grad((input: tf.Tensor) => {
    const outs = model.forward(input as tf.Tensor4D, ids);
    outputs = outs.map((t) => Float32Array.from(t.dataSync()));
    return channelMeanOf(outs[at] as tf.Tensor, channel);
  })(x).dataSync()));
  return { outputs, gradient };
}

export function inputGradient(model: LoadedModel, x: tf.Tensor4D, layerId: string, channel: number): Float32Array {
  return tf.tidy(() => Float32Array.from(tf.grad(channelMean(model, layerId, channel))(x).dataSync()));
}

export { relativeL2 as relL2 } from '../../helpers/relativeL2';

/**
 * Worst disagreement of g·v with central differences (f(x+εv) − f(x−εv)) / 2ε along three seeded directions v,
 * relative to max(|g·v|, |g|·|v|·1e-3).
 */
export function finiteDifferenceError(model: LoadedModel, x: tf.Tensor4D, layerId: string, channel: number, g: Float32Array, eps: number): number {
  const f = channelMean(model, layerId, channel);
  let worst = 0;
  const gNorm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
  for (let k = 0; k < 3; k++) {
    const v = seededInput(x.shape[1], x.shape[2], x.shape[3], -1, 1, 100 + k);
    const vd = v.dataSync();
    const [fp, fm] = tf.tidy(() => [f(tf.add(x, tf.mul(v, eps))).dataSync()[0] as number, f(tf.sub(x, tf.mul(v, eps))).dataSync()[0] as number]);
    let gv = 0;
    let vNorm = 0;
    for (let i = 0; i < g.length; i++) {
      gv += (g[i] as number) * (vd[i] as number);
      vNorm += (vd[i] as number) ** 2;
    }
    const fd = (fp - fm) / (2 * eps);
    worst = Math.max(worst, Math.abs(fd - gv) / Math.max(Math.abs(gv), gNorm * Math.sqrt(vNorm) * 1e-3, 1e-12));
    v.dispose();
  }
  return worst;
}

/** Six seeded 40×48 RGB PNGs (stripes, rings, noise) for the top-k step. */
export function writeImageFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (let n = 0; n < 6; n++) {
    const w = 48;
    const h = 40;
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const r = Math.hypot(x - w / 2, y - h / 2);
      rgba[i] = 128 + 127 * Math.sin((x * (n + 1)) / 5);
      rgba[i + 1] = 128 + 127 * Math.cos(r / (n + 2));
      rgba[i + 2] = ((x * 37 + y * 91 + n * 53) * 2654435761) >>> 24;
      rgba[i + 3] = 255;
    }
    writeFileSync(join(dir, `pattern${n}.png`), encodePng(rgba, w, h));
  }
  return dir;
}

export interface StepResult {
  ok: boolean;
  detail: string;
}

/** Writes the model × step matrix as Markdown (the status file the team reads). */
export function writeMatrix(path: string, steps: readonly string[], rows: Map<string, Map<string, StepResult>>, header: string): void {
  const cell = (r: StepResult | undefined): string => (r === undefined ? '–' : r.ok ? 'pass' : '**FAIL**');
  const lines = [header, '', `| model | ${steps.join(' | ')} |`, `|---|${steps.map(() => '---').join('|')}|`];
  for (const [model, results] of rows) lines.push(`| ${model} | ${steps.map((s) => cell(results.get(s))).join(' | ')} |`);
  lines.push('', '## Details (failures first, then measured values)', '');
  for (const failing of [true, false]) {
    for (const [model, results] of rows) {
      for (const [step, r] of results) if (r.ok !== failing) lines.push(`- ${r.ok ? 'pass' : 'FAIL'} \`${model} ${step}\`: ${r.detail.replace(/\n/g, ' ').slice(0, 400)}`);
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
