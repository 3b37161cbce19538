// Each named normalization against the formula of the framework it is named after (Keras's
// imagenet_utils.preprocess_input modes, torchvision's ToTensor + Normalize), and how the sidecar, settings and
// the ImageNet default combine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecodedImage } from '../../../src/core/image';
import { resolveInputSpec } from '../../../src/core/preprocess';
import { preprocessInto } from '../../../src/core/preprocess/preprocessInto';
import { LayerLensError } from '../../../src/shared/errors';
import type { InputSpec, LayerInfo, ModelInfo } from '../../../src/shared/model';
import { describePreprocessing, NORMALIZATION_NAMES, NORMALIZATIONS, type NormalizationName } from '../../../src/shared/preprocessing';

const PIXELS = [[0, 0, 0], [255, 255, 255], [12, 130, 201], [250, 3, 77]];

/** What each framework computes for one RGB pixel (0..255), in the channel order the model takes. */
const KERAS_AND_TORCHVISION: Record<NormalizationName, (rgb: number[]) => number[]> = {
  // Keras "caffe": RGB → BGR, then subtract the ImageNet mean per BGR channel, no scaling.
  caffe: ([r, g, b]) => [b! - 103.939, g! - 116.779, r! - 123.68],
  // Keras "tf": x / 127.5 − 1.
  tf: (rgb) => rgb.map((x) => x / 127.5 - 1),
  inception: (rgb) => rgb.map((x) => x / 127.5 - 1),
  // Keras "torch" and torchvision: x / 255, then (x − mean) / std.
  torch: (rgb) => rgb.map((x, i) => (x / 255 - [0.485, 0.456, 0.406][i]!) / [0.229, 0.224, 0.225][i]!),
  torchvision: (rgb) => rgb.map((x, i) => (x / 255 - [0.485, 0.456, 0.406][i]!) / [0.229, 0.224, 0.225][i]!),
  none: (rgb) => rgb.map((x) => x / 255),
  raw: (rgb) => rgb,
};

function image(): DecodedImage {
  const data = new Uint8ClampedArray(PIXELS.length * 4);
  PIXELS.forEach((p, i) => data.set([...p, 255], i * 4));
  return { width: PIXELS.length, height: 1, channels: 3, format: 'png', data, maxValue: 255 };
}

const layer = (id: string, outputShape: (number | null)[]): LayerInfo => ({ id, name: id, className: 'Gemm', kind: 'dense', outputShape, paramCount: 0 });

function info(over: Partial<ModelInfo> & { classes?: number } = {}): ModelInfo {
  const { classes = 1000, ...rest } = over;
  return {
    path: '/models/net.onnx', name: 'net', format: 'onnx', inputShape: [null, 224, 224, 3], nativeLayout: 'NCHW',
    layers: [layer('fc', [null, classes])], outputIds: ['fc'], paramCount: 0, warnings: [], ...rest,
  };
}

const sidecar = (json: unknown) => ({ fileName: 'net.layerlens.json', json });

test('every named normalization equals its framework formula to float32 rounding', () => {
  for (const name of NORMALIZATION_NAMES) {
    const spec: InputSpec = { height: 1, width: PIXELS.length, channels: 3, resize: 'stretch', normalize: name, ...NORMALIZATIONS[name] };
    const out = new Float32Array(PIXELS.length * 3);
    preprocessInto(image(), spec, out);
    PIXELS.forEach((p, i) => {
      const expected = KERAS_AND_TORCHVISION[name](p);
      expected.forEach((e, k) => assert.ok(Math.abs(out[i * 3 + k]! - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${name} pixel ${p} channel ${k}: ${out[i * 3 + k]} vs ${e}`));
    });
  }
});

test('a sidecar normalize expands to scale/mean/std/channelOrder; agreeing fields pass, conflicting ones are refused in a sentence', () => {
  const caffe = resolveInputSpec(info({ classes: 10 }), sidecar({ input: { normalize: 'caffe' } }));
  assert.deepEqual([caffe.scale, caffe.mean, caffe.std, caffe.channelOrder, caffe.normalize, caffe.origin?.normalize], [1, [103.939, 116.779, 123.68], [1], 'bgr', 'caffe', 'sidecar']);
  const agreeing = resolveInputSpec(info({ classes: 10 }), sidecar({ input: { normalize: 'torchvision', std: [0.229, 0.224, 0.225], scale: 0.00392156862745098 } }));
  assert.equal(agreeing.normalize, 'torchvision');
  const refused = (json: unknown, pattern: RegExp): void =>
    assert.throws(() => resolveInputSpec(info({ classes: 10 }), sidecar(json)), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && /net\.layerlens\.json/.test(e.message) && pattern.test(e.message));
  refused({ input: { normalize: 'tf', mean: [0.5] } }, /input\.normalize "tf" sets input\.mean to \[1\], but input\.mean gives \[0\.5\]; keep one\./);
  refused({ input: { normalize: 'caffe', channelOrder: 'rgb' } }, /channelOrder/);
  refused({ input: { normalize: 'imagenet' } }, /input\.normalize must be one of "torchvision", "torch", "caffe"/);
  refused({ input: { resize: 'stretch', resizeSize: 256 } }, /resizeSize applies only with input\.resize "shorterSideCenterCrop"/);
  // Settings replace the sidecar's whole normalization, not one field of it.
  const chosen = resolveInputSpec(info({ classes: 10 }), sidecar({ input: { normalize: 'caffe' } }), { normalize: 'tf', ...NORMALIZATIONS.tf });
  assert.deepEqual([chosen.scale, chosen.mean, chosen.channelOrder, chosen.origin?.normalize], [1 / 127.5, [1], 'rgb', 'settings']);
});

test("ImageNet-style ONNX classifiers default to torchvision's recipe and class names; a sidecar overrides each", () => {
  const plain = resolveInputSpec(info());
  assert.deepEqual([plain.resize, plain.resizeSize, plain.normalize, plain.labels?.length, plain.labels?.[0], plain.origin], [
    'shorterSideCenterCrop', 256, 'torchvision', 1000, 'tench', { resize: 'imagenet', normalize: 'imagenet', labels: 'imagenet' },
  ]);
  assert.equal(describePreprocessing(plain), 'resize shorter side to 256, center crop 224 · torchvision mean/std · default for ImageNet models');
  // TF-slim's 1001 outputs: background first.
  assert.deepEqual(resolveInputSpec(info({ classes: 1001 })).labels?.slice(0, 2), ['background', 'tench']);
  // Inception's 299 keeps torchvision's ratio: 342.
  assert.equal(resolveInputSpec(info({ inputShape: [null, 299, 299, 3] })).resizeSize, 342);
  // Not ImageNet-style: TF.js models, other class counts, non-square or gray inputs keep the plain defaults.
  for (const other of [info({ format: 'layers' }), info({ classes: 10 }), info({ inputShape: [null, 224, 160, 3] }), info({ inputShape: [null, 224, 224, 1] })]) {
    const s = resolveInputSpec(other);
    assert.deepEqual([s.resize, s.scale, s.origin?.resize], ['stretch', 1 / 255, 'default'], other.format + String(other.inputShape));
  }
  // A TF.js 1000-way classifier still gets the class names.
  assert.equal(resolveInputSpec(info({ format: 'layers' })).labels?.[1], 'goldfish');
  // A sidecar's resize and labels win; its normalization is left to the default for ImageNet models.
  const side = resolveInputSpec(info(), sidecar({ input: { resize: 'stretch' }, labels: Array.from({ length: 1000 }, (_, i) => `c${i}`) }));
  assert.deepEqual([side.resize, side.normalize, side.labels?.[0], side.origin], ['stretch', 'torchvision', 'c0', { resize: 'sidecar', normalize: 'imagenet', labels: 'sidecar' }]);
  assert.equal(describePreprocessing(side), 'squash to 224 (from the sidecar) · torchvision mean/std (default for ImageNet models)');
  const custom = resolveInputSpec(info(), sidecar({ input: { resize: 'shorterSideCenterCrop', resizeSize: 232, mean: 0.5, std: 0.5 } }));
  assert.equal(describePreprocessing(custom), 'resize shorter side to 232, center crop 224 · pixel /255, mean [0.5], std [0.5] · from the sidecar');
});
