import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readNpy, writeNpy } from '../../../src/core/io/npy';
import { LayerLensError } from '../../../src/shared/errors';
import { fixtureBytes } from './fixtureData';

describe('npy', () => {
  it('round-trips float32 arrays with a 64-byte aligned header', () => {
    const data = Float32Array.from([1.5, -2, 3.25, 0, 1e-8, 7]);
    const bytes = writeNpy([2, 3], data);
    assert.equal((bytes.length - data.length * 4) % 64, 0);
    const back = readNpy(bytes);
    assert.deepEqual(back.shape, [2, 3]);
    assert.deepEqual(Array.from(back.data), Array.from(data));
    assert.deepEqual(readNpy(writeNpy([4], new Float32Array(4))).shape, [4]);
  });

  it('reads the fixtures and float64 / int64 arrays', () => {
    const a = readNpy(fixtureBytes('mnist_cnn.input.npy'));
    assert.deepEqual(a.shape, [1, 1, 28, 28]);
    const f64 = writeLike('<f8', [3], (v, i) => v.setFloat64(i * 8, [0.5, -1, 2][i], true), 24);
    assert.deepEqual(Array.from(readNpy(f64).data), [0.5, -1, 2]);
    const i64 = writeLike('<i8', [2], (v, i) => v.setBigInt64(i * 8, BigInt([7, -3][i]), true), 16);
    assert.deepEqual(Array.from(readNpy(i64).data), [7, -3]);
  });

  it('rejects other files with a LayerLensError', () => {
    assert.throws(() => readNpy(new Uint8Array([1, 2, 3])), LayerLensError);
    const fortran = writeLike('<f4', [1], () => {}, 4, 'True');
    assert.throws(() => readNpy(fortran), /Fortran/);
  });
});

function writeLike(descr: string, shape: number[], fill: (v: DataView, i: number) => void, bytes: number, fortran = 'False'): Uint8Array {
  const header = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': (${shape.join(', ')},), }`.padEnd(118, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + bytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < shape.reduce((a, b) => a * b, 1); i++) fill(view, i);
  return out;
}
