// LoadedModel for a TF.js LayersModel. The forward pass walks the model's own layer graph and evaluates each
// layer eagerly (tfjsLayerEval), so one pass yields any set of layer outputs and tf.grad reaches the input.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerInfo, LayerKind, ModelInfo } from '../../shared/model';
import { LayerLensError } from '../../shared/errors';
import type { LoadedModel } from './loadedModel';
import { activate, evalLayer, linearConfig, linearPart } from './tfjsLayerEval';
import type { LayersStep } from './foldBatchNorm';
import { buildLayersPlan, LAYER_BY_LAYER, type LayersPlan } from './tfjsLayersPlan';
import { layersInput, probeLayerShapes, stepLayouts } from './layersInputs';
import { leaveModel, recordInputFacts, shapeToNhwc } from './modelBoundary';
import type { InputSizeRequest } from './assumedInputSize';

/** Suffix of the virtual layer that exposes a softmax Dense layer's pre-activation output. */
export const LOGITS_SUFFIX = '/logits';

type Step = LayersStep;

export interface LayersRunOptions {
  /**
   * false: every layer runs by itself from its own weights on each pass, BatchNormalization unfolded (the reference
   * the folded plan is tested and timed against). Default true: the plan of tfjsLayersPlan.ts.
   */
  fold?: boolean;
}

/**
 * Takes `model` over: the result disposes it, and with the folded plan each folded layer's kernel variable holds its
 * folded kernel from then on (tfjsLayersPlan.ts), so nothing else may run the model's own layers.
 */
export function wrapLayersModel(model: LayersModel, path: string, name: string, size: InputSizeRequest = {}, options: LayersRunOptions = {}): LoadedModel {
  const steps = topoSteps(model);
  const warnings: string[] = [];
  if (model.inputs.length !== 1) warnings.push(`The model has ${model.inputs.length} inputs; Layer Lens feeds the image to the first one only.`);
  const input = model.inputs[0] as SymbolicTensor;
  // Channels-first models take NCHW and some of their layers return it: the boundary transposes both ways.
  const entry = layersInput(input, steps.map((s) => s.layer), size, path);
  if (entry.assumed) warnings.push(entry.warning);
  const layouts = stepLayouts(steps, input.id, entry.boundary.layout);

  const layers: LayerInfo[] = [];
  const stepOfLayer = new Map<string, Step>();
  const producer = new Map<number, Step>();
  for (const step of steps) {
    for (const t of step.outputs) producer.set(t.id, step);
    const id = step.layer.name;
    if (!stepOfLayer.has(id)) layers.push(layerInfo(step, layouts.get((step.outputs[0] as SymbolicTensor | undefined)?.id ?? -1)));
    else warnings.push(`Layer ${id} is used more than once; its listed output is its last use.`);
    stepOfLayer.set(id, step);
  }

  // Logits: the Dense layer that ends the model, seen through trailing activation/dropout/reshape layers.
  let logitsId: string | undefined;
  const logitsOf = new Map<string, Step>();
  const dense = finalDense(model, stepOfLayer);
  if (dense?.config) {
    if (dense.config.activation === 'linear') {
      logitsId = dense.layer.name;
    } else {
      logitsId = dense.layer.name + LOGITS_SUFFIX;
      logitsOf.set(logitsId, dense);
      const at = layers.findIndex((l) => l.id === dense.layer.name);
      layers.splice(at + 1, 0, {
        id: logitsId,
        name: logitsId,
        className: 'Logits',
        kind: 'dense',
        outputShape: layers[at]?.outputShape ?? [null],
        paramCount: 0,
        note: `The output of ${dense.layer.name} before its ${dense.config.activation} (computed from the layer's weights; not a layer of the file).`,
      });
    }
  }

  const info: ModelInfo = {
    path,
    name,
    format: 'layers',
    inputShape: entry.inputShape,
    nativeLayout: entry.boundary.layout,
    layers,
    outputIds: model.outputs.map((t) => t.sourceLayer.name),
    logitsId,
    paramCount: model.countParams(),
    warnings,
  };
  recordInputFacts(info, input.sourceLayer.name, entry.boundary, entry.assumed);
  const plan: LayersPlan = options.fold === false ? LAYER_BY_LAYER : buildLayersPlan(steps, model.outputs);
  let disposed = false;

  const loaded: LoadedModel = {
    info,
    forward(x: tf.Tensor4D, layerIds: readonly string[]): tf.Tensor[] {
      if (disposed) throw new LayerLensError('internal', `The model ${path} was already closed.`);
      const wanted = layerIds.map((id) => {
        const step = stepOfLayer.get(id) ?? logitsOf.get(id);
        if (!step) throw new LayerLensError('badArgument', `${path} has no layer named ${id}.`);
        return step;
      });
      return tf.tidy(() => {
        const needed = ancestors(wanted, producer);
        const values = new Map<number, tf.Tensor>();
        const logits = new Map<Step, tf.Tensor>();
        const asked = new Set(wanted);
        values.set(input.id, entry.enter(x));
        for (const step of steps) {
          if (!needed.has(step) || step.layer.getClassName() === 'InputLayer') continue;
          // A conv folded into its BN is computed only when asked for; then its BN runs unfolded on its output.
          if (plan.isFoldedAway(step) && !asked.has(step)) continue;
          const fold = plan.foldOf(step);
          const source = fold && values.get((fold.source.inputs[0] as SymbolicTensor).id);
          let outs: tf.Tensor[];
          if (fold && source && !values.has((fold.source.outputs[0] as SymbolicTensor).id)) {
            outs = [fold.op.run(source)];
          } else {
            const xs = step.inputs.map((t) => values.get(t.id) ?? missing(path, step));
            const linear = plan.linear(step);
            if (step.config && xs.length === 1 && (linear || logitsOf.has(step.layer.name + LOGITS_SUFFIX))) {
              const z = linear ? linear.run(xs[0] as tf.Tensor) : linearPart(step.layer, step.config, xs[0] as tf.Tensor);
              if (logitsOf.has(step.layer.name + LOGITS_SUFFIX)) logits.set(step, z);
              outs = [activate(step.config, z)];
            } else {
              outs = plan.other(step)?.(xs) ?? evalLayer(step.layer, step.config, xs, step.callArgs);
            }
          }
          step.outputs.forEach((t, i) => values.set(t.id, outs[i] as tf.Tensor));
        }
        // Cloned so that the caller may dispose every result, even the input or a value returned twice.
        return layerIds.map((id, i) => {
          const step = wanted[i] as Step;
          const out = step.outputs[0] as SymbolicTensor;
          const value = logitsOf.has(id) ? logits.get(step) : values.get(out.id);
          return tf.clone(leaveModel(value ?? missing(path, step), layouts.get(out.id)));
        });
      });
    },
    kernel(layerId: string): tf.Tensor4D | null {
      const step = stepOfLayer.get(layerId);
      if (!step) return null;
      const w = kernelVariable(step.layer);
      if (!w) return null;
      // A folded layer's variable holds its folded kernel: the panels show the kernel as trained.
      return (plan.trainedKernel(step) ?? tf.clone(w.read())) as tf.Tensor4D;
    },
    dispose(): void {
      if (!disposed) {
        plan.dispose();
        model.dispose();
      }
      disposed = true;
    },
  };
  if (entry.assumed) probeLayerShapes(loaded, entry.assumed, warnings);
  return loaded;
}

function missing(path: string, step: Step): never {
  throw new LayerLensError('internal', `${path}: the input of layer ${step.layer.name} was not computed.`);
}

/** Every node of the model, inputs first, found by walking back from the outputs. */
function topoSteps(model: LayersModel): Step[] {
  const steps: Step[] = [];
  const seen = new Set<object>();
  const visit = (t: SymbolicTensor): void => {
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (!node || seen.has(node)) return;
    seen.add(node);
    for (const i of node.inputTensors) visit(i);
    steps.push({
      layer: node.outboundLayer,
      inputs: node.inputTensors,
      outputs: node.outputTensors,
      callArgs: node.callArgs ?? {},
      config: linearConfig(node.outboundLayer),
    });
  };
  for (const t of model.outputs) visit(t);
  return steps;
}

/** The steps that `wanted` depend on (itself included); `producer` maps a tensor id to the step that makes it. */
function ancestors(wanted: Step[], producer: Map<number, Step>): Set<Step> {
  const all = new Set<Step>();
  const stack = [...wanted];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if (all.has(step)) continue;
    all.add(step);
    for (const t of step.inputs) {
      const prior = producer.get(t.id);
      if (prior) stack.push(prior);
    }
  }
  return all;
}

function finalDense(model: LayersModel, stepOfLayer: Map<string, Step>): Step | undefined {
  if (model.outputs.length !== 1) return undefined;
  let step = stepOfLayer.get((model.outputs[0] as SymbolicTensor).sourceLayer.name);
  const passThrough = new Set(['Activation', 'Softmax', 'Dropout', 'Reshape', 'Flatten', 'ReLU']);
  while (step && passThrough.has(step.layer.getClassName()) && step.inputs.length === 1) {
    step = stepOfLayer.get((step.inputs[0] as SymbolicTensor).sourceLayer.name);
  }
  return step && step.layer.getClassName() === 'Dense' ? step : undefined;
}

const KINDS: Record<string, LayerKind> = {
  InputLayer: 'input', Conv2D: 'conv', Conv1D: 'conv', Conv3D: 'conv', Conv2DTranspose: 'conv', SeparableConv2D: 'conv',
  DepthwiseConv2D: 'depthwiseConv', Dense: 'dense', MaxPooling2D: 'pool', AveragePooling2D: 'pool', MaxPooling1D: 'pool',
  AveragePooling1D: 'pool', GlobalAveragePooling2D: 'pool', GlobalMaxPooling2D: 'pool', GlobalAveragePooling1D: 'pool',
  GlobalMaxPooling1D: 'pool', BatchNormalization: 'norm', LayerNormalization: 'norm', Activation: 'activation', ReLU: 'activation',
  LeakyReLU: 'activation', PReLU: 'activation', ELU: 'activation', Softmax: 'activation', ThresholdedReLU: 'activation',
  Add: 'merge', Concatenate: 'merge', Multiply: 'merge', Average: 'merge', Maximum: 'merge', Minimum: 'merge', Dot: 'merge',
  Subtract: 'merge', Flatten: 'reshape', Reshape: 'reshape', Permute: 'reshape', ZeroPadding2D: 'reshape', Cropping2D: 'reshape',
  UpSampling2D: 'reshape', Dropout: 'dropout', SpatialDropout1D: 'dropout', GaussianNoise: 'dropout', GaussianDropout: 'dropout',
  AlphaDropout: 'dropout', Sequential: 'module', Model: 'module', Functional: 'module',
};

function layerInfo(step: Step, layout: 'NHWC' | 'NCHW' | undefined): LayerInfo {
  const layer = step.layer;
  const className = layer.getClassName();
  const out = step.outputs[0];
  const info: LayerInfo = {
    id: layer.name,
    name: layer.name,
    className,
    kind: KINDS[className] ?? 'other',
    outputShape: out ? shapeToNhwc(out.shape, layout) : [null],
    paramCount: layer.countParams(),
  };
  const kernel = kernelVariable(layer);
  if (kernel) info.kernelShape = kernel.shape.slice();
  return info;
}

/** The HWIO conv weight of a layer: `kernel` of Conv2D, `depthwise_kernel` of DepthwiseConv2D/SeparableConv2D. */
function kernelVariable(layer: Layer): { shape: number[]; read(): tf.Tensor } | null {
  const className = layer.getClassName();
  const suffix = className === 'Conv2D' ? '/kernel' : className === 'DepthwiseConv2D' || className === 'SeparableConv2D' ? '/depthwise_kernel' : null;
  if (!suffix) return null;
  const w = layer.weights.find((v) => v.originalName.endsWith(suffix) || v.name.endsWith(suffix));
  return w && w.shape.length === 4 ? { shape: w.shape as number[], read: () => w.read() } : null;
}
