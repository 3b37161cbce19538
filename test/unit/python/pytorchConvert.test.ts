// PyTorch files converted to ONNX with Debian's torch (/usr/bin/python3): a TorchScript ResNet-18 and a pickled
// custom module match PyTorch's own outputs and module outputs (relative L2 <= 1e-4) with PyTorch's module names
// as layer ids; a state dict, a file that is not PyTorch's and a class that cannot be imported each get their
// sentence; a cancel kills Python; the CLI's convert and layers take a .pt; a torchvision export opens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readNpy, type NpyArray } from '../../../src/core/io/npy';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { readSidecar } from '../../../src/core/node/readSidecar';
import { resolveInputSpec } from '../../../src/core/preprocess/inputSpec';
import { convertPytorchToOnnx } from '../../../src/core/node/python/convertPytorch';
import { exportTorchvision } from '../../../src/core/node/python/exportTorchvision';
import { findTorchPython } from '../../../src/core/node/python/findPython';
import { liveHelperPids } from '../../../src/core/node/python/runPython';
import { LayerLensError } from '../../../src/shared/errors';
import { useBackend } from '../../helpers/backend';
import { runCli } from '../../helpers/runCli';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'sudo apt-get install python3-torch python3-torchvision python3-onnx (scripts/installTorch.sh)';

// The test's own PyTorch side: the models, their input and PyTorch's outputs (float64 references stored as float32).
const MAKE_MODELS = String.raw`
import os, sys
import numpy as np
import torch, torchvision
from torch import nn
out = sys.argv[1]
sys.path.insert(0, out)
torch.manual_seed(0)

def calibrate(model, shape):
    # BatchNorm statistics from one random batch: activations stay of order 1 through the random network.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats(); m.momentum = None
    model.train()
    with torch.no_grad():
        model(torch.rand([4] + shape[1:]))
    model.eval()

def references(model, x, names, prefix):
    mods = dict(model.named_modules())
    got = {}
    hooks = [mods[n].register_forward_hook(lambda _m, _i, o, n=n: got.setdefault(n, o.detach().clone())) for n in names]
    with torch.no_grad():
        y = model.double()(x.double())
    for h in hooks: h.remove()
    model.float()
    np.save(os.path.join(out, prefix + '.input.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(out, prefix + '.output.npy'), y.float().numpy())
    for n in names:
        np.save(os.path.join(out, prefix + '.' + n + '.npy'), got[n].float().numpy())

r18 = torchvision.models.resnet18()
calibrate(r18, [1, 3, 224, 224])
references(r18, torch.rand(1, 3, 224, 224), ['layer1', 'layer3.0', 'avgpool'], 'resnet18')
torch.jit.script(r18).save(os.path.join(out, 'resnet18_scripted.pt'))

with open(os.path.join(out, 'mymodels.py'), 'w') as f:
    f.write('''
import torch
from torch import nn
class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(16, 5)
    def forward(self, x):
        return self.head(torch.flatten(self.pool(self.features(x)), 1))
''')
with open(os.path.join(out, 'vanishing.py'), 'w') as f:
    f.write('from torch import nn\nclass Gone(nn.Module):\n    def forward(self, x):\n        return x\n')
import mymodels, vanishing
tiny = mymodels.TinyNet().eval()
references(tiny, torch.rand(1, 3, 32, 32), ['features.0', 'features.2', 'pool'], 'tiny')
torch.save(tiny, os.path.join(out, 'tiny.pt'))
torch.save({'epoch': 3, 'model_state_dict': tiny.state_dict()}, os.path.join(out, 'tiny_checkpoint.pth'))
torch.save(vanishing.Gone(), os.path.join(out, 'gone.pt'))
os.remove(os.path.join(out, 'vanishing.py'))
`;

let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-pytorch-'));
  const r = spawnSync(PYTHON, ['-c', MAKE_MODELS, dir], { encoding: 'utf8', timeout: 240_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? '');
    throw new Error(`${PYTHON} with torch and torchvision is needed (${why}); install them: ${INSTALL}`);
  }
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  await useBackend('wasm');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function npy(name: string): NpyArray {
  return readNpy(readFileSync(join(dir, name)), name);
}

/** Relative L2 error of a core tensor (NHWC for 4-D) against an NCHW reference. */
function relL2(got: tf.Tensor, ref: NpyArray): number {
  const data = tf.tidy(() => (got.rank === 4 ? tf.transpose(got, [0, 3, 1, 2]) : got).dataSync());
  if (data.length !== ref.data.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < data.length; i++) {
    num += (data[i] - ref.data[i]) ** 2;
    den += ref.data[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** Loads the ONNX and compares its output and the named modules' outputs with PyTorch's. */
async function matchesPytorch(onnxPath: string, prefix: string, modules: string[]): Promise<void> {
  const model = await loadModel(onnxPath);
  try {
    const x = npy(`${prefix}.input.npy`);
    const input = tf.tidy(() => tf.transpose(tf.tensor4d(x.data, x.shape as [number, number, number, number]), [0, 2, 3, 1]));
    const ids = [...modules, ...model.info.outputIds];
    const outs = model.forward(input, ids);
    const refs = [...modules.map((m) => `${prefix}.${m}.npy`), `${prefix}.output.npy`];
    outs.forEach((o, i) => {
      const err = relL2(o, npy(refs[i]));
      assert.ok(err <= 1e-4, `${prefix} ${ids[i]}: relative L2 error ${err}`);
    });
    tf.dispose([...outs, input]);
  } finally {
    model.dispose();
  }
}

async function rejection(p: Promise<unknown>): Promise<LayerLensError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LayerLensError, `not our error: ${String(err)}`);
    return err;
  }
  assert.fail('it did not fail');
}

test('the Python with torch is found after a candidate that does not exist; none at all is one sentence', async () => {
  const found = await findTorchPython(['/nonexistent/python3', PYTHON]);
  assert.equal(found.python, PYTHON);
  assert.match(found.torchVersion, /^\d+\.\d+/);
  const err = await rejection(findTorchPython(['/nonexistent/python3']));
  assert.equal(err.code, 'noPython');
  assert.match(err.message, /^No Python with PyTorch was found \(tried \/nonexistent\/python3 \(not found\)\); install torch/);
});

test('a TorchScript ResNet-18 converts with its module names and matches PyTorch (output and modules <= 1e-4)', async () => {
  const progress: string[] = [];
  const done = await convertPytorchToOnnx({ python: PYTHON, modelPath: join(dir, 'resnet18_scripted.pt'), inputShape: [1, 3, 224, 224], outPath: join(dir, 'out', 'resnet18.onnx'), onProgress: (m) => progress.push(m) });
  assert.equal(done.kind, 'torchscript');
  assert.ok(progress.some((m) => m.startsWith('Exporting to ONNX')), progress.join(' | '));
  assert.deepEqual(readdirNames(join(dir, 'out')), ['resnet18.onnx'], 'only the finished file, no partial one');
  const model = await loadModel(done.onnxPath);
  const ids = model.info.layers.map((l) => l.id);
  model.dispose();
  for (const id of ['conv1', 'layer1.0.conv1', 'layer1.1.conv2', 'layer2.0.downsample.0', 'layer4.1', 'fc']) assert.ok(ids.includes(id), `${id} missing from ${ids.slice(0, 12).join(', ')}…`);
  await matchesPytorch(done.onnxPath, 'resnet18', ['layer1', 'layer3.0', 'avgpool']);
});

test('CLI: convert takes a pickled custom module (its class beside it), layers --model x.pt reuses the cached conversion', async () => {
  const out = join(dir, 'cli', 'tiny.onnx');
  const r = runCli(['convert', '--model', join(dir, 'tiny.pt'), '--input-shape', '1,3,32,32', '--out', out, '--python', PYTHON], 240_000);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Wrote .*tiny\.onnx \(pickled module mymodels\.TinyNet, input 1×3×32×32, opset 13\)\n$/);
  await matchesPytorch(out, 'tiny', ['features.0', 'features.2', 'pool']);
  // No Python this time (a Python that does not exist would fail): the conversion comes from the cache.
  const layers = runCli(['layers', '--model', join(dir, 'tiny.pt'), '--input-shape', '1,3,32,32', '--python', '/nonexistent/python3']);
  assert.equal(layers.status, 0, layers.stderr);
  assert.match(layers.stdout, /^tiny \(onnx\), input 1×3×32×32/);
  for (const id of ['features.0', 'features.3', 'pool', 'head']) assert.match(layers.stdout, new RegExp(`^\\s*${id.replace('.', '\\.')}\\s`, 'm'));
  assert.ok(!existsSync(join(dir, 'tiny.onnx')), 'nothing is written beside the user file');
});

test('a state dict is one sentence (weights without the architecture) with a copyable export snippet', async () => {
  const err = await rejection(convertPytorchToOnnx({ python: PYTHON, modelPath: join(dir, 'tiny_checkpoint.pth'), inputShape: [1, 3, 32, 32], outPath: join(dir, 'out', 'sd.onnx') }));
  assert.equal(err.code, 'notAModel');
  assert.match(err.message, /^tiny_checkpoint\.pth is a state dict \(under "model_state_dict"\), 6 tensors such as features\.0\.weight, features\.0\.bias, features\.3\.weight: it holds weights without the architecture/);
  assert.match(err.snippet ?? '', /model\.load_state_dict\(torch\.load\("tiny_checkpoint\.pth", map_location="cpu"\)\["model_state_dict"\]\)/);
  assert.match(err.snippet ?? '', /torch\.jit\.script\(model\)\.save\("tiny_checkpoint_torchscript\.pt"\)/);
  assert.equal(err.toPayload().snippet, err.snippet);
});

test('a file that is not PyTorch\'s, a class that is gone and an input shape the model does not take are one sentence each', async () => {
  writeFileSync(join(dir, 'notes.pt'), 'just some text\n');
  const notPt = await rejection(convertPytorchToOnnx({ python: PYTHON, modelPath: join(dir, 'notes.pt'), inputShape: [1, 3, 32, 32], outPath: join(dir, 'out', 'n.onnx') }));
  assert.equal(notPt.code, 'notAModel');
  assert.match(notPt.message, /^notes\.pt is not a PyTorch model file/);
  const gone = await rejection(convertPytorchToOnnx({ python: PYTHON, modelPath: join(dir, 'gone.pt'), inputShape: [1, 3, 8, 8], outPath: join(dir, 'out', 'g.onnx') }));
  assert.equal(gone.code, 'conversionFailed');
  assert.equal(
    gone.message,
    `gone.pt is a pickled module whose class vanishing.Gone cannot be imported by ${PYTHON} ("ModuleNotFoundError: No module named 'vanishing'"); run from the folder that has its code, or save the model as TorchScript (torch.jit.script(model).save(...)).`,
  );
  const shape = await rejection(convertPytorchToOnnx({ python: PYTHON, modelPath: join(dir, 'tiny.pt'), inputShape: [1, 1, 32, 32], outPath: join(dir, 'out', 't.onnx'), shapeHint: 'with --input-shape' }));
  assert.equal(shape.code, 'badArgument');
  assert.match(shape.message, /^tiny\.pt does not run on an input of shape 1×1×32×32 \("RuntimeError: .*expected input\[1, 1, 32, 32\] to have 3 channels.*"\); give the input shape it takes with --input-shape\.$/);
});

test('a cancelled conversion ends its Python process at once and leaves no file', async () => {
  const controller = new AbortController();
  const before = new Set(liveHelperPids);
  const running = convertPytorchToOnnx({ python: PYTHON, modelPath: join(dir, 'resnet18_scripted.pt'), inputShape: [1, 3, 224, 224], outPath: join(dir, 'cancelled', 'r.onnx'), signal: controller.signal });
  await new Promise((r) => setTimeout(r, 300));
  const pid = [...liveHelperPids].find((p) => !before.has(p));
  assert.ok(pid !== undefined, 'the conversion started a Python process');
  controller.abort();
  const err = await rejection(running);
  assert.equal(err.code, 'cancelled');
  for (let i = 0; i < 50 && liveHelperPids.has(pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!liveHelperPids.has(pid), 'the process was reaped');
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the process is gone');
  assert.deepEqual(readdirNames(join(dir, 'cancelled')), []);
});

test('a torchvision MobileNetV2 (random weights, offline) exports with its module tree and a preprocessing sidecar', async () => {
  const done = await exportTorchvision({ python: PYTHON, name: 'mobilenet_v2', pretrained: false, outDir: join(dir, 'tv') });
  assert.deepEqual(done.inputShape, [1, 3, 224, 224]);
  const sidecar = JSON.parse(readFileSync(done.sidecarPath, 'utf8')) as { input: Record<string, unknown> };
  // The resize of the weights torchvision would load: 256, or 232 for the newer IMAGENET1K_V2 weights (0.13+).
  const { resizeSize, ...input } = sidecar.input;
  assert.ok(resizeSize === 256 || resizeSize === 232, `resizeSize ${String(resizeSize)}`);
  assert.deepEqual(input, { height: 224, width: 224, channels: 3, resize: 'shorterSideCenterCrop', normalize: 'torchvision' });
  const model = await loadModel(done.modelPath);
  try {
    const ids = model.info.layers.map((l) => l.id);
    for (const id of ['features', 'features.0', 'features.0.0', 'features.1.conv.0.0', 'features.18', 'classifier.1']) assert.ok(ids.includes(id), `${id} missing`);
    assert.deepEqual(model.info.outputIds.map((id) => model.info.layers.find((l) => l.id === id)?.outputShape), [[null, 1000]]);
    // What the panels and the CLI then apply: torchvision's crop and mean/std from the sidecar, ImageNet's names.
    const spec = resolveInputSpec(model.info, await readSidecar(done.modelPath));
    assert.equal(spec.resize, 'shorterSideCenterCrop');
    assert.equal(spec.resizeSize, resizeSize);
    assert.deepEqual(spec.std, [0.229, 0.224, 0.225]);
    assert.equal(spec.labels?.length, 1000);
  } finally {
    model.dispose();
  }
  const unknown = await rejection(exportTorchvision({ python: PYTHON, name: 'resnet_does_not_exist', pretrained: false, outDir: join(dir, 'tv') }));
  assert.equal(unknown.code, 'badArgument');
  assert.match(unknown.message, /^torchvision has no classification model named resnet_does_not_exist; it has \d+, for example /);
});

function readdirNames(path: string): string[] {
  return existsSync(path) ? readdirSync(path).sort() : [];
}
