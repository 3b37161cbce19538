// Bad ONNX files fail with one sentence and the right code, and the engine keeps working afterwards.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { LayerLensError } from '../../../src/shared/errors';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeKernelTiles } from '../../../src/core/kernels/kernelTiles';
import { loadAllInChild } from '../model/loadChildRun';
import { decodeModel } from '../../../src/core/onnx/onnxGraph';
import { validateOnnxModel } from '../../../src/core/onnx/validateOnnxGraph';
import { buildOnnx, seeded, toHalf } from './onnxBuilder';
import type { ModelSpec } from './onnxBuilder';

// The fixtures are read only by the tests that use them, so that the built-in cases run without them.
const fixtures = () => import('./fixtureData');
const TIMEOUT = { timeout: 120_000 };

async function rejects(p: Promise<unknown>, code: string, ...parts: string[]): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `not a LayerLensError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const part of parts) assert.ok(e.message.includes(part), `"${e.message}" lacks "${part}"`);
    assertClear(e.message);
    return e.message;
  }
  assert.fail(`expected a ${code} error`);
}

/** One sentence, in our words: no TF.js, protobufjs or V8 text. */
function assertClear(message: string): void {
  assert.equal(message.split(/\.\s/).length, 1, `more than one sentence: ${message}`);
  assert.match(message, /^[^\n]*\.$/, message);
  assert.doesNotMatch(message, /File an issue|tfjs|Cannot read properties|undefined|Invalid typed array|index out of range|wire type/, message);
}

const conv = (extra: Partial<Parameters<typeof buildOnnx>[0]> = {}) =>
  buildOnnx({
    input: { name: 'x', dims: [1, 1, 4, 4] },
    outputs: ['y'],
    initializers: [{ name: 'w', dims: [2, 1, 3, 3], data: seeded(18) }],
    nodes: [{ op: 'Conv', name: '/c/Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 3] } }],
    ...extra,
  });

describe('ONNX import errors', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('names an unsupported op, its first node and the count', async () => {
    const bytes = buildOnnx({
      input: { name: 'x', dims: [1, 3, 8, 8] },
      outputs: ['z'],
      nodes: [
        { op: 'Relu', name: '/a/Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'FancyOp', name: '/b/FancyOp', inputs: ['r'], outputs: ['y'] },
        { op: 'FancyOp', name: '/c/FancyOp', inputs: ['y'], outputs: ['z'] },
      ],
    });
    await rejects(loadOnnxModel(bytes, '/m/fancy.onnx'), 'unsupportedOp', 'fancy.onnx', "'FancyOp'", "'/b/FancyOp'", '2 nodes');
  });

  it('reports truncated and corrupt files as malformed', async () => {
    const { fixtureBytes, fixtureIndex } = await fixtures();
    const m = fixtureIndex.models.mnist_cnn;
    const bytes = fixtureBytes(m.onnx);
    for (const cut of [0.3, 0.7, 0.999]) {
      await rejects(loadOnnxModel(bytes.subarray(0, Math.floor(bytes.length * cut)), '/m/cut.onnx'), 'malformedModel', 'cut.onnx');
    }
    await rejects(loadOnnxModel(new TextEncoder().encode('{"not": "onnx"}'), '/m/json.onnx'), 'malformedModel', 'json.onnx');
  });

  it('reports missing external data', async () => {
    const bytes = conv({ initializers: [{ name: 'w', dims: [2, 1, 3, 3], external: { location: 'w.bin' } }] });
    await rejects(loadOnnxModel(bytes, '/m/ext.onnx', () => Promise.reject(new Error('ENOENT'))), 'missingWeights', 'ext.onnx', 'w.bin');
    await rejects(loadOnnxModel(bytes, '/m/ext.onnx'), 'missingWeights', 'w.bin');
    await rejects(loadOnnxModel(bytes, '/m/ext.onnx', () => Promise.resolve(new Uint8Array(8))), 'missingWeights', 'w.bin');
    // Present external data loads.
    const w = new Uint8Array(new Float32Array(seeded(18)).buffer);
    const model = await loadOnnxModel(bytes, '/m/ext.onnx', (name) => (name === 'w.bin' ? Promise.resolve(w) : Promise.reject(new Error('no'))));
    const [y] = model.forward(tf.ones([1, 4, 4, 1]), ['c']);
    assert.deepEqual(y.shape, [1, 2, 2, 2]);
    tf.dispose(y);
    model.dispose();
  });

  it('reports shapes that cannot be resolved statically', async () => {
    await rejects(loadOnnxModel(conv({ input: { name: 'x', dims: [1, 1, 'height', 4] } }), '/m/dyn.onnx'), 'unresolvedShape', 'dyn.onnx', 'height');
    const bytes = buildOnnx({
      input: { name: 'x', dims: [1, 1, 2, 2] },
      outputs: ['y'],
      nodes: [
        { op: 'Flatten', name: '/f/Flatten', inputs: ['x'], outputs: ['flat'], attrs: { axis: 0 } },
        { op: 'Cast', name: '/c/Cast', inputs: ['flat'], outputs: ['shape'], attrs: { to: 7 } },
        { op: 'Reshape', name: '/r/Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
    });
    await rejects(loadOnnxModel(bytes, '/m/reshape.onnx'), 'unresolvedShape', 'reshape.onnx', "'/r/Reshape'");
  });

  it('leaves the engine working and leaks nothing after errors', async () => {
    const before = tf.memory().numTensors;
    await rejects(loadOnnxModel(conv({ input: { name: 'x', dims: [1, 1, 'h', 'w'] } }), '/m/a.onnx'), 'unresolvedShape');
    await rejects(loadOnnxModel(new Uint8Array([8, 1, 2]), '/m/b.onnx'), 'malformedModel');
    assert.equal(tf.memory().numTensors, before);
    const { fixtureBytes, fixtureIndex, fixturePath, nhwcInput } = await fixtures();
    const m = fixtureIndex.models.mnist_cnn;
    const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
    const x = nhwcInput(m.input);
    const [y] = model.forward(x, model.info.outputIds);
    assert.deepEqual(y.shape, [1, 10]);
    tf.dispose([x, y]);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('computes sizes before allocating: negative, zero, overflowing and huge dims', TIMEOUT, async () => {
    const w = (dims: number[], data: number[] = seeded(18)) => conv({ initializers: [{ name: 'w', dims, data }] });
    await rejects(loadOnnxModel(w([-2, 1, 3, 3]), '/m/neg.onnx'), 'malformedModel', 'neg.onnx', "'w'", '-2');
    await rejects(loadOnnxModel(w([0, 1, 3, 3], []), '/m/zero.onnx'), 'malformedModel', 'zero.onnx', "'w'", 'no values');
    await rejects(loadOnnxModel(w([2 ** 40, 2 ** 40, 3, 3]), '/m/overflow.onnx'), 'malformedModel', 'overflow.onnx', "'w'");
    await rejects(loadOnnxModel(w([300000, 300000]), '/m/claim.onnx'), 'malformedModel', 'claim.onnx', '90000000000 values');
    for (const [dims, part] of [[[1, 1, -4, 4], '-4'], [[1, 3, 100000, 100000], 'values per image']] as const) {
      await rejects(loadOnnxModel(conv({ input: { name: 'x', dims: [...dims] } }), '/m/input.onnx'), 'malformedModel', 'input.onnx', "'x'", part);
    }
    // An explicit zero dim (protobufjs never writes one, so the decoded message is made by hand).
    const decoded = decodeModel(conv(), 'zero-input.onnx');
    const dim = decoded.graph?.input?.[0]?.type?.tensorType?.shape?.dim;
    assert.ok(dim && dim[2]);
    dim[2] = { dimValue: 0 };
    assert.throws(() => validateOnnxModel(decoded, 'zero-input.onnx'), (e: LayerLensError) => {
      assert.equal(e.code, 'malformedModel');
      assert.ok(e.message.includes("'x'") && e.message.includes('dimension 0'), e.message);
      assertClear(e.message);
      return true;
    });
    // A shape made at load time from constants is sized before it is allocated.
    const fill = buildOnnx({
      input: { name: 'x', dims: [1, 1, 2, 2] },
      outputs: ['y'],
      initializers: [{ name: 'shape', dims: [3], data: [100000, 100000, 100], int64: true }],
      nodes: [
        { op: 'ConstantOfShape', name: '/k/ConstantOfShape', inputs: ['shape'], outputs: ['big'] },
        { op: 'Add', name: '/a/Add', inputs: ['x', 'big'], outputs: ['y'] },
      ],
    });
    await rejects(loadOnnxModel(fill, '/m/fill.onnx'), 'malformedModel', 'fill.onnx', "'/k/ConstantOfShape'", '1000000000000 values');
  });

  it('refuses opsets outside the supported range, naming it, and a missing opset', TIMEOUT, async () => {
    await rejects(loadOnnxModel(conv({ opset: 5 }), '/m/old.onnx'), 'unsupportedOp', 'old.onnx', 'opset 5', '7 to 21');
    await rejects(loadOnnxModel(conv({ opset: 99 }), '/m/new.onnx'), 'unsupportedOp', 'new.onnx', 'opset 99', '7 to 21');
    await rejects(loadOnnxModel(conv({ opset: null }), '/m/none.onnx'), 'malformedModel', 'none.onnx', 'no opset', '7 to 21');
  });

  it('refuses type errors: int8 weights into a float Conv, an int64 image input, mixed Gemm operands', TIMEOUT, async () => {
    const int8 = conv({ initializers: [{ name: 'w', dims: [2, 1, 3, 3], data: Array.from({ length: 18 }, (_, i) => i - 9), dataType: 'int8' }] });
    await rejects(loadOnnxModel(int8, '/m/int8.onnx'), 'malformedModel', 'int8.onnx', "'/c/Conv'", "'w'", 'int8');
    await rejects(loadOnnxModel(conv({ input: { name: 'x', dims: [1, 1, 4, 4], elemType: 7 } }), '/m/int64in.onnx'), 'notAModel', 'int64in.onnx', 'int64', "'x'");
    const gemm = buildOnnx({
      input: { name: 'x', dims: [1, 4] },
      outputs: ['y'],
      initializers: [{ name: 'b', dims: [4, 2], data: [1, 2, 3, 4, 5, 6, 7, 8], int64: true }],
      nodes: [{ op: 'Gemm', name: '/fc/Gemm', inputs: ['x', 'b'], outputs: ['y'] }],
    });
    await rejects(loadOnnxModel(gemm, '/m/gemm.onnx'), 'malformedModel', 'gemm.onnx', "'/fc/Gemm'", 'int64');
  });

  it('refuses dangling graph outputs and inputs, cycles, double producers and wrong attribute types', TIMEOUT, async () => {
    await rejects(loadOnnxModel(conv({ outputs: ['nowhere'] }), '/m/out.onnx'), 'malformedModel', 'out.onnx', "'nowhere'");
    const nodes = (list: ModelSpec['nodes']) => buildOnnx({ input: { name: 'x', dims: [1, 1, 4, 4] }, outputs: ['y'], nodes: list });
    await rejects(loadOnnxModel(nodes([{ op: 'Relu', name: '/r/Relu', inputs: ['ghost'], outputs: ['y'] }]), '/m/dangle.onnx'), 'malformedModel', 'dangle.onnx', "'ghost'");
    const cycle = nodes([
      { op: 'Add', name: '/a/Add', inputs: ['x', 'b'], outputs: ['a'] },
      { op: 'Relu', name: '/b/Relu', inputs: ['a'], outputs: ['b'] },
      { op: 'Relu', name: '/y/Relu', inputs: ['b'], outputs: ['y'] },
    ]);
    await rejects(loadOnnxModel(cycle, '/m/cycle.onnx'), 'malformedModel', 'cycle.onnx', 'cycle');
    const twice = nodes([
      { op: 'Relu', name: '/a/Relu', inputs: ['x'], outputs: ['y'] },
      { op: 'Sigmoid', name: '/b/Sigmoid', inputs: ['x'], outputs: ['y'] },
    ]);
    await rejects(loadOnnxModel(twice, '/m/twice.onnx'), 'malformedModel', 'twice.onnx', "'y'", "'/b/Sigmoid'");
    const twoInits = conv({ initializers: [{ name: 'w', dims: [2, 1, 3, 3], data: seeded(18) }, { name: 'w', dims: [2, 1, 3, 3], data: seeded(18, 5) }] });
    await rejects(loadOnnxModel(twoInits, '/m/inits.onnx'), 'malformedModel', 'inits.onnx', "'w'", 'twice');
    const attrs = (a: Record<string, number | number[] | string>) =>
      conv({ nodes: [{ op: 'Conv', name: '/c/Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 3], ...a } }] });
    await rejects(loadOnnxModel(attrs({ kernel_shape: [2.5, 3.5] }), '/m/ks.onnx'), 'malformedModel', 'ks.onnx', "'kernel_shape'", "'/c/Conv'");
    await rejects(loadOnnxModel(attrs({ strides: [0, 0] }), '/m/st.onnx'), 'malformedModel', 'st.onnx', "'strides'");
    await rejects(loadOnnxModel(attrs({ group: 'two' }), '/m/gr.onnx'), 'malformedModel', 'gr.onnx', "'group'");
    await rejects(loadOnnxModel(attrs({ pads: [-1, 0, 0, 0] }), '/m/pads.onnx'), 'malformedModel', 'pads.onnx', "'pads'");
  });

  it('refuses non-finite conv weights naming the tensor and the count', TIMEOUT, async () => {
    const data = seeded(18);
    data[2] = NaN;
    data[9] = Infinity;
    await rejects(loadOnnxModel(conv({ initializers: [{ name: 'w', dims: [2, 1, 3, 3], data }] }), '/m/nan.onnx'), 'badWeights', 'nan.onnx', "'w'", '2 NaN or infinite values');
  });

  it('loads weights that reach a Conv through a Cast (float16, float64) and draws them as they are', TIMEOUT, async () => {
    for (const dataType of ['float16', 'float64'] as const) {
      const weights = seeded(18, 7);
      const bytes = buildOnnx({
        input: { name: 'x', dims: [1, 1, 4, 4] },
        outputs: ['y'],
        initializers: [{ name: 'w16', dims: [2, 1, 3, 3], data: weights, dataType }],
        nodes: [
          { op: 'Cast', name: '/c/Cast', inputs: ['w16'], outputs: ['w'], attrs: { to: 1 } },
          { op: 'Conv', name: '/c/Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 3] } },
        ],
      });
      const model = await loadOnnxModel(bytes, `/m/cast-${dataType}.onnx`);
      const id = model.info.layers.find((l) => l.kind === 'conv')?.id;
      assert.ok(id, `no conv layer in ${model.info.layers.map((l) => l.id).join(', ')}`);
      const stored = dataType === 'float16' ? weights.map((v) => halfValue(toHalf(v))) : weights.map((v) => Math.fround(v));
      const k = model.kernel(id);
      assert.ok(k, 'no kernel');
      assert.deepEqual(k.shape, [3, 3, 1, 2]);
      const hwio = await k.data();
      k.dispose();
      // OIHW [o][0][y][x] → HWIO [y][x][0][o]
      for (let o = 0; o < 2; o++) for (let p = 0; p < 9; p++) assert.ok(Math.abs((hwio[p * 2 + o] as number) - (stored[o * 9 + p] as number)) < 1e-6, `${dataType} w[${o}][${p}]`);
      const tiles = await computeKernelTiles(model, id, { mode: 'perChannel', normalize: 'layer' });
      const maxAbs = Math.max(...stored.map(Math.abs));
      for (let o = 0; o < 2; o++) {
        for (let p = 0; p < 9; p++) {
          assert.equal(tiles.tiles[(o * 9 + p) * 4], Math.round(127.5 + (127.5 * Math.fround(stored[o * 9 + p] as number)) / Math.fround(maxAbs)), `${dataType} tile ${o} pixel ${p}`);
        }
      }
      model.dispose();
    }
  });

  it('every truncation and byte flip of a small model loads or fails with one sentence, and none hangs', TIMEOUT, async () => {
    const bytes = buildOnnx({
      input: { name: 'x', dims: [1, 3, 8, 8] },
      outputs: ['y'],
      initializers: [
        { name: 'w1', dims: [4, 3, 3, 3], data: seeded(108, 2) },
        { name: 'w2', dims: [2, 4, 1, 1], data: seeded(8, 3) },
        { name: 'fc', dims: [8, 3], data: seeded(24, 4) },
        { name: 'shape', dims: [2], data: [1, -1], int64: true },
      ],
      nodes: [
        { op: 'Conv', name: '/a/Conv', inputs: ['x', 'w1'], outputs: ['a'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
        { op: 'Relu', name: '/a/Relu', inputs: ['a'], outputs: ['r'] },
        { op: 'MaxPool', name: '/p/MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
        { op: 'Conv', name: '/b/Conv', inputs: ['p', 'w2'], outputs: ['b'], attrs: { kernel_shape: [1, 1] } },
        { op: 'Reshape', name: '/f/Reshape', inputs: ['b', 'shape'], outputs: ['f'] },
        { op: 'MatMul', name: '/fc/MatMul', inputs: ['f', 'fc'], outputs: ['y'] },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'layer-lens-onnx-'));
    const paths: string[] = [];
    const write = (name: string, data: Uint8Array) => {
      writeFileSync(join(dir, name), data);
      paths.push(join(dir, name));
    };
    write('whole.onnx', bytes);
    for (let i = 1; i <= 40; i++) write(`cut${i}.onnx`, bytes.subarray(0, Math.floor((bytes.length * i) / 41)));
    const positions = seeded(300, 11).map((r) => Math.floor(((r + 1) / 2) * bytes.length));
    positions.forEach((at, i) => {
      const flipped = Uint8Array.from(bytes);
      flipped[at] = (flipped[at] as number) ^ (1 << (i % 8));
      write(`flip${i}.onnx`, flipped);
    });
    const outcomes = loadAllInChild(paths, 110_000);
    assert.equal(outcomes.get(join(dir, 'whole.onnx'))?.ok, true, JSON.stringify(outcomes.get(join(dir, 'whole.onnx'))));
    let refused = 0;
    for (const path of paths) {
      const o = outcomes.get(path);
      assert.ok(o, `${path}: no outcome (the loader stopped early)`);
      assert.ok(!o.hung, `${path}: the load hung`);
      if (o.ok) continue;
      refused++;
      assert.ok(o.code && o.code !== 'internal' && o.code !== 'none', `${path}: ${o.code}: ${o.message}`);
      assert.ok((o.message as string).includes(path.split('/').pop() as string), `${path}: ${o.message}`);
      assertClear(o.message as string);
    }
    // Every truncation is refused; most flips are (a flip inside a weight's bytes is a valid model).
    for (let i = 1; i <= 40; i++) assert.equal(outcomes.get(join(dir, `cut${i}.onnx`))?.ok, false, `cut${i} loaded`);
    assert.ok(refused >= 40, `${refused} refused`);
  });
});

function halfValue(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
