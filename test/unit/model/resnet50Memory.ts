// Tensor memory of a Keras ResNet50 (keras.applications' layer graph and names, random weights) wrapped as a
// Layers model: after loading, after a forward pass, after an input gradient, and over repeated passes.
// Not a test file (it builds 25.6 M parameters): run it by hand to measure,
//   npx tsx test/unit/model/resnet50Memory.ts [--no-fold] [--backend wasm|cpu] [--size 224] [--passes 20]
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { wrapLayersModel } from '../../../src/core/model/tfjsLayersModel';

type Sym = tfl.SymbolicTensor;
const ap = (layer: { apply(x: Sym | Sym[]): unknown }, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;

function block(x: Sym, filters: number, stride: number, convShortcut: boolean, name: string): Sym {
  const bn = (n: string, t: Sym) => ap(tfl.layers.batchNormalization({ axis: 3, epsilon: 1.001e-5, name: n }), t);
  const relu = (n: string, t: Sym) => ap(tfl.layers.activation({ activation: 'relu', name: n }), t);
  const shortcut = convShortcut ? bn(`${name}_0_bn`, ap(tfl.layers.conv2d({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }), x)) : x;
  let y = relu(`${name}_1_relu`, bn(`${name}_1_bn`, ap(tfl.layers.conv2d({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }), x)));
  y = relu(`${name}_2_relu`, bn(`${name}_2_bn`, ap(tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_2_conv` }), y)));
  y = bn(`${name}_3_bn`, ap(tfl.layers.conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }), y));
  return relu(`${name}_out`, ap(tfl.layers.add({ name: `${name}_add` }), [shortcut, y]));
}

/** keras.applications.ResNet50(weights=None): 25,636,712 parameters. */
export function resnet50(size: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 3], name: 'input_1' });
  let x = ap(tfl.layers.zeroPadding2d({ padding: 3, name: 'conv1_pad' }), input);
  x = ap(tfl.layers.conv2d({ filters: 64, kernelSize: 7, strides: 2, name: 'conv1_conv' }), x);
  x = ap(tfl.layers.batchNormalization({ axis: 3, epsilon: 1.001e-5, name: 'conv1_bn' }), x);
  x = ap(tfl.layers.activation({ activation: 'relu', name: 'conv1_relu' }), x);
  x = ap(tfl.layers.zeroPadding2d({ padding: 1, name: 'pool1_pad' }), x);
  x = ap(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }), x);
  const stages: [number, number, number, string][] = [[64, 3, 1, 'conv2'], [128, 4, 2, 'conv3'], [256, 6, 2, 'conv4'], [512, 3, 2, 'conv5']];
  for (const [filters, blocks, stride, name] of stages) {
    x = block(x, filters, stride, true, `${name}_block1`);
    for (let i = 2; i <= blocks; i++) x = block(x, filters, 1, false, `${name}_block${i}`);
  }
  x = ap(tfl.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  x = ap(tfl.layers.dense({ units: 1000, activation: 'softmax', name: 'predictions' }), x);
  return tfl.model({ inputs: input, outputs: x });
}

const MB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: string) => (argv.includes(name) ? (argv[argv.indexOf(name) + 1] as string) : fallback);
  const fold = !argv.includes('--no-fold');
  const backend = arg('--backend', 'wasm') as 'wasm' | 'cpu';
  const size = Number(arg('--size', '224'));
  const passes = Number(arg('--passes', '20'));
  await useBackend(backend);
  const row = (what: string) => {
    const m = tf.memory();
    console.log(`${what.padEnd(44)} ${MB(m.numBytes).padStart(10)}  ${String(m.numTensors).padStart(5)} tensors`);
    return m;
  };
  const before = row('before');
  const keras = resnet50(size);
  const weightBytes = keras.weights.reduce((sum, w) => sum + 4 * w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
  console.log(`ResNet50, ${keras.countParams().toLocaleString('en')} parameters = ${MB(weightBytes)} of float32; fold ${fold}, ${backend}, ${size} px`);
  row('built (tfjs-layers model)');
  const model = wrapLayersModel(keras, 'resnet50.json', 'resnet50', {}, { fold });
  const loaded = row('wrapped (loaded)');
  const x = tf.randomUniform([1, size, size, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  tf.dispose(model.forward(x, ['predictions']));
  row('after a forward pass');
  const grad = tf.grad((xx: tf.Tensor) => tf.sum(model.forward(xx as tf.Tensor4D, ['conv5_block3_out'])[0] as tf.Tensor))(x);
  grad.dispose();
  const afterGrad = row('after an input gradient (conv5_block3_out)');
  const kernel = model.kernel('conv4_block1_2_conv');
  kernel?.dispose();
  row('after reading a kernel');
  for (let i = 0; i < passes; i++) tf.dispose(model.forward(x, ['predictions', 'conv3_block1_1_conv']));
  const afterPasses = row(`after ${passes} more forward passes`);
  console.log(`loaded - before: ${MB(loaded.numBytes - before.numBytes)} (${((loaded.numBytes - before.numBytes) / weightBytes).toFixed(3)}× the weights)`);
  console.log(`tensors over the passes: ${afterGrad.numTensors} → ${afterPasses.numTensors}`);
  x.dispose();
  model.dispose();
  row('after dispose');
}

// Only when run, not when imported for the model.
if (process.argv[1]?.endsWith('resnet50Memory.ts')) void main();
