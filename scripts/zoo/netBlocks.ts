// Building blocks of the zoo's Keras-style networks, written with tfjs-layers as Keras applications write them
// (conv → BatchNormalization → activation, inverted residuals, squeeze-excite, separable convs).
import * as tfl from '@tensorflow/tfjs-layers';

export type T = tfl.SymbolicTensor;
const L = tfl.layers;

type Act = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'swish' | 'hardSigmoid' | 'softmax';

export interface ConvOptions {
  strides?: number;
  padding?: 'same' | 'valid';
  dilation?: number;
  activation?: Act;
  bias?: boolean;
}

function apply(layer: tfl.layers.Layer, x: T | T[]): T {
  return layer.apply(x) as T;
}

export function conv(x: T, name: string, filters: number, kernel: number | [number, number], o: ConvOptions = {}): T {
  return apply(
    L.conv2d({
      name, filters, kernelSize: kernel, strides: o.strides ?? 1, padding: o.padding ?? 'same', dilationRate: o.dilation ?? 1,
      activation: o.activation ?? 'linear', useBias: o.bias ?? true,
    }),
    x,
  );
}

export function depthwise(x: T, name: string, kernel: number, o: ConvOptions = {}): T {
  return apply(
    L.depthwiseConv2d({
      name, kernelSize: kernel, strides: o.strides ?? 1, padding: o.padding ?? 'same', dilationRate: o.dilation ?? 1,
      activation: o.activation ?? 'linear', useBias: o.bias ?? true,
    }),
    x,
  );
}

export function separable(x: T, name: string, filters: number, kernel: number, o: ConvOptions = {}): T {
  return apply(
    L.separableConv2d({
      name, filters, kernelSize: kernel, strides: o.strides ?? 1, padding: o.padding ?? 'same', dilationRate: o.dilation ?? 1,
      activation: o.activation ?? 'linear', useBias: o.bias ?? true,
    }),
    x,
  );
}

export function bn(x: T, name: string, scale = true): T {
  return apply(L.batchNormalization({ name, scale, epsilon: 1e-3 }), x);
}

export function act(x: T, name: string, a: Act | 'hardSwish'): T {
  if (a === 'linear') return x;
  if (a === 'relu6') return apply(L.reLU({ name, maxValue: 6 }), x);
  // Keras's MobileNetV3 writes hard-swish as x · hard_sigmoid(x) with two layers.
  if (a === 'hardSwish') return multiply([x, act(x, `${name}_gate`, 'hardSigmoid')], `${name}`);
  return apply(L.activation({ name, activation: a as 'relu' }), x);
}

export function convBnAct(x: T, name: string, filters: number, kernel: number | [number, number], a: Act | 'hardSwish', o: ConvOptions = {}, scale = true): T {
  return act(bn(conv(x, name, filters, kernel, { ...o, bias: false }), `${name}_bn`, scale), `${name}_${a}`, a);
}

export function dwBnAct(x: T, name: string, kernel: number, a: Act | 'hardSwish', o: ConvOptions = {}): T {
  return act(bn(depthwise(x, name, kernel, { ...o, bias: false }), `${name}_bn`), `${name}_${a}`, a);
}

export function add(xs: T[], name: string): T {
  return apply(L.add({ name }), xs);
}

export function multiply(xs: T[], name: string): T {
  return apply(L.multiply({ name }), xs);
}

export function concat(xs: T[], name: string): T {
  return apply(L.concatenate({ name, axis: -1 }), xs);
}

export function maxPool(x: T, name: string, size: number, strides: number, padding: 'same' | 'valid' = 'valid'): T {
  return apply(L.maxPooling2d({ name, poolSize: size, strides, padding }), x);
}

export function avgPool(x: T, name: string, size: number, strides: number, padding: 'same' | 'valid' = 'valid'): T {
  return apply(L.averagePooling2d({ name, poolSize: size, strides, padding }), x);
}

export function zeroPad(x: T, name: string, pad: [[number, number], [number, number]]): T {
  return apply(L.zeroPadding2d({ name, padding: pad }), x);
}

/** Squeeze-excite: global pool → 1×1 reduce (ReLU) → 1×1 expand (gate) → scale the input's channels. */
export function squeezeExcite(x: T, name: string, channels: number, squeezed: number, gate: 'sigmoid' | 'hardSigmoid'): T {
  const pooled = apply(L.globalAveragePooling2d({ name: `${name}_pool` }), x);
  const shaped = apply(L.reshape({ name: `${name}_reshape`, targetShape: [1, 1, channels] }), pooled);
  const reduced = conv(shaped, `${name}_reduce`, squeezed, 1, { activation: 'relu' });
  const expanded = conv(reduced, `${name}_expand`, channels, 1, { activation: gate });
  return multiply([x, expanded], `${name}_scale`);
}

/** Inverted residual (MobileNetV2): 1×1 expand, 3×3 depthwise (Keras pads explicitly before a strided one), 1×1 project. */
export function invertedResidual(x: T, name: string, inC: number, outC: number, expand: number, strides: number): T {
  let y = x;
  if (expand !== 1) y = convBnAct(y, `${name}_expand`, inC * expand, 1, 'relu6');
  if (strides === 2) y = zeroPad(y, `${name}_pad`, [[0, 1], [0, 1]]);
  y = dwBnAct(y, `${name}_depthwise`, 3, 'relu6', { strides, padding: strides === 2 ? 'valid' : 'same' });
  y = bn(conv(y, `${name}_project`, outC, 1, { bias: false }), `${name}_project_bn`);
  return inC === outC && strides === 1 ? add([x, y], `${name}_add`) : y;
}

/** Global average pool → Dense logits → softmax: the classifier head every classification zoo model ends with. */
export function classifierHead(x: T, classes: number): T {
  const pooled = apply(L.globalAveragePooling2d({ name: 'avg_pool' }), x);
  const logits = apply(L.dense({ name: 'logits', units: classes }), pooled);
  return apply(L.activation({ name: 'predictions', activation: 'softmax' }), logits);
}

export function upsample(x: T, name: string, factor: number, interpolation: 'nearest' | 'bilinear'): T {
  return apply(L.upSampling2d({ name, size: [factor, factor], interpolation }), x);
}

export function convTranspose(x: T, name: string, filters: number, kernel: number, strides: number, a: Act = 'relu'): T {
  return apply(L.conv2dTranspose({ name, filters, kernelSize: kernel, strides, padding: 'same', activation: a as 'relu' }), x);
}

export function crop(x: T, name: string, c: number): T {
  return apply(L.cropping2D({ name, cropping: [[c, c], [c, c]] }), x);
}

export function input(size: number, channels: number): T {
  return tfl.input({ shape: [size, size, channels], name: 'input' });
}

export function model(inputs: T, outputs: T, name: string): tfl.LayersModel {
  return tfl.model({ inputs, outputs, name });
}
