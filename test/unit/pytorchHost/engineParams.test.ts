// The engine checks the PyTorch requests' params itself, like every other method's: what the host sends passes,
// a bad field is one badArgument sentence naming the method and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerLensError } from '../../../src/shared/errors';
import { rejects } from '../engine/rejectsParams';
import { validateParams } from '../../../src/engine/validateParams';

const convert = (extra: object) => ({ path: '/w/net.pt', python: '/usr/bin/python3', inputShape: [1, 3, 224, 224], outPath: '/s/converted/x/net.onnx', ...extra });

test('what the host sends is accepted', () => {
  validateParams('pytorch.inspect', { path: '/w/net.pt', pythonCandidates: ['/venv/bin/python', 'python3', 'python'] });
  validateParams('pytorch.convert', convert({}));
  validateParams('torchvision.export', { name: 'mobilenet_v3_small', pretrained: true, outDir: '/s/torchvision/x', pythonCandidates: ['python3'] });
});

test('bad shapes, names and interpreter lists are refused before Python runs', () => {
  rejects('pytorch.convert', convert({ inputShape: [1, 3, 0, 224] }), /pytorch\.convert: params\.inputShape\[2\] must be from 1 to 4096 \(got 0\)/);
  rejects('pytorch.convert', convert({ inputShape: [1, 3, 2.5, 224] }), /inputShape\[2\] must be a whole number/);
  rejects('pytorch.convert', convert({ inputShape: [] }), /inputShape must have 1 to 6 entries \(has 0\)/);
  rejects('pytorch.convert', convert({ inputShape: [64, 64, 4096, 4096] }), /inputShape holds 68719476736 values; at most 67108864 are accepted/);
  rejects('pytorch.convert', convert({ python: '' }), /params\.python is empty/);
  rejects('pytorch.inspect', { path: '/w/net.pt', pythonCandidates: [] }, /pythonCandidates must have 1 to 8 entries \(has 0\)/);
  rejects('pytorch.inspect', { path: '/w/net.pt', pythonCandidates: [''] }, /pythonCandidates\[0\] must be an interpreter path or command name/);
  rejects('pytorch.inspect', { path: '/w/net.pt', pythonCandidates: 'python3' }, /pythonCandidates must be a list/);
  rejects('torchvision.export', { name: 'resnet18; rm -rf ~', pretrained: false, outDir: '/o', pythonCandidates: ['python3'] }, /params\.name must be a torchvision model name such as resnet18/);
  rejects('torchvision.export', { name: 'resnet18', pretrained: 'yes', outDir: '/o', pythonCandidates: ['python3'] }, /params\.pretrained must be true or false/);
});
