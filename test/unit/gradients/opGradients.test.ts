// Input gradients of every op a CNN uses, on wasm (TF.js's kernels and the native ones) and cpu. Affine ops
// are checked against their exact Jacobian (forward passes only); the others against the cpu backend's
// gradient, itself checked against the same function in other ops or central differences. Within 1e-4
// relative everywhere (1e-3 against central differences of float32 passes).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { affineGradRef, BACKENDS, directional, dot64, inputGrad, relErr, seededTensor } from './gradCheck';
import { OP_CASES } from './opCases';

const cpuGrads = new Map<string, Float32Array>();
const order = [BACKENDS[2]!, BACKENDS[0]!, BACKENDS[1]!];

for (const backend of order) {
  describe(`input gradients on ${backend.name}`, { skip: backend.skip }, () => {
    before(() => backend.start());
    for (const c of OP_CASES) {
      it(c.name, () => {
        const x = seededTensor(c.xShape, 99);
        const out = tf.tidy(() => c.f(x));
        const r = seededTensor(out.shape, 98);
        const { grad } = inputGrad(c.f, x, r);
        assert.ok(grad.every(Number.isFinite) && grad.some((v) => v !== 0), 'gradient is non-finite or all zeros');
        if (c.affine) {
          const err = relErr(grad, affineGradRef(c.f, x, r));
          assert.ok(err <= 1e-4, `relative error ${err.toExponential(2)} against the exact Jacobian`);
        } else if (backend.name === 'cpu' && c.plain) {
          const err = relErr(grad, inputGrad(c.plain, x, r).grad);
          assert.ok(err <= 1e-4, `relative error ${err.toExponential(2)} against the same function in other ops`);
          cpuGrads.set(c.name, grad);
        } else if (backend.name === 'cpu') {
          for (let k = 0; k < 3; k++) {
            const v = seededTensor(c.xShape, 200 + k);
            const fd = directional(c.f, x, r, v, 1e-2);
            const gv = dot64(grad, v.dataSync());
            assert.ok(Math.abs(fd - gv) <= 1e-3 * Math.max(1, Math.abs(gv)), `directional derivative ${gv} vs central difference ${fd}`);
            v.dispose();
          }
          cpuGrads.set(c.name, grad);
        } else {
          const ref = cpuGrads.get(c.name);
          assert.ok(ref, 'the cpu run of this case failed');
          const err = relErr(grad, ref);
          assert.ok(err <= 1e-4, `relative error ${err.toExponential(2)} against cpu`);
        }
        tf.dispose([x, out, r]);
      });
    }
  });
}
