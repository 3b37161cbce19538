// Model files are told apart by their bytes (then by their names): each format's real leading bytes are written
// here by hand (a FlatBuffer header, a safetensors header, zips with TorchScript's and torch.save's layouts,
// pickles, GGUF) or by the format's own writer (HDF5 and Keras 3 through the Keras twin writer, ONNX through
// the importer's schema), and a file Layer Lens cannot open is refused with one sentence and its command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { sniffModelFormat, type FormatProbe, type ModelFormatKind } from '../../../src/shared/modelFormat';
import { cannotOpenSentence } from '../../../src/shared/modelFormatAdvice';
import { checkModelFormat, probeModelPath } from '../../../src/core/node/modelFormatCheck';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { readLayersModel, writeKeras3, writeLegacyH5 } from '../../../scripts/keras/kerasTwins';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { buildOnnx, seeded } from '../onnx/onnxBuilder';
import { tempDir } from './tinyModels';

const text = (s: string) => strToU8(s);

/** A TFLite file's start as the FlatBuffer writer lays it out: root offset, "TFL3", a vtable, the Model table. */
function tfliteBytes(): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 16, true); // root table at byte 16
  b.set(text('TFL3'), 4); // file identifier
  v.setUint16(8, 6, true); // vtable: its own size
  v.setUint16(10, 8, true); // the table's size
  v.setUint16(12, 4, true); // field 0 (version) at table+4
  v.setInt32(16, 8, true); // table → vtable at 16 - 8
  v.setUint32(20, 3, true); // version 3
  return b;
}

/** A safetensors file: 8-byte little-endian header length, the JSON header, then the tensor bytes. */
function safetensorsBytes(): Uint8Array {
  const header = text(JSON.stringify({ 'conv.weight': { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, __metadata__: { format: 'pt' } }));
  const out = new Uint8Array(8 + header.length + 8);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 8);
  return out;
}

/** torch.jit.save's layout: tensors under data/, data.pkl, code/, constants.pkl. */
function torchscriptZip(bigTensor = 0): Uint8Array {
  // Entry order as PyTorch 1.13 writes it: the tensors first.
  return zipSync({
    'archive/data/0': new Uint8Array(bigTensor || 16),
    'archive/data.pkl': new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]),
    'archive/code/__torch__/net.py': text('class Net(Module):\n  def forward(self, x):\n    return x\n'),
    'archive/constants.pkl': new Uint8Array([0x80, 0x02, 0x29, 0x2e]),
    'archive/version': text('3\n'),
  }, { level: 0 });
}

/** torch.save's zip (PyTorch >= 1.6): archive/data.pkl and the tensors, no code. */
function torchSaveZip(): Uint8Array {
  return zipSync({ 'archive/data.pkl': new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]), 'archive/data/0': new Uint8Array(16), 'archive/version': text('3\n') }, { level: 0 });
}

function gguf(): Uint8Array {
  const b = new Uint8Array(24);
  b.set(text('GGUF'));
  new DataView(b.buffer).setUint32(4, 3, true);
  return b;
}

function probe(name: string, head: Uint8Array, siblings: string[] = []): FormatProbe {
  return { name, head, tail: head, size: head.length, siblings };
}

const onnxBytes = () => buildOnnx({
  input: { name: 'x', dims: [1, 1, 4, 4] },
  outputs: ['c'],
  initializers: [{ name: 'w', dims: [2, 1, 3, 3], data: seeded(18) }],
  nodes: [{ op: 'Conv', name: '/conv/Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { kernel_shape: [3, 3] } }],
});

test('each format is named by its bytes, whatever the file is called', async () => {
  await useBackend('cpu');
  const sample = await readLayersModel(join(repoRoot, 'models/mnist-cnn/model.json'));
  const cases: [string, Uint8Array, ModelFormatKind][] = [
    ['tflite', tfliteBytes(), 'tflite'],
    ['weights', safetensorsBytes(), 'safetensors'],
    ['model', torchscriptZip(), 'torchscript'],
    ['model', torchSaveZip(), 'torchPickle'],
    ['model', new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]), 'torchPickle'],
    ['model', new Uint8Array([0x80, 0x05, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0x2e]), 'torchPickle'],
    ['model', await writeLegacyH5(sample), 'kerasHdf5'],
    ['model', await writeKeras3(sample), 'keras'],
    ['model', gguf(), 'gguf'],
    ['model', text('7767517\n3 3\nInput data 0 1 data\n'), 'ncnn'],
    ['model', text('<?xml version="1.0"?>\n<net name="resnet" version="11">\n<layers>'), 'openvino'],
    ['model', text('[net]\nbatch=1\nwidth=416\n'), 'darknet'],
    ['model', text('{"nodes": [{"op": "null", "name": "data", "inputs": []}], "arg_nodes": [0], "heads": [[0, 0, 0]]}'), 'mxnet'],
    ['model', text('name: "LeNet"\nlayer {\n  name: "data"\n  type: "Input"\n}\n'), 'caffePrototxt'],
    ['model', text(JSON.stringify({ format: 'layers-model', modelTopology: {} })), 'tfjs'],
  ];
  for (const [name, bytes, kind] of cases) assert.equal(sniffModelFormat(probe(name, bytes)), kind, `${kind} from its bytes`);
});

test('formats without a signature of their own are named by their file names and folders', () => {
  const protobuf = new Uint8Array([0x0a, 0x05, 0x0a, 0x03, 0x66, 0x6f, 0x6f]);
  const savedModelProto = new Uint8Array([0x08, 0x01, 0x12, 0x04, 0x0a, 0x02, 0x08, 0x01]);
  const cases: [FormatProbe, ModelFormatKind][] = [
    [probe('saved_model.pb', savedModelProto, ['saved_model.pb', 'variables']), 'savedModel'],
    [probe('graph.pb', savedModelProto), 'savedModel'],
    [probe('frozen_inference_graph.pb', protobuf), 'frozenGraph'],
    [{ name: 'export', head: new Uint8Array(0), isFolder: true, siblings: ['saved_model.pb', 'variables', 'assets'] }, 'savedModel'],
    [probe('net.caffemodel', protobuf), 'caffeModel'],
    [probe('deploy.prototxt', text('input: "data"\n')), 'caffePrototxt'],
    [probe('MobileNet.mlmodel', new Uint8Array([0x08, 0x04, 0x12, 0x02, 0x0a, 0x00])), 'coreml'],
    [probe('model.bin', new Uint8Array(16), ['model.bin', 'model.xml']), 'openvino'],
    [probe('net.bin', new Uint8Array(16), ['net.bin', 'net.param']), 'ncnn'],
    [probe('yolov3.weights', new Uint8Array(20), ['yolov3.cfg', 'yolov3.weights']), 'darknet'],
    [probe('resnet-0000.params', new Uint8Array(16), ['resnet-symbol.json', 'resnet-0000.params']), 'mxnet'],
    [probe('resnet-symbol.json', text('{"nodes": []}')), 'mxnet'],
    [probe('inference.pdmodel', protobuf), 'paddle'],
    [probe('model.onnx', onnxBytes()), 'onnx'],
    [probe('model.pt', new Uint8Array(0)), 'torchPickle'],
    [probe('notes.txt', text('hello')), 'unknown'],
    [probe('setup.cfg', text('[metadata]\nname = x\n')), 'unknown'],
    [probe('yolov3.weights', new Uint8Array(20)), 'unknown'],
  ];
  for (const [p, kind] of cases) assert.equal(sniffModelFormat(p), kind, `${p.name} is ${kind}`);
});

test('a TorchScript zip is told from its central directory when its first entry is larger than the head read', async () => {
  const dir = tempDir();
  const path = join(dir, 'resnet.pt');
  writeFileSync(path, torchscriptZip(300_000));
  const p = await probeModelPath(path);
  assert.ok(p && p.head.length === 64 * 1024 && p.size! > 300_000);
  assert.equal(sniffModelFormat(p), 'torchscript');
  // The first bytes alone see only the first tensor's entry: the name (.pt) says PyTorch, not which kind.
  assert.equal(sniffModelFormat({ ...p, tail: undefined }), 'torchPickle');
});

test('a format Layer Lens cannot open gets one sentence with the file and the command that converts it', () => {
  const expect: [string, ModelFormatKind, string][] = [
    ['/w/m/mobilenet.tflite', 'tflite', 'python -m tf2onnx.convert --tflite /w/m/mobilenet.tflite --output mobilenet.onnx'],
    ['/w/export/saved_model.pb', 'savedModel', 'python -m tf2onnx.convert --saved-model /w/export --output model.onnx'],
    ['/w/export/saved_model.pb', 'savedModel', 'tensorflowjs_converter --input_format=tf_saved_model /w/export'],
    ['/w/g/frozen.pb', 'frozenGraph', 'python -m tf2onnx.convert --graphdef /w/g/frozen.pb'],
    ['/w/h/model.safetensors', 'safetensors', 'load_state_dict(safetensors.torch.load_file("model.safetensors"))'],
    ['/w/c/net.caffemodel', 'caffeModel', 'mmconvert -sf caffe -in deploy.prototxt -iw /w/c/net.caffemodel -df onnx'],
    ['/w/p/inference.pdmodel', 'paddle', 'paddle2onnx --model_dir /w/p --model_filename inference.pdmodel'],
    ['/w/c/MobileNet.mlmodel', 'coreml', 'onnxmltools.convert_coreml'],
    ['/w/l/llama.gguf', 'gguf', 'language model'],
  ];
  for (const [path, kind, command] of expect) {
    const s = cannotOpenSentence(path, kind);
    assert.ok(s, `${kind} has a sentence`);
    assert.ok(s.includes(path), `"${s}" names ${path}`);
    assert.ok(s.includes(command), `"${s}" gives ${command}`);
    assert.match(s, /^[^\n]*\.$/, 'one line, one sentence');
  }
  for (const kind of ['onnx', 'tfjs', 'keras', 'torchscript', 'torchPickle', 'unknown'] as const) {
    assert.equal(cannotOpenSentence(kind === 'onnx' ? '/m/a.onnx' : kind === 'tfjs' ? '/m/model.json' : kind === 'keras' ? '/m/a.keras' : '/m/a.pt', kind), undefined, kind);
  }
  // A format Layer Lens reads, under a name its loaders do not take.
  assert.match(cannotOpenSentence('/m/weights.bin', 'kerasHdf5') ?? '', /^\/m\/weights\.bin is an HDF5 \(Keras\) file, but its name does not end in \.h5/);
});

test('opening a TFLite, SavedModel or safetensors file is refused at once with its sentence; a .pt passes the check as TorchScript', async () => {
  const dir = tempDir();
  const tflite = join(dir, 'mobilenet.tflite');
  writeFileSync(tflite, tfliteBytes());
  const saved = join(dir, 'export');
  mkdirSync(join(saved, 'variables'), { recursive: true });
  writeFileSync(join(saved, 'saved_model.pb'), new Uint8Array([0x08, 0x01, 0x12, 0x00]));
  const st = join(dir, 'model.safetensors');
  writeFileSync(st, safetensorsBytes());
  const renamed = join(dir, 'renamed.onnx');
  writeFileSync(renamed, tfliteBytes());
  for (const [path, words] of [[tflite, 'tf2onnx.convert --tflite'], [join(saved, 'saved_model.pb'), '--saved-model'], [saved, '--saved-model'], [st, 'load_state_dict'], [renamed, 'TensorFlow Lite']] as const) {
    await assert.rejects(loadModel(path), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'notAModel');
      assert.ok(e.message.includes(path) && e.message.includes(words), e.message);
      return true;
    });
  }
  const pt = join(dir, 'resnet.pt');
  writeFileSync(pt, torchscriptZip());
  assert.equal(await checkModelFormat(pt), 'torchscript');
  // A real ONNX file passes the check and loads.
  const onnx = join(dir, 'conv.onnx');
  writeFileSync(onnx, onnxBytes());
  assert.equal(await checkModelFormat(onnx), 'onnx');
  const model = await loadModel(onnx);
  assert.equal(model.info.layers.some((l) => l.kind === 'conv'), true);
  model.dispose();
});

test('layer-lens layers --model x.tflite prints the one sentence and exits non-zero', () => {
  const dir = tempDir();
  const path = join(dir, 'x.tflite');
  writeFileSync(path, tfliteBytes());
  const r = runCli(['layers', '--model', path], 60_000);
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.includes(`${path} is a TensorFlow Lite model, which Layer Lens cannot open`), r.stderr);
  assert.ok(lines[0]!.includes(`python -m tf2onnx.convert --tflite ${path} --output x.onnx`), r.stderr);
});
