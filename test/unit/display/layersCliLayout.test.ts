// `layer-lens layers` shows each model as its framework does: a PyTorch-exported ONNX net channels first with
// OIHW kernels, the sample TF.js model channels last with HWIO kernels. The CLIs run at once (about 15 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { onnxFixture, repoRoot, sampleModelDir } from '../../helpers/paths';

function layers(model: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'layers', '--model', model, '--backend', 'cpu'], { cwd: repoRoot, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`layers --model ${model} failed: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

// Started together: the two model loads overlap instead of adding up.
const resnet = layers(onnxFixture('resnet18.onnx'));
const sample = layers(join(sampleModelDir, 'model.json'));
const grouped = layers(onnxFixture('grouped_conv.onnx'));
// A rejection is reported by the test that awaits it, not as an unhandled one before it.
resnet.catch(() => undefined);
sample.catch(() => undefined);
grouped.catch(() => undefined);

test('an ONNX ResNet-18 from PyTorch is listed NCHW: conv1 1×64×112×112, kernel 64×3×7×7 (OIHW)', async () => {
  const out = await resnet;
  assert.match(out.split('\n')[0] ?? '', /^resnet18 \(onnx\), input 1×3×224×224 \(NCHW\), /);
  assert.match(out, /\nconv1\s+Conv\s+1×64×112×112\s+9472 {2}kernel 64×3×7×7 \(OIHW\)\n/);
  assert.match(out, /\nfc\s+Gemm\s+1×1000\s/);
  assert.doesNotMatch(out, /\?×/, 'no TF-style open batch in a PyTorch model');
});

test('the sample TF.js model is listed NHWC: conv1 ?×26×26×16, kernel 3×3×1×16 (HWIO)', async () => {
  const out = await sample;
  assert.match(out.split('\n')[0] ?? '', /^mnist-cnn \(layers\), input \?×28×28×1 \(NHWC\), /);
  assert.match(out, /\nconv1\s+Conv2D\s+\?×26×26×16\s+160 {2}kernel 3×3×1×16 \(HWIO\)\n/);
  assert.match(out, /\nfc\s+Dense\s+\?×10\s/);
});

test('grouped and depthwise convs read as torch\'s conv.weight.shape: [out, in / groups, kh, kw]', async () => {
  const out = await grouped;
  // nn.Conv2d(12, 24, 3, groups=4), (24, 24, 3, groups=24), (24, 48, 5, groups=24), (48, 16, 1, groups=2).
  assert.match(out, /\ngroup4\s+Conv\s+1×24×24×24\s+\d+ {2}kernel 24×3×3×3 \(OIHW\)\n/);
  assert.match(out, /\ndepthwise\s+Conv\s+1×24×12×12\s+\d+ {2}kernel 24×1×3×3 \(OIHW\)\n/);
  assert.match(out, /\nmultiplier\s+Conv\s+1×48×12×12\s+\d+ {2}kernel 48×1×5×5 \(OIHW\)\n/);
  assert.match(out, /\ngroup2\s+Conv\s+1×16×12×12\s+\d+ {2}kernel 16×24×1×1 \(OIHW\)\n/);
});
