// Every ONNX fixture (made by `npm run fixtures`: torchvision architectures and small purpose-built nets with
// seeded random weights) has its output and listed intermediate modules match PyTorch (relative L2 <= 1e-4) on
// wasm; fixturesCpu.test.ts does the same on cpu (a file of its own, so the unit runner can run the two side by side).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../helpers/backend';
import { checkFixtureModel, fixtureIndex, fixtureNpy } from './fixtureData';

describe('ONNX fixture set', () => {
  it('covers the architectures, input channel counts and opsets the importer must handle', () => {
    const models = fixtureIndex.models;
    const names = Object.keys(models);
    for (const arch of ['googlenet', 'alexnet', 'mobilenet_v2', 'squeezenet', 'resnet18', 'efficientnet_b0', 'densenet121',
      'convnext_tiny', 'shufflenet_v2', 'regnet_x_400mf', 'inception_v3', 'dilated', 'grouped', 'conv_transpose']) {
      assert.ok(names.some((n) => n.startsWith(arch)), `no fixture for ${arch}`);
    }
    const channels = new Set(Object.values(models).map((m) => m.input_shape_nchw[1]));
    for (const c of [1, 3, 4]) assert.ok(channels.has(c), `no fixture with ${c}-channel input`);
    const opsets = new Set(Object.values(models).map((m) => m.opset));
    for (const o of [13, 17]) assert.ok(opsets.has(o), `no fixture at opset ${o}`);
    assert.equal(models.inception_v3.input_shape_nchw[2], 299);
  });

  it('has outputs of order 1 that vary (not a constant or exploding net)', () => {
    for (const [name, m] of Object.entries(fixtureIndex.models)) {
      const y = fixtureNpy(m.output).data;
      const mean = y.reduce((a, b) => a + b, 0) / y.length;
      const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
      const absmax = y.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
      assert.ok(std > 0.05 && absmax < 100, `${name}: output std ${std}, absmax ${absmax}`);
    }
  });
});

describe('ONNX fixtures on wasm', () => {
  before(async () => {
    await useBackend('wasm');
  });
  for (const name of Object.keys(fixtureIndex.models)) {
    it(`${name} matches PyTorch`, () => checkFixtureModel(name));
  }
});
