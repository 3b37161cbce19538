// TF.js models a hostile user would try: the shipped MNIST LayersModel with broken topologies, manifests, weights
// and JSON; hand-written GraphModels (a valid Conv2D one, and ones with unknown ops or cycles).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { CaseFolder, GiB, layersHave } from './corpusTypes';
import type { HostileCase } from './corpusTypes';

const sampleDir = join(repoRoot, 'models/mnist-cnn');

type Layer = { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] };
type Manifest = { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
export type ModelJson = {
  format?: string;
  modelTopology: { config: { layers: Layer[]; output_layers: unknown[] } };
  weightsManifest: Manifest;
};

export function sampleJson(): ModelJson {
  return JSON.parse(readFileSync(join(sampleDir, 'model.json'), 'utf8')) as ModelJson;
}

export function sampleWeights(): Uint8Array {
  return new Uint8Array(readFileSync(join(sampleDir, 'weights.bin')));
}

const inbound = (name: string) => [[[name, 0, 0, {}]]];
const layer = (m: ModelJson, name: string) => m.modelTopology.config.layers.find((l) => l.name === name)!;

function b64(s: string): string {
  return Buffer.from(s, 'ascii').toString('base64');
}

/** A GraphModel: x [-1,8,8,1] → Conv2D 3×3×1×4 (VALID) → Relu; `edit` may change the node list. */
function graphModel(edit: (nodes: Record<string, unknown>[]) => void = () => {}): { json: string; bin: Uint8Array } {
  const dim = (sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });
  const nodes: Record<string, unknown>[] = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim([-1, 8, 8, 1]) } } },
    { name: 'conv/filter', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim([3, 3, 1, 4]) } }, dtype: { type: 'DT_FLOAT' } } },
    {
      name: 'conv/Conv2D', op: 'Conv2D', input: ['x', 'conv/filter'],
      attr: {
        T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } },
      },
    },
    { name: 'relu', op: 'Relu', input: ['conv/Conv2D'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  edit(nodes);
  const filter = Float32Array.from({ length: 36 }, (_, i) => ((i % 7) - 3) / 4);
  const json = {
    format: 'graph-model', generatedBy: 'hand', convertedBy: 'hand',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'conv/filter', shape: [3, 3, 1, 4], dtype: 'float32' }] }],
  };
  return { json: JSON.stringify(json), bin: new Uint8Array(filter.buffer) };
}

export function tfjsCases(f: CaseFolder): HostileCase[] {
  const cases: HostileCase[] = [];
  const weights = sampleWeights();
  const model = (name: string, json: string | Uint8Array, bin: Uint8Array | null = weights): string => {
    if (bin) f.file(`tfjs/${name}/weights.bin`, bin);
    return f.file(`tfjs/${name}/model.json`, json);
  };
  const refuse = (name: string, what: string, json: string | Uint8Array, bin: Uint8Array | null = weights, names: string[] = []): void => {
    const path = model(name, json, bin);
    cases.push({ id: `tfjs/${name}`, cls: 'tfjs', what, args: ['layers', '--model', path, '--json'], expect: 'refuse', names: [path, `${name}/model.json`, ...names] });
  };
  const variant = (edit: (m: ModelJson) => void): string => {
    const m = sampleJson();
    edit(m);
    return JSON.stringify(m);
  };

  const validPath = model('valid-copy', variant(() => {}));
  cases.push({
    id: 'tfjs/valid-copy', cls: 'tfjs', what: 'the shipped MNIST model, copied', expect: 'accept', names: [validPath],
    args: ['layers', '--model', validPath, '--json'], check: layersHave(['conv1', 'conv2', 'fc']),
  });

  // Topologies.
  refuse('cycle', 'conv1 fed by conv2 (a cycle)', variant((m) => void (layer(m, 'conv1').inbound_nodes = inbound('conv2'))));
  refuse('self-loop', 'conv1 fed by itself', variant((m) => void (layer(m, 'conv1').inbound_nodes = inbound('conv1'))));
  refuse('dangling-inbound', 'conv1 fed by a layer that does not exist', variant((m) => void (layer(m, 'conv1').inbound_nodes = inbound('ghost'))));
  refuse('duplicate-layer-name', 'two layers named conv2', variant((m) => {
    const layers = m.modelTopology.config.layers;
    layers.splice(4, 0, JSON.parse(JSON.stringify(layer(m, 'conv2'))) as Layer);
  }));
  refuse('output-layer-missing', 'an output layer that does not exist', variant((m) => void (m.modelTopology.config.output_layers = [['ghost', 0, 0]])));
  refuse('unknown-layer-class', 'a layer class TF.js does not know', variant((m) => void (layer(m, 'pool1').class_name = 'HostileLayer')));
  refuse('no-layers', 'an empty layer list', variant((m) => void (m.modelTopology.config.layers = [])));
  refuse('batch-shape-negative', 'an input shape of -28×28', variant((m) => void (layer(m, 'input').config.batch_input_shape = [null, -28, 28, 1])));
  refuse('batch-shape-zero', 'an input shape of 0×28', variant((m) => void (layer(m, 'input').config.batch_input_shape = [null, 0, 28, 1])));
  refuse('batch-shape-9e10', 'an input of 9e10 pixels', variant((m) => void (layer(m, 'input').config.batch_input_shape = [null, 300000, 300000, 1])));
  refuse('kernel-size-zero', 'conv1 with a 0×0 kernel', variant((m) => void (layer(m, 'conv1').config.kernel_size = [0, 0])));
  refuse('strides-zero', 'conv1 with strides 0', variant((m) => void (layer(m, 'conv1').config.strides = [0, 0])));
  refuse('filters-negative', 'conv1 with -16 filters', variant((m) => void (layer(m, 'conv1').config.filters = -16)));

  refuse('layer-class-newline', 'a layer class whose name holds a line break and a fake stack line',
    variant((m) => void (layer(m, 'pool1').class_name = 'Hostile\nLayer\n    at evil (x.js:1:1)')));
  refuse('reshape-mismatch', 'flatten replaced by a Reshape of 800 values to 7×7', variant((m) => {
    const l = layer(m, 'flatten');
    l.class_name = 'Reshape';
    l.config = { name: 'flatten', target_shape: [7, 7] };
  }));
  // A side output that upsamples pool1 by 20000× each way: fine to list, a 1e12-value tensor to compute.
  const upPath = model('upsampling-bomb', variant((m) => {
    m.modelTopology.config.layers.push({
      name: 'up', class_name: 'UpSampling2D', config: { name: 'up', size: [20000, 20000], data_format: 'channels_last', interpolation: 'nearest' },
      inbound_nodes: inbound('pool1'),
    });
    m.modelTopology.config.output_layers.push(['up', 0, 0]);
  }));
  cases.push({
    id: 'tfjs/upsampling-bomb', cls: 'tfjs', what: 'a side output upsampling 20000× (1e12 values)', expect: 'refuse', names: [upPath, 'upsampling-bomb/model.json'],
    args: ['activations', '--model', upPath, '--input', join(sampleDir, 'samples/digit-3-a.png'), '--out', f.out('tfjs/upsampling-bomb')],
  });

  // Manifests.
  const entries = (m: ModelJson) => m.weightsManifest[0]!.weights;
  refuse('manifest-duplicate-entry', 'conv1/kernel listed twice', variant((m) => void entries(m).splice(1, 0, { ...entries(m)[0]! })),
    new Uint8Array([...weights.subarray(0, 576), ...weights]));
  refuse('manifest-missing-entry', 'fc/bias missing from the manifest', variant((m) => void entries(m).pop()), weights.subarray(0, weights.length - 40));
  refuse('manifest-extra-entry', 'a weight the topology does not have', variant((m) => void entries(m).push({ name: 'extra/kernel', shape: [4], dtype: 'float32' })),
    new Uint8Array([...weights, ...new Uint8Array(16)]));
  refuse('manifest-shape-mismatch', 'conv1/kernel 3×3×2×8 (same size, wrong shape)', variant((m) => void (entries(m)[0]!.shape = [3, 3, 2, 8])));
  refuse('manifest-dtype-string', 'a string weight', variant((m) => void (entries(m)[1]!.dtype = 'string')));
  refuse('manifest-dtype-unknown', 'a float128 weight', variant((m) => void (entries(m)[1]!.dtype = 'float128')));
  refuse('manifest-9e10', 'a weight that claims 9e10 elements', variant((m) => void (entries(m)[4]!.shape = [300000, 300000])));
  refuse('manifest-not-array', 'weightsManifest an object', variant((m) => void ((m as unknown as { weightsManifest: object }).weightsManifest = { paths: ['weights.bin'] })));
  refuse('manifest-no-paths', 'a manifest group without paths', variant((m) => void (m.weightsManifest[0]!.paths = [])));
  refuse('manifest-missing', 'no weightsManifest at all', variant((m) => void delete (m as Partial<ModelJson>).weightsManifest));

  refuse('manifest-path-nul', 'a weight path with a NUL byte', variant((m) => void (m.weightsManifest[0]!.paths = ['weights\u0000.bin'])), weights, ['weights']);
  refuse('manifest-path-long', 'a weight path of 5000 characters', variant((m) => void (m.weightsManifest[0]!.paths = [`${'a'.repeat(5000)}.bin`])), weights, ['aaaa']);
  // Weights.
  const withValue = (index: number, v: number) => {
    const copy = weights.slice();
    new DataView(copy.buffer).setFloat32(index * 4, v, true);
    return copy;
  };
  refuse('weights-nan', 'a NaN in conv1/kernel', variant(() => {}), withValue(5, NaN));
  refuse('weights-inf', 'an Infinity in fc/kernel', variant(() => {}), withValue(3000, Infinity));
  refuse('weights-truncated', 'weights.bin cut in half', variant(() => {}), weights.subarray(0, weights.length >> 1));
  refuse('weights-empty', 'an empty weights.bin', variant(() => {}), new Uint8Array(0));
  refuse('weights-file-missing', 'weights.bin missing', variant(() => {}), null, ['weights.bin']);
  f.file('tfjs/outside.bin', weights);
  refuse('weights-path-escape', 'a weight path ../outside.bin', variant((m) => void (m.weightsManifest[0]!.paths = ['../outside.bin'])), null, ['../outside.bin']);
  refuse('weights-path-inner-escape', 'a weight path sub/../../outside.bin', variant((m) => void (m.weightsManifest[0]!.paths = ['sub/../../outside.bin'])), null, ['outside.bin']);
  refuse('weights-path-absolute', 'a weight path that is absolute', variant((m) => void (m.weightsManifest[0]!.paths = [f.path('tfjs/outside.bin')])), null, ['outside.bin']);
  refuse('weights-path-url', 'a weight path that is a URL', variant((m) => void (m.weightsManifest[0]!.paths = ['http://example.invalid/weights.bin'])), null, ['example.invalid']);

  // JSON itself.
  const json = JSON.stringify(sampleJson());
  refuse('json-garbage', 'random bytes', Uint8Array.from({ length: 512 }, (_, i) => (i * 73 + 11) & 0xff));
  refuse('json-empty', 'an empty file', '');
  refuse('json-null', 'the JSON null', 'null');
  refuse('json-array', 'a JSON array', '[1, 2, 3]');
  refuse('json-no-topology', 'no modelTopology', JSON.stringify({ format: 'layers-model', weightsManifest: sampleJson().weightsManifest }));
  refuse('json-deep-nesting', 'arrays nested 200000 deep', `{"modelTopology": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
  for (const frac of [0.01, 0.5, 0.999]) {
    const cut = Math.floor(json.length * frac);
    refuse(`json-truncated-${String(cut).padStart(4, '0')}`, `model.json cut to ${cut} of ${json.length} characters`, json.slice(0, cut));
  }
  const oversized = f.sparse('tfjs/oversized/model.json', 3 * GiB, Buffer.from('{"modelTopology": {"class_name": "Model", "config": {"layers": ['));
  f.file('tfjs/oversized/weights.bin', weights);
  cases.push({ id: 'tfjs/oversized', cls: 'tfjs', what: 'a 3 GiB model.json (sparse)', args: ['layers', '--model', oversized, '--json'], expect: 'refuse', names: [oversized, 'oversized/model.json'] });

  // Sidecars are read by the commands that preprocess images.
  const sample = join(sampleDir, 'samples/digit-3-a.png');
  const withSidecar = (name: string, what: string, sidecar: string): void => {
    const path = model(name, json);
    const side = f.file(`tfjs/${name}/model.layerlens.json`, sidecar);
    cases.push({
      id: `tfjs/${name}`, cls: 'tfjs', what, expect: 'refuse', names: [side, 'model.layerlens.json'],
      args: ['activations', '--model', path, '--input', sample, '--layer', 'conv1', '--out', f.out(`tfjs/${name}`)],
    });
  };
  withSidecar('sidecar-garbage', 'a sidecar that is not JSON', '{"input": {"height": 28,');
  withSidecar('sidecar-negative-size', 'a sidecar asking for a -28 px input', JSON.stringify({ input: { height: -28, width: 28, channels: 1 } }));
  withSidecar('sidecar-zero-std', 'a sidecar with std 0', JSON.stringify({ input: { height: 28, width: 28, channels: 1, std: [0] } }));

  // GraphModels.
  const graph = (name: string, what: string, expect: 'accept' | 'refuse', edit?: (nodes: Record<string, unknown>[]) => void, bin?: Uint8Array): void => {
    const g = graphModel(edit);
    const path = model(name, g.json, bin ?? g.bin);
    cases.push({
      id: `tfjs/${name}`, cls: 'tfjs', what, expect, names: [path, `${name}/model.json`],
      args: ['layers', '--model', path, '--json'],
      check: expect === 'accept' ? layersHave(['conv/Conv2D']) : undefined,
    });
  };
  graph('graph-valid-conv2d', 'a hand-written GraphModel with a plain Conv2D', 'accept');
  graph('graph-unknown-op', 'a GraphModel op TF.js does not know', 'refuse', (n) => void (n[3]!.op = 'HostileOp'));
  graph('graph-cycle', 'a GraphModel whose Conv2D is fed by its own Relu', 'refuse', (n) => void (n[2]!.input = ['relu', 'conv/filter']));
  graph('graph-self-loop', 'a GraphModel node that is its own input', 'refuse', (n) => void (n[3]!.input = ['relu']));
  graph('graph-dangling-input', 'a GraphModel node fed by a node that does not exist', 'refuse', (n) => void (n[3]!.input = ['ghost']));
  graph('graph-nan-weights', 'a GraphModel with a NaN filter value', 'refuse', undefined, new Uint8Array(new Float32Array(36).fill(NaN).buffer));
  graph('graph-no-placeholder', 'a GraphModel without an input', 'refuse', (n) => void n.splice(0, 1));
  return cases;
}
