import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBinary, unpackBinary } from '../../../src/shared/protocol/binaryCodec';

test('typed arrays at any depth survive a JSON round trip through pack/unpack', () => {
  const msg = {
    type: 'kernels',
    result: {
      tiles: Uint8ClampedArray.from([0, 128, 255, 7]),
      stats: { l2: Float32Array.from([1.5, -2.25, Math.PI]) },
      order: Int32Array.from([2, 0, 1]),
      frames: [Uint8Array.from([9, 8]), Float64Array.from([1e-300])],
    },
    count: 3,
    label: 'conv1',
  };
  const wire = JSON.parse(JSON.stringify(packBinary(msg))) as unknown;
  const back = unpackBinary(wire) as typeof msg;
  assert.ok(back.result.tiles instanceof Uint8ClampedArray);
  assert.deepEqual([...back.result.tiles], [0, 128, 255, 7]);
  assert.ok(back.result.stats.l2 instanceof Float32Array);
  assert.deepEqual([...back.result.stats.l2], [...msg.result.stats.l2]);
  assert.deepEqual([...back.result.order], [2, 0, 1]);
  assert.ok(back.result.frames[1] instanceof Float64Array);
  assert.equal(back.result.frames[1][0], 1e-300);
  assert.equal(back.count, 3);
  assert.equal(back.label, 'conv1');
});

test('a view into a larger buffer packs only its own bytes', () => {
  const big = new Float32Array([1, 2, 3, 4, 5]);
  const view = big.subarray(1, 3);
  const back = unpackBinary(JSON.parse(JSON.stringify(packBinary(view)))) as Float32Array;
  assert.deepEqual([...back], [2, 3]);
});

test('a packed message carries no number lists', () => {
  const wire = JSON.stringify(packBinary({ data: new Float32Array(1000).fill(0.5) }));
  assert.ok(wire.length < 6000, `${wire.length} characters`);
  assert.doesNotMatch(wire, /"0":/);
});
