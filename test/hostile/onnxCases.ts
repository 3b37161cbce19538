// ONNX files a hostile user would try: truncations at many offsets of a small real model, seeded byte flips,
// and hand-built graphs that are malformed (bad dims, opsets, types, wiring) or valid in unusual ways.
import { onnxModelType } from '../../src/core/onnx/onnxGraph';
import { buildOnnx, seeded } from '../unit/onnx/onnxBuilder';
import type { ModelSpec } from '../unit/onnx/onnxBuilder';
import { CaseFolder, GiB, layersHave, npyBytes, parseJson, rng } from './corpusTypes';
import { digitPng } from './imageBytes';
import type { CaseRun, HostileCase } from './corpusTypes';

/** x [1,1,8,8] → conv1 (4 filters 3×3) → relu → pool (2×2) → flatten → fc (Gemm 36 → 3). */
export function baseSpec(): ModelSpec {
  return {
    input: { name: 'x', dims: [1, 1, 8, 8] },
    outputs: ['y'],
    initializers: [
      { name: 'conv1.weight', dims: [4, 1, 3, 3], data: seeded(36, 3) },
      { name: 'conv1.bias', dims: [4], data: seeded(4, 4) },
      { name: 'fc.weight', dims: [3, 36], data: seeded(108, 5) },
      { name: 'fc.bias', dims: [3], data: seeded(3, 6) },
    ],
    nodes: [
      { op: 'Conv', name: '/conv1/Conv', inputs: ['x', 'conv1.weight', 'conv1.bias'], outputs: ['c'], attrs: { kernel_shape: [3, 3] } },
      { op: 'Relu', name: '/relu/Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'MaxPool', name: '/pool/MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', name: '/Flatten', inputs: ['p'], outputs: ['f'], attrs: { axis: 1 } },
      { op: 'Gemm', name: '/fc/Gemm', inputs: ['f', 'fc.weight', 'fc.bias'], outputs: ['y'], attrs: { transB: 1 } },
    ],
  };
}

type ModelObject = {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  graph: {
    node: { input: string[]; output: string[]; name: string; opType: string; attribute?: Record<string, unknown>[] }[];
    initializer: Record<string, unknown>[];
    input: { name: string; type: { tensorType: { elemType: number; shape?: { dim: Record<string, unknown>[] } } } }[];
    output: { name: string }[];
  };
};

/** Decodes a model, lets `edit` change the plain object, encodes it again. */
export function edited(bytes: Uint8Array, edit: (m: ModelObject) => void): Uint8Array {
  const type = onnxModelType();
  const obj = type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as ModelObject;
  edit(obj);
  return new Uint8Array(type.encode(type.fromObject(obj)).finish());
}

function halfBits(x: number): number {
  // Exact for the small values used here (normal float16 numbers).
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = (u >>> 13) & 0x3ff;
  if (x === 0) return sign;
  return sign | (exp << 10) | mant;
}

export function onnxCases(f: CaseFolder): HostileCase[] {
  const cases: HostileCase[] = [];
  const base = new Uint8Array(buildOnnx(baseSpec())); // a copy: protobufjs may hand back a Buffer, whose slice() is a view
  const basePath = f.file('onnx/base/small.onnx', base);
  const input = f.file('onnx/base/input.npy', npyBytes([1, 1, 8, 8], Float32Array.from(seeded(64, 9))));
  const refuse = (name: string, what: string, bytes: Uint8Array, file = 'model.onnx'): void => {
    const path = f.file(`onnx/${name}/${file}`, bytes);
    cases.push({ id: `onnx/${name}`, cls: 'onnx', what, args: ['layers', '--model', path, '--json'], expect: 'refuse', names: [path, file] });
  };

  cases.push({
    id: 'onnx/valid-base', cls: 'onnx', what: 'the small conv model itself', expect: 'accept', names: [basePath],
    args: ['layers', '--model', basePath, '--json'], check: layersHave(['conv1', 'fc']),
  });
  const actOut = f.out('onnx/valid-base-activations');
  cases.push({
    id: 'onnx/valid-base-activations', cls: 'onnx', what: 'activations of the small model from an .npy', expect: 'accept', names: [basePath],
    args: ['activations', '--model', basePath, '--input', input, '--outputs', '--out', actOut, '--json'],
    check: (run) => {
      const r = parseJson<{ files?: { layer: string; shape: number[] }[] }>(run.stdout);
      if (typeof r === 'string') return r;
      const conv = r.files?.find((x) => x.layer === 'conv1');
      return conv && conv.shape.join(',') === '1,4,6,6' ? null : `conv1 activation missing or wrong shape: ${JSON.stringify(conv)}`;
    },
  });

  cases.push({
    id: 'onnx/valid-base-image', cls: 'onnx', what: 'activations of the small model from a 28×28 PNG (resized to 8×8)', expect: 'accept', names: [basePath],
    args: ['activations', '--model', basePath, '--input', f.file('onnx/base/digit.png', digitPng(5)), '--layer', 'conv1', '--out', f.out('onnx/valid-base-image'), '--json'],
    check: (run) => {
      const r = parseJson<{ files?: { layer: string; shape: number[] }[] }>(run.stdout);
      if (typeof r === 'string') return r;
      return r.files?.[0]?.shape.join(',') === '1,4,6,6' ? null : `unexpected files ${JSON.stringify(r.files)}`;
    },
  });

  // Truncations: every cut of a protobuf whose graph is its last field leaves no graph or a cut message.
  const cuts = new Set<number>([0, 1, 3, 8, 21, 55, base.length - 2, base.length - 1]);
  for (let i = 1; i < 10; i++) cuts.add(Math.floor((base.length * i) / 10));
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    refuse(`truncated-${String(cut).padStart(4, '0')}`, `the model cut to ${cut} of ${base.length} bytes`, base.subarray(0, cut));
  }

  // Byte flips: the result may still be a valid model (a flipped weight), so a clean refusal or a clean run both pass.
  const pick = rng(20240611);
  for (let i = 0; i < 16; i++) {
    const bytes = base.slice();
    const flips = 1 + pick(3);
    const at: number[] = [];
    for (let j = 0; j < flips; j++) {
      const p = pick(bytes.length);
      bytes[p] ^= 1 << pick(8);
      at.push(p);
    }
    const name = `flip-${String(i).padStart(2, '0')}`;
    const path = f.file(`onnx/${name}/model.onnx`, bytes);
    cases.push({
      id: `onnx/${name}`, cls: 'onnx', what: `bits flipped at bytes ${at.join(', ')}`, expect: 'either', names: [path, 'model.onnx', input, 'input.npy'],
      args: ['activations', '--model', path, '--input', input, '--outputs', '--out', f.out(`onnx/${name}`), '--json'],
      check: (run) => {
        const r = parseJson<{ files?: unknown[] }>(run.stdout);
        return typeof r === 'string' ? r : Array.isArray(r.files) ? null : 'no files listed';
      },
    });
  }

  const spec = baseSpec;
  const withInputDims = (dims: (number | string)[]) => buildOnnx({ ...spec(), input: { name: 'x', dims } });
  refuse('dim-negative', 'input dims [1, 1, -8, 8]', withInputDims([1, 1, -8, 8]));
  refuse('dim-zero', 'input dims [1, 1, 0, 8]', withInputDims([1, 1, 0, 8]));
  refuse('dim-overflow', 'input dims [1, 1, 2^40, 8]', withInputDims([1, 1, 2 ** 40, 8]));
  refuse('input-9e10', 'an input of 9e10 elements', withInputDims([1, 3, 173206, 173206]));
  const bigWeight = (dims: number[]) =>
    edited(base, (m) => {
      const w = m.graph.initializer.find((t) => t.name === 'conv1.weight')!;
      w.dims = dims;
    });
  refuse('weight-9e10', 'a weight that claims 9e10 elements', bigWeight([300000, 300000, 1, 1]));
  refuse('weight-dim-negative', 'a weight with a negative dim', bigWeight([4, 1, -3, 3]));
  refuse('weight-short-data', 'weight data shorter than its dims', bigWeight([4, 1, 3, 4]));
  refuse('weight-long-data', 'weight data longer than its dims', bigWeight([4, 1, 3, 2]));
  refuse('opset-99', 'default-domain opset 99', buildOnnx({ ...spec(), opset: 99 }));
  refuse('opset-1', 'default-domain opset 1', buildOnnx({ ...spec(), opset: 1 }));
  refuse('opset-missing', 'no opset import at all', edited(base, (m) => void (m.opsetImport = [])));
  refuse('int8-weights', 'int8 weights into a float Conv', edited(base, (m) => {
    const w = m.graph.initializer.find((t) => t.name === 'conv1.weight')!;
    w.dataType = 3;
    w.rawData = new Uint8Array(36).map((_, i) => i);
  }));
  refuse('int64-input', 'an int64 image input', edited(base, (m) => void (m.graph.input[0]!.type.tensorType.elemType = 7)));
  refuse('string-input', 'a string image input', edited(base, (m) => void (m.graph.input[0]!.type.tensorType.elemType = 8)));
  refuse('dangling-output', 'a graph output no node produces', buildOnnx({ ...spec(), outputs: ['nowhere'] }));
  refuse('dangling-node-input', 'a node input nothing produces', buildOnnx({
    ...spec(),
    nodes: spec().nodes.map((n) => (n.op === 'Relu' ? { ...n, inputs: ['ghost'] } : n)),
  }));
  refuse('cycle', 'two nodes feeding each other', buildOnnx({
    ...spec(),
    nodes: [
      ...spec().nodes.filter((n) => n.op !== 'Relu' && n.op !== 'MaxPool'),
      { op: 'Relu', name: '/relu/Relu', inputs: ['p'], outputs: ['r'] },
      { op: 'MaxPool', name: '/pool/MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
    ],
  }));
  refuse('self-loop', 'a node that consumes its own output', buildOnnx({
    ...spec(),
    nodes: spec().nodes.map((n) => (n.op === 'Relu' ? { ...n, inputs: ['r'] } : n)),
  }));
  refuse('duplicate-producer', 'two nodes producing the same tensor', buildOnnx({
    ...spec(),
    nodes: [...spec().nodes.slice(0, 2), { op: 'Relu', name: '/relu2/Relu', inputs: ['c'], outputs: ['r'] }, ...spec().nodes.slice(2)],
  }));
  refuse('unknown-op', 'an op no importer knows', buildOnnx({
    ...spec(),
    nodes: spec().nodes.map((n) => (n.op === 'Relu' ? { ...n, op: 'HostileOp' } : n)),
  }));
  refuse('conv-weight-rank', 'a Conv weight of rank 2', buildOnnx({
    ...spec(),
    initializers: spec().initializers!.map((t) => (t.name === 'conv1.weight' ? { ...t, dims: [4, 9] } : t)),
  }));
  refuse('conv-channel-mismatch', 'a Conv weight for 2 input channels on a 1-channel input', buildOnnx({
    ...spec(),
    initializers: spec().initializers!.map((t) => (t.name === 'conv1.weight' ? { ...t, dims: [2, 2, 3, 3] } : t)),
  }));
  refuse('gemm-mismatch', 'a Gemm weight that does not fit its input', buildOnnx({
    ...spec(),
    initializers: spec().initializers!.map((t) => (t.name === 'fc.weight' ? { ...t, dims: [4, 27] } : t)),
  }));
  const withConvAttrs = (attrs: Record<string, number[]>) => buildOnnx({
    ...spec(),
    nodes: spec().nodes.map((n) => (n.op === 'Conv' ? { ...n, attrs: { kernel_shape: [3, 3], ...attrs } } : n)),
  });
  refuse('conv-stride-zero', 'Conv strides [0, 0]', withConvAttrs({ strides: [0, 0] }));
  refuse('conv-pads-negative', 'Conv pads [-5, -5, -5, -5]', withConvAttrs({ pads: [-5, -5, -5, -5] }));
  refuse('conv-dilation-zero', 'Conv dilations [0, 0]', withConvAttrs({ dilations: [0, 0] }));
  refuse('pool-larger-than-input', 'a MaxPool window larger than its input', buildOnnx({
    ...spec(),
    nodes: spec().nodes.map((n) => (n.op === 'MaxPool' ? { ...n, attrs: { kernel_shape: [64, 64], strides: [1, 1] } } : n)),
  }));
  refuse('no-inputs', 'a graph without inputs', edited(base, (m) => void (m.graph.input = [])));
  refuse('two-inputs', 'a graph with two image inputs', edited(base, (m) => void m.graph.input.push({ ...m.graph.input[0]!, name: 'x2' })));
  refuse('json-text', 'JSON text named .onnx', new TextEncoder().encode('{"format": "layers-model"}'));
  refuse('png-bytes', 'a PNG named .onnx', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
  refuse('zip-bytes', 'a zip archive named .onnx', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, ...new Array(40).fill(0)]));
  const ext = (location: string, offset?: number, length?: number) => buildOnnx({
    ...spec(),
    initializers: spec().initializers!.map((t) => (t.name === 'conv1.weight' ? { name: t.name, dims: t.dims, external: { location, offset, length } } : t)),
  });
  /** conv1's weights stored externally with the given raw entries (strings as a hostile file may hold them). */
  const extEntries = (entries: Record<string, string>) => edited(ext('weights.bin'), (m) => {
    const w = m.graph.initializer.find((t) => t.name === 'conv1.weight')!;
    w.externalData = Object.entries(entries).map(([key, value]) => ({ key, value }));
  });
  refuse('external-escape', 'external data at ../../outside.bin', ext('../../outside.bin'));
  f.file('onnx/outside.bin', new Uint8Array(144));
  refuse('external-absolute', 'external data at /etc/passwd', ext('/etc/passwd'));
  refuse('external-dev-zero', 'external data at /dev/zero', ext('/dev/zero'));
  refuse('external-huge-length', 'external data with a 2^40 length', ext('weights.bin', 0, 2 ** 40));
  f.file('onnx/external-huge-length/weights.bin', new Uint8Array(144));
  refuse('external-offset-beyond', 'external data offset beyond its file', ext('weights.bin', 10_000, 144));
  f.file('onnx/external-offset-beyond/weights.bin', new Uint8Array(144));
  refuse('external-etc-passwd', 'external data at ../../etc/passwd', ext('../../etc/passwd'));
  refuse('external-length-overflow', 'external data with a 20-digit length', extEntries({ location: 'weights.bin', length: '99999999999999999999' }));
  f.file('onnx/external-length-overflow/weights.bin', new Uint8Array(144));
  refuse('external-offset-negative', 'external data with offset -8', extEntries({ location: 'weights.bin', offset: '-8' }));
  f.file('onnx/external-offset-negative/weights.bin', new Uint8Array(144));
  refuse('external-length-mismatch', 'external data whose length is not what the shape needs', ext('weights.bin', 0, 100));
  f.file('onnx/external-length-mismatch/weights.bin', new Uint8Array(144));
  refuse('external-short-file', 'external data in a file cut short', ext('weights.bin', 16, 144));
  f.file('onnx/external-short-file/weights.bin', new Uint8Array(100));
  refuse('external-missing-file', 'external data in a file that is not there', ext('weights.bin', 0, 144));
  // Valid: conv1's weights at offset 16 of a file beside the model.
  const externalWeights = new Uint8Array(16 + 144);
  externalWeights.set(new Uint8Array(Float32Array.from(seeded(36, 3)).buffer), 16);
  f.file('onnx/valid-external/weights.bin', externalWeights);
  const externalPath = f.file('onnx/valid-external/model.onnx', ext('weights.bin', 16, 144));
  cases.push({
    id: 'onnx/valid-external', cls: 'onnx', what: 'conv1 weights as external data at an offset', expect: 'accept', names: [externalPath],
    args: ['layers', '--model', externalPath, '--json'], check: layersHave(['conv1', 'fc']),
  });
  // Other formats under an ONNX name are named for what they are.
  const tflite = new Uint8Array(24);
  new DataView(tflite.buffer).setUint32(0, 16, true);
  tflite.set([0x54, 0x46, 0x4c, 0x33], 4);
  refuse('tflite-named-onnx', 'a TFLite file named .onnx', tflite);
  refuse('reshape-9e10', 'a Reshape to 9e10 elements', buildOnnx({
    ...spec(),
    initializers: [...spec().initializers!, { name: 'shape', dims: [2], data: [300000, 300000], int64: true }],
    nodes: [...spec().nodes.slice(0, 4), { op: 'Reshape', name: '/r/Reshape', inputs: ['f', 'shape'], outputs: ['y'] }],
  }));
  const sparsePath = f.sparse('onnx/oversized/model.onnx', 3 * GiB, base);
  cases.push({ id: 'onnx/oversized', cls: 'onnx', what: 'a 3 GiB .onnx (sparse)', args: ['layers', '--model', sparsePath, '--json'], expect: 'refuse', names: [sparsePath, 'model.onnx'] });

  // Valid: weights that reach the Conv through a Cast, from float16 and from double.
  const castModel = (dataType: number, raw: Uint8Array) =>
    edited(base, (m) => {
      const w = m.graph.initializer.find((t) => t.name === 'conv1.weight')!;
      w.name = 'conv1.weight_stored';
      w.dataType = dataType;
      w.rawData = raw;
      m.graph.node.unshift({
        input: ['conv1.weight_stored'], output: ['conv1.weight'], name: '/conv1/Cast', opType: 'Cast',
        attribute: [{ name: 'to', type: 2, i: 1 }],
      });
    });
  const w = Array.from({ length: 36 }, (_, i) => ((i % 9) - 4) / 8);
  const half = new Uint16Array(w.map(halfBits));
  const dbl = new Float64Array(w);
  for (const [name, bytes] of [
    ['valid-cast-float16', castModel(10, new Uint8Array(half.buffer))],
    ['valid-cast-double', castModel(11, new Uint8Array(dbl.buffer))],
  ] as const) {
    const path = f.file(`onnx/${name}/model.onnx`, bytes);
    cases.push({
      id: `onnx/${name}`, cls: 'onnx', what: `Conv weights stored as ${name.slice(11)} and Cast to float`, expect: 'accept', names: [path],
      args: ['activations', '--model', path, '--input', input, '--layer', 'conv1', '--out', f.out(`onnx/${name}`), '--json'],
      check: (run) => {
        const r = parseJson<{ files?: { layer: string; shape: number[] }[] }>(run.stdout);
        if (typeof r === 'string') return r;
        return r.files?.[0]?.shape.join(',') === '1,4,6,6' ? null : `unexpected files ${JSON.stringify(r.files)}`;
      },
    });
  }
  const dynPath = f.file('onnx/valid-symbolic-batch/model.onnx', withInputDims(['batch', 1, 8, 8]));
  cases.push({
    id: 'onnx/valid-symbolic-batch', cls: 'onnx', what: 'a symbolic batch dimension', expect: 'accept', names: [dynPath],
    args: ['layers', '--model', dynPath, '--json'], check: layersHave(['conv1', 'fc']),
  });
  return cases;
}
