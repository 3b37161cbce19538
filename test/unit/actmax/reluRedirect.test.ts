// The redirected ReLU gradient against a plain per-element reference written out in loops: both branches,
// mixed batches, Relu6's upper bound, exact zeros and sixes, on wasm and cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { withRedirectedRelu } from '../../../src/core/actmax/reluRedirect';

/** Lucid's rule, element by element: per item, the ordinary gradient if non-zero anywhere, else the redirected one. */
function reference(x: Float32Array, dy: Float32Array, n: number, upper: number | null): Float32Array {
  const per = x.length / n;
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    const open = (v: number) => v > 0 && (upper === null || v <= upper);
    let live = false;
    for (let i = b * per; i < (b + 1) * per; i++) if (open(x[i]) && dy[i] !== 0) live = true;
    for (let i = b * per; i < (b + 1) * per; i++) {
      const blocked = (x[i] < 0 && dy[i] > 0) || (upper !== null && x[i] > upper && dy[i] < 0);
      out[i] = live ? (open(x[i]) ? dy[i] : 0) : blocked ? 0 : dy[i];
    }
  }
  return out;
}

/** Seeded values with exact zeros, exact `upper` values and values beyond it. */
function values(count: number, seed: number, upper: number | null): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Float32Array.from({ length: count }, () => {
    const r = rand();
    if (r < 0.08) return 0;
    if (upper !== null && r < 0.14) return upper;
    return (rand() - 0.45) * (upper !== null ? 16 : 4);
  });
}

/** Makes item `b` dead: its ordinary gradient is zero (dy is 0 wherever the ReLU is open). */
function kill(x: Float32Array, dy: Float32Array, b: number, per: number, upper: number | null): void {
  for (let i = b * per; i < (b + 1) * per; i++) if (x[i] > 0 && (upper === null || x[i] <= upper)) dy[i] = 0;
}

function redirected(x: Float32Array, dy: Float32Array, shape: number[], upper: number | null): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor(x, shape);
    const w = tf.tensor(dy, shape);
    const act = (t: tf.Tensor) => (upper === null ? tf.relu(t) : tf.relu6(t));
    // d/dx of sum(act(x) · w) hands the ReLU gradient dy = w.
    const g = withRedirectedRelu(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(act(t), w)))(xt));
    return g.dataSync() as Float32Array;
  });
}

function assertSame(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    // === treats +0 and −0 alike; every other value must match exactly.
    assert.ok(got[i] === want[i], `${what}: element ${i} is ${got[i]}, want ${want[i]}`);
  }
}

for (const backend of ['wasm', 'cpu'] as const) {
  for (const upper of [null, 6] as const) {
    const name = upper === null ? 'Relu' : 'Relu6';
    test(`redirected ${name} gradient on ${backend}: live, dead and mixed batches equal the per-element rule`, async () => {
      await useBackend(backend);
      const shape = [4, 5, 6, 3];
      const per = 5 * 6 * 3;
      const before = tf.memory().numTensors;
      // Dead items: none, all, and two patterns of mixed batches (runs of both kinds).
      for (const dead of [[], [0, 1, 2, 3], [1], [0, 2, 3]]) {
        const x = values(4 * per, 7 + dead.length, upper);
        const dy = values(4 * per, 99 + dead.length, null);
        for (const b of dead) kill(x, dy, b, per, upper);
        const want = reference(x, dy, 4, upper);
        assertSame(redirected(x, dy, shape, upper), want, `dead items [${dead.join(', ')}]`);
        // The redirect changes a dead item's gradient (else the test could not tell the branches apart).
        if (dead.length > 0) assert.ok(want.some((v, i) => v !== 0 && Math.floor(i / per) === dead[0]));
      }
      assert.equal(tf.memory().numTensors, before, 'no tensors leak');
    });
  }

  test(`redirected ReLU gradient on ${backend}: rank 1 (one element per item) and scalars`, async () => {
    await useBackend(backend);
    const x = Float32Array.from([-1, -2, 0, 3, -4, 5]);
    const dy = Float32Array.from([0.5, -0.5, 2, 0, 1, 1]);
    assertSame(redirected(x, dy, [6], null), reference(x, dy, 6, null), 'rank 1');
    // A scalar has no batch axis: the ordinary gradient.
    assertSame(redirected(Float32Array.from([-1]), Float32Array.from([2]), [], null), Float32Array.from([0]), 'scalar');
  });
}
