// scripts/gpuKit/py/torchCompat.py on the torch releases this machine does not have: a torch.onnx.export with a
// `dynamo` parameter (torch >= 2.5; True by default since 2.9) is called with dynamo=False, a later one without
// `training` does not get it, and this machine's export is wrapped only where it has `dynamo` (Debian's torch 1.13
// has not); TF32 goes off through whichever switches the release has.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';

const PYTHON = '/usr/bin/python3';

function python(code: string): string {
  const r = spawnSync(PYTHON, ['-c', code, join(repoRoot, 'scripts/gpuKit/py')], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.status !== 0 && /No module named 'torch'/.test(r.stderr)) {
    throw new Error(`${PYTHON} has no torch: install Debian's python3-torch python3-torchvision python3-onnx (scripts/installTorch.sh).`);
  }
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const FAKE = String.raw`
import sys, json
sys.path.insert(0, sys.argv[1])
import torch.onnx, torchCompat
seen = []
`;

describe('GPU kit torchCompat.py', () => {
  it('pins an export that has `dynamo` to the TorchScript exporter, and passes its other arguments on', () => {
    const out = python(`${FAKE}
def export(model, args=(), f=None, *, opset_version=None, dynamo=True, training=None, do_constant_folding=True):
    seen.append({'dynamo': dynamo, 'training': training, 'opset': opset_version, 'f': f})
torch.onnx.export = export
torchCompat.use_torchscript_onnx_export()
torchCompat.use_torchscript_onnx_export()
torch.onnx.export('m', 'x', 'out.onnx', opset_version=13, training='EVAL')
torch.onnx.export('m', 'x', 'out.onnx', opset_version=17, dynamo=True)
print(json.dumps(seen))`);
    assert.deepEqual(JSON.parse(out), [
      { dynamo: false, training: 'EVAL', opset: 13, f: 'out.onnx' },
      { dynamo: true, training: null, opset: 17, f: 'out.onnx' },
    ]);
  });

  it('drops `training` where the export no longer has it', () => {
    const out = python(`${FAKE}
def export(model, args=(), f=None, *, opset_version=None, dynamo=True):
    seen.append({'dynamo': dynamo, 'opset': opset_version})
torch.onnx.export = export
torchCompat.use_torchscript_onnx_export()
torch.onnx.export('m', 'x', 'out.onnx', opset_version=13, training='EVAL')
print(json.dumps(seen))`);
    assert.deepEqual(JSON.parse(out), [{ dynamo: false, opset: 13 }]);
  });

  it("wraps this machine's own export only where it has `dynamo` (Debian's torch 1.13 has not), and turns TF32 off", () => {
    const out = python(`${FAKE}
import inspect, torch
before = torch.onnx.export
has_dynamo = 'dynamo' in inspect.signature(before).parameters
torchCompat.use_torchscript_onnx_export()
print(json.dumps({'torch': torch.__version__, 'hasDynamo': has_dynamo, 'wrapped': torch.onnx.export is not before, 'precision': torchCompat.full_float32_precision()}))`);
    const r = JSON.parse(out) as { torch: string; hasDynamo: boolean; wrapped: boolean; precision: string };
    assert.equal(r.wrapped, r.hasDynamo, out);
    if (r.torch.startsWith('1.')) assert.deepEqual([r.hasDynamo, r.precision], [false, 'float32, TF32 off (allow_tf32 False)']);
    else assert.match(r.precision, /^float32, TF32 off \((fp32_precision ieee|allow_tf32 False)\)$/);
  });
});
