// A zoo network's GraphModel twin: the same computation and weights, written as TensorFlow's converter writes a
// Keras model. Two styles, as real exports come:
// - 'fused': BatchNorm folded into the conv before it, and conv + bias + ReLU/ReLU6 as one `_FusedConv2D` or
//   `FusedDepthwiseConv2dNative` (fused_ops [BiasAdd, Relu6]); Dense as `_FusedMatMul`.
// - 'plain': `Conv2D`/`DepthwiseConv2dNative` + `BiasAdd`, `FusedBatchNormV3`, separate activations.
// Both write swish as Sigmoid · x, hard-sigmoid as Relu6(1.2x + 3) / 6, global pooling as `Mean`, Keras padding as
// `Pad`, upsampling as `ResizeBilinear`/`ResizeNearestNeighbor`, crops as `StridedSlice`, and a transposed conv as
// `Conv2DBackpropInput` with its output size packed from the input's dynamic batch (Shape → StridedSlice → Pack).
import type * as tfl from '@tensorflow/tfjs-layers';
import { attr, GraphWriter } from './graphWriter';

export type GraphStyle = 'fused' | 'plain';
type Layer = tfl.layers.Layer;
type Config = Record<string, unknown>;

const ACTIVATIONS: Record<string, string> = {
  relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', swish: 'swish', hardSigmoid: 'hardSigmoid', hard_sigmoid: 'hardSigmoid',
  softmax: 'softmax', linear: 'linear',
};

function activationOf(layer: Layer): string {
  const cls = layer.getClassName();
  const config = layer.getConfig() as Config;
  if (cls === 'ReLU') return config.maxValue === 6 ? 'relu6' : 'relu';
  const a = String(config.activation ?? 'linear');
  const known = ACTIVATIONS[a];
  if (!known) throw new Error(`toGraph: activation ${a} of ${layer.name} has no graph form here`);
  return known;
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)]);
const padding = (layer: Layer): string => String((layer.getConfig() as Config).padding ?? 'valid').toUpperCase();

function weightsByName(layer: Layer): Map<string, { data: Float32Array; shape: number[] }> {
  const values = layer.getWeights();
  return new Map(layer.weights.map((w, i) => {
    const suffix = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
    const t = values[i];
    return [suffix, { data: Float32Array.from(t.dataSync()), shape: t.shape.slice() }];
  }));
}

export function toGraph(model: tfl.LayersModel, style: GraphStyle): GraphWriter {
  const g = new GraphWriter();
  const consumers = new Map<string, Layer[]>();
  const inputsOf = (layer: Layer): tfl.SymbolicTensor[] => (layer.getClassName() === 'InputLayer' ? [] : (layer.inboundNodes[0]?.inputTensors ?? []));
  for (const layer of model.layers) {
    for (const t of inputsOf(layer)) {
      const list = consumers.get(t.sourceLayer.name) ?? [];
      list.push(layer);
      consumers.set(t.sourceLayer.name, list);
    }
  }
  const only = (layer: Layer): Layer | undefined => {
    const list = consumers.get(layer.name) ?? [];
    return list.length === 1 ? list[0] : undefined;
  };
  /** Graph node whose output stands for each layer's output. */
  const out = new Map<string, string>();
  const absorbed = new Set<string>();
  const scalar = (name: string, v: number): string => g.constFloat(name, Float32Array.of(v), []);

  const activation = (prefix: string, x: string, a: string): string => {
    switch (a) {
      case 'linear': return x;
      case 'relu': return g.op(`${prefix}/Relu`, 'Relu', [x], { T: attr.T });
      case 'relu6': return g.op(`${prefix}/Relu6`, 'Relu6', [x], { T: attr.T });
      case 'sigmoid': return g.op(`${prefix}/Sigmoid`, 'Sigmoid', [x], { T: attr.T });
      case 'softmax': return g.op(`${prefix}/Softmax`, 'Softmax', [x], { T: attr.T });
      case 'swish': {
        const s = g.op(`${prefix}/Sigmoid`, 'Sigmoid', [x], { T: attr.T });
        return g.op(`${prefix}/mul`, 'Mul', [x, s], { T: attr.T });
      }
      case 'hardSigmoid': {
        // Keras's hard_sigmoid clip(0.2x + 0.5, 0, 1) = Relu6(1.2x + 3) / 6.
        const m = g.op(`${prefix}/mul`, 'Mul', [x, scalar(`${prefix}/mul/y`, 1.2)], { T: attr.T });
        const a3 = g.op(`${prefix}/add`, 'AddV2', [m, scalar(`${prefix}/add/y`, 3)], { T: attr.T });
        const r = g.op(`${prefix}/Relu6`, 'Relu6', [a3], { T: attr.T });
        return g.op(`${prefix}/truediv`, 'Mul', [r, scalar(`${prefix}/truediv/y`, 1 / 6)], { T: attr.T });
      }
      default: throw new Error(`toGraph: no graph form for ${a}`);
    }
  };

  const batchNorm = (prefix: string, x: string, bnLayer: Layer): string => {
    const w = weightsByName(bnLayer);
    const mean = w.get('moving_mean') as { data: Float32Array; shape: number[] };
    const n = mean.data.length;
    const scale = w.get('gamma')?.data ?? new Float32Array(n).fill(1);
    const offset = w.get('beta')?.data ?? new Float32Array(n);
    const eps = Number((bnLayer.getConfig() as Config).epsilon);
    return g.op(`${prefix}/FusedBatchNormV3`, 'FusedBatchNormV3', [
      x, g.constFloat(`${prefix}/gamma`, scale, [n]), g.constFloat(`${prefix}/beta`, offset, [n]),
      g.constFloat(`${prefix}/moving_mean`, mean.data, [n]), g.constFloat(`${prefix}/moving_variance`, (w.get('moving_variance') as { data: Float32Array }).data, [n]),
    ], { T: attr.T, U: attr.T, epsilon: attr.float(eps), data_format: attr.str('NHWC'), is_training: attr.bool(false) });
  };

  /** A conv (plain or depthwise) with its bias, the BatchNorm after it folded in and the ReLU after that fused ('fused' style). */
  const convolution = (layer: Layer, prefix: string, x: string, filter: { data: Float32Array; shape: number[] }, bias: Float32Array | undefined, depthwise: boolean, strides: [number, number], dilation: [number, number], pad: string, act: string): string => {
    const outC = depthwise ? (filter.shape[2] as number) * (filter.shape[3] as number) : (filter.shape[3] as number);
    const convAttrs = {
      T: attr.T, strides: attr.ints([1, strides[0], strides[1], 1]), padding: attr.str(pad), data_format: attr.str('NHWC'),
      dilations: attr.ints([1, dilation[0], dilation[1], 1]), explicit_paddings: { list: {} },
    };
    if (style === 'plain') {
      let y = g.op(`${prefix}/${depthwise ? 'depthwise' : 'Conv2D'}`, depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', [x, g.constFloat(`${prefix}/kernel`, filter.data, filter.shape)], convAttrs);
      if (bias) y = g.op(`${prefix}/BiasAdd`, 'BiasAdd', [y, g.constFloat(`${prefix}/bias`, bias, [outC])], { T: attr.T, data_format: attr.str('NHWC') });
      return activation(prefix, y, act);
    }
    let f = filter.data;
    let b = bias ?? new Float32Array(outC);
    let fusedAct = act;
    const next = act === 'linear' ? only(layer) : undefined;
    if (next && next.getClassName() === 'BatchNormalization') {
      const w = weightsByName(next);
      const eps = Number((next.getConfig() as Config).epsilon);
      const gamma = w.get('gamma')?.data;
      const beta = w.get('beta')?.data;
      const mean = (w.get('moving_mean') as { data: Float32Array }).data;
      const variance = (w.get('moving_variance') as { data: Float32Array }).data;
      const s = Float32Array.from(mean, (_, c) => (gamma ? (gamma[c] as number) : 1) / Math.sqrt((variance[c] as number) + eps));
      f = Float32Array.from(f, (v, i) => v * (s[i % outC] as number));
      b = Float32Array.from(b, (v, c) => (v - (mean[c] as number)) * (s[c] as number) + (beta ? (beta[c] as number) : 0));
      absorbed.add(next.name);
      out.set(next.name, '');
      const after = only(next);
      const afterAct = after && ['ReLU', 'Activation'].includes(after.getClassName()) ? activationOf(after) : undefined;
      if (after && (afterAct === 'relu' || afterAct === 'relu6')) {
        fusedAct = afterAct;
        absorbed.add(after.name);
      }
      const node = emitFused(prefix, x, f, filter.shape, b, depthwise, convAttrs, fusedAct);
      out.set(next.name, node);
      if (absorbed.has(after?.name ?? '')) out.set((after as Layer).name, node);
      return node;
    }
    return emitFused(prefix, x, f, filter.shape, b, depthwise, convAttrs, fusedAct);
  };

  const emitFused = (prefix: string, x: string, f: Float32Array, shape: number[], b: Float32Array, depthwise: boolean, convAttrs: Record<string, unknown>, act: string): string => {
    const inline = act === 'relu' || act === 'relu6';
    const ops = inline ? ['BiasAdd', act === 'relu' ? 'Relu' : 'Relu6'] : ['BiasAdd'];
    const node = g.op(`${prefix}/${depthwise ? 'depthwise' : 'Conv2D'}`, depthwise ? 'FusedDepthwiseConv2dNative' : '_FusedConv2D', [
      x, g.constFloat(`${prefix}/kernel`, f, shape), g.constFloat(`${prefix}/bias`, b, [b.length]),
    ], { ...convAttrs, fused_ops: attr.strs(ops), num_args: attr.int(1), epsilon: attr.float(0) });
    return inline ? node : activation(prefix, node, act);
  };

  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const name = layer.name;
    const config = layer.getConfig() as Config;
    if (absorbed.has(name)) continue;
    const inputs = inputsOf(layer).map((t) => {
      const node = out.get(t.sourceLayer.name);
      if (node === undefined) throw new Error(`toGraph: ${name} reads ${t.sourceLayer.name} before it is written`);
      return node;
    });
    const x = inputs[0] as string;
    const outShape = layer.outputShape as (number | null)[];
    let y: string;
    switch (cls) {
      case 'InputLayer':
        y = g.placeholder(name, [-1, ...(outShape.slice(1) as number[])]);
        break;
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const w = weightsByName(layer);
        const filter = (w.get('kernel') ?? w.get('depthwise_kernel')) as { data: Float32Array; shape: number[] };
        y = convolution(layer, name, x, filter, w.get('bias')?.data, cls === 'DepthwiseConv2D', pair(config.strides), pair(config.dilationRate), padding(layer), activationOf(layer));
        break;
      }
      case 'SeparableConv2D': {
        const w = weightsByName(layer);
        const dwAttrs = {
          T: attr.T, strides: attr.ints([1, ...pair(config.strides), 1]), padding: attr.str(padding(layer)), data_format: attr.str('NHWC'),
          dilations: attr.ints([1, ...pair(config.dilationRate), 1]), explicit_paddings: { list: {} },
        };
        const dk = w.get('depthwise_kernel') as { data: Float32Array; shape: number[] };
        const dw = g.op(`${name}/separable_conv2d/depthwise`, 'DepthwiseConv2dNative', [x, g.constFloat(`${name}/depthwise_kernel`, dk.data, dk.shape)], dwAttrs);
        y = convolution(layer, `${name}/separable_conv2d`, dw, w.get('pointwise_kernel') as { data: Float32Array; shape: number[] }, w.get('bias')?.data, false, [1, 1], [1, 1], 'VALID', activationOf(layer));
        break;
      }
      case 'Conv2DTranspose': {
        const w = weightsByName(layer);
        const k = w.get('kernel') as { data: Float32Array; shape: number[] };
        const [, h, wd, c] = outShape as number[];
        const shape = g.op(`${name}/Shape`, 'Shape', [x], { T: attr.T, out_type: { type: 'DT_INT32' } });
        const batch = g.op(`${name}/strided_slice`, 'StridedSlice', [shape, g.constInt(`${name}/stack`, [0]), g.constInt(`${name}/stack_1`, [1]), g.constInt(`${name}/stack_2`, [1])], {
          T: { type: 'DT_INT32' }, Index: { type: 'DT_INT32' }, shrink_axis_mask: attr.int(1), begin_mask: attr.int(0), end_mask: attr.int(0), ellipsis_mask: attr.int(0), new_axis_mask: attr.int(0),
        });
        const dims = [h, wd, c].map((d, i) => g.constInt(`${name}/output_shape/${i + 1}`, [d as number], []));
        const sizes = g.op(`${name}/output_shape`, 'Pack', [batch, ...dims], { T: { type: 'DT_INT32' }, N: attr.int(4), axis: attr.int(0) });
        let t = g.op(`${name}/conv2d_transpose`, 'Conv2DBackpropInput', [sizes, g.constFloat(`${name}/kernel`, k.data, k.shape), x], {
          T: attr.T, strides: attr.ints([1, ...pair(config.strides), 1]), padding: attr.str(padding(layer)), data_format: attr.str('NHWC'),
          dilations: attr.ints([1, 1, 1, 1]), explicit_paddings: { list: {} },
        });
        const bias = w.get('bias');
        if (bias) t = g.op(`${name}/BiasAdd`, 'BiasAdd', [t, g.constFloat(`${name}/bias`, bias.data, bias.shape)], { T: attr.T, data_format: attr.str('NHWC') });
        y = activation(name, t, activationOf(layer));
        break;
      }
      case 'BatchNormalization':
        y = batchNorm(name, x, layer);
        break;
      case 'Activation':
      case 'ReLU':
        y = activation(name, x, activationOf(layer));
        break;
      case 'Add':
      case 'Multiply': {
        const op = cls === 'Add' ? 'AddV2' : 'Mul';
        y = inputs.slice(1).reduce((acc, v, i) => g.op(i === inputs.length - 2 ? `${name}/${op === 'AddV2' ? 'add' : 'mul'}` : `${name}/${op}_${i}`, op, [acc, v], { T: attr.T }), x);
        break;
      }
      case 'Concatenate':
        y = g.op(`${name}/concat`, 'ConcatV2', [...inputs, g.constInt(`${name}/concat/axis`, [3], [])], { T: attr.T, N: attr.int(inputs.length), Tidx: { type: 'DT_INT32' } });
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const [kh, kw] = pair(config.poolSize);
        const [sh, sw] = pair(config.strides);
        y = g.op(`${name}/${cls === 'MaxPooling2D' ? 'MaxPool' : 'AvgPool'}`, cls === 'MaxPooling2D' ? 'MaxPool' : 'AvgPool', [x], {
          T: attr.T, ksize: attr.ints([1, kh, kw, 1]), strides: attr.ints([1, sh, sw, 1]), padding: attr.str(padding(layer)), data_format: attr.str('NHWC'),
        });
        break;
      }
      case 'GlobalAveragePooling2D':
        y = g.op(`${name}/Mean`, 'Mean', [x, g.constInt(`${name}/Mean/reduction_indices`, [1, 2])], { T: attr.T, Tidx: { type: 'DT_INT32' }, keep_dims: attr.bool(false) });
        break;
      case 'Reshape':
      case 'Flatten': {
        const target = cls === 'Flatten' ? [outShape[1] as number] : (config.targetShape as number[]);
        y = g.op(`${name}/Reshape`, 'Reshape', [x, g.constInt(`${name}/shape`, [-1, ...target])], { T: attr.T, Tshape: { type: 'DT_INT32' } });
        break;
      }
      case 'Dense': {
        const w = weightsByName(layer);
        const k = w.get('kernel') as { data: Float32Array; shape: number[] };
        const bias = w.get('bias') as { data: Float32Array; shape: number[] };
        const kernel = g.constFloat(`${name}/kernel`, k.data, k.shape);
        const biasName = g.constFloat(`${name}/bias`, bias.data, bias.shape);
        const mm = { T: attr.T, transpose_a: attr.bool(false), transpose_b: attr.bool(false) };
        const z = style === 'fused'
          ? g.op(`${name}/BiasAdd`, '_FusedMatMul', [x, kernel, biasName], { ...mm, fused_ops: attr.strs(['BiasAdd']), num_args: attr.int(1), epsilon: attr.float(0) })
          : g.op(`${name}/BiasAdd`, 'BiasAdd', [g.op(`${name}/MatMul`, 'MatMul', [x, kernel], mm), biasName], { T: attr.T, data_format: attr.str('NHWC') });
        y = activation(name, z, activationOf(layer));
        break;
      }
      case 'ZeroPadding2D': {
        const [[t, b], [l, r]] = config.padding as [[number, number], [number, number]];
        y = g.op(`${name}/Pad`, 'Pad', [x, g.constInt(`${name}/Pad/paddings`, [0, 0, t, b, l, r, 0, 0], [4, 2])], { T: attr.T, Tpaddings: { type: 'DT_INT32' } });
        break;
      }
      case 'UpSampling2D': {
        const bilinear = config.interpolation === 'bilinear';
        const op = bilinear ? 'ResizeBilinear' : 'ResizeNearestNeighbor';
        y = g.op(`${name}/${op}`, op, [x, g.constInt(`${name}/size`, [outShape[1] as number, outShape[2] as number])], {
          T: attr.T, align_corners: attr.bool(false), half_pixel_centers: attr.bool(false),
        });
        break;
      }
      case 'Cropping2D': {
        const [[t, b], [l, r]] = config.cropping as [[number, number], [number, number]];
        const [, h, w] = layer.inboundNodes[0]?.inputTensors[0]?.shape as number[];
        y = g.op(`${name}/strided_slice`, 'StridedSlice', [
          x, g.constInt(`${name}/begin`, [0, t, l, 0]), g.constInt(`${name}/end`, [0, (h as number) - b, (w as number) - r, 0]), g.constInt(`${name}/strides`, [1, 1, 1, 1]),
        ], { T: attr.T, Index: { type: 'DT_INT32' }, begin_mask: attr.int(9), end_mask: attr.int(9), ellipsis_mask: attr.int(0), new_axis_mask: attr.int(0), shrink_axis_mask: attr.int(0) });
        break;
      }
      case 'Dropout':
        y = x;
        break;
      default:
        throw new Error(`toGraph: no graph form for ${cls} (${name})`);
    }
    if (!out.get(name)) out.set(name, y);
  }
  return g;
}
