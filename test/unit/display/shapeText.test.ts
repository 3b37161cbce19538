import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayKernelShape, displayShape, kernelOrderName, shapeLayoutName } from '../../../src/shared/shapeText';

test('an NCHW model shows a 4-D map channels first, with the batch of one it runs at', () => {
  // ResNet's conv1 output, held NHWC by the core with an open batch.
  assert.equal(displayShape([null, 112, 112, 64], 'NCHW'), '1×64×112×112');
  assert.equal(displayShape([1, 112, 112, 64], 'NCHW'), '1×64×112×112');
  assert.equal(displayShape([4, 7, 5, 3], 'NCHW'), '4×3×7×5');
});

test('an NHWC model shows a 4-D map channels last, with the open batch Keras prints as None', () => {
  assert.equal(displayShape([null, 112, 112, 64], 'NHWC'), '?×112×112×64');
  assert.equal(displayShape([1, 26, 26, 16], 'NHWC'), '1×26×26×16');
});

test('vectors and other ranks keep their order; only the open batch is written per framework', () => {
  assert.equal(displayShape([null, 1000], 'NCHW'), '1×1000');
  assert.equal(displayShape([null, 1000], 'NHWC'), '?×1000');
  // An ONNX Conv1d output [N, C, L] is already in PyTorch's order: not permuted.
  assert.equal(displayShape([null, 16, 50], 'NCHW'), '1×16×50');
  // [null] is a shape the core could not infer, not a batch.
  assert.equal(displayShape([null], 'NCHW'), '?');
  assert.equal(displayShape([null], 'NHWC'), '?');
  assert.equal(displayShape([], 'NHWC'), '');
});

test('a spatial size the model does not fix stays ? in both layouts', () => {
  assert.equal(displayShape([null, null, null, 3], 'NCHW'), '1×3×?×?');
  assert.equal(displayShape([null, null, null, 3], 'NHWC'), '?×?×?×3');
});

test('batch omitted: one image\'s map, in the framework\'s order', () => {
  assert.equal(displayShape([null, 112, 112, 64], 'NCHW', { batch: 'omit' }), '64×112×112');
  assert.equal(displayShape([1, 112, 112, 64], 'NHWC', { batch: 'omit' }), '112×112×64');
  assert.equal(displayShape([null, 10], 'NHWC', { batch: 'omit' }), '10');
});

test('conv kernels as PyTorch stores conv.weight (OIHW) and as Keras stores kernel (HWIO)', () => {
  // ResNet conv1: 64 filters of 7×7 over RGB, held HWIO.
  assert.equal(displayKernelShape([7, 7, 3, 64], 'NCHW', 'conv'), '64×3×7×7');
  assert.equal(displayKernelShape([7, 7, 3, 64], 'NHWC', 'conv'), '7×7×3×64');
  assert.equal(kernelOrderName([7, 7, 3, 64], 'NCHW', 'conv'), 'OIHW');
  assert.equal(kernelOrderName([7, 7, 3, 64], 'NHWC', 'conv'), 'HWIO');
  // A grouped conv (groups 4, 8 in channels per group) keeps in/groups, as torch does.
  assert.equal(displayKernelShape([3, 3, 8, 32], 'NCHW', 'conv'), '32×8×3×3');
});

test('depthwise kernels: PyTorch [C·m, 1, kh, kw], Keras depthwise_kernel [kh, kw, C, m]', () => {
  // MobileNetV2's 3×3 depthwise conv over 32 channels, multiplier 1; and a multiplier of 2.
  assert.equal(displayKernelShape([3, 3, 32, 1], 'NCHW', 'depthwiseConv'), '32×1×3×3');
  assert.equal(displayKernelShape([3, 3, 32, 2], 'NCHW', 'depthwiseConv'), '64×1×3×3');
  assert.equal(displayKernelShape([3, 3, 32, 1], 'NHWC', 'depthwiseConv'), '3×3×32×1');
  assert.equal(kernelOrderName([3, 3, 32, 1], 'NHWC', 'depthwiseConv'), 'HWCM');
  assert.equal(kernelOrderName([3, 3, 32, 1], 'NCHW', 'depthwiseConv'), 'OIHW');
});

test('layout names are given for 4-D shapes only', () => {
  assert.equal(shapeLayoutName([null, 1, 2, 3], 'NCHW'), 'NCHW');
  assert.equal(shapeLayoutName([null, 1000], 'NCHW'), '');
  assert.equal(kernelOrderName([5, 5], 'NCHW'), '');
  assert.equal(displayKernelShape([5, 5], 'NCHW'), '5×5');
});
