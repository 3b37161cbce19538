// Installs, once per process, what input gradients (d output / d image) of every op a CNN uses need on the
// wasm and cpu backends: registered gradients TF.js lacks, gets wrong or runs slowly on wasm (convs, max
// pooling, batch norm, clips, strided slices, mirror padding, resizes) and wasm kernels that gradients reach
// but wasm lacks or runs slowly. Called by initBackend before the native kernels wrap the wasm/cpu kernels, so
// they wrap these too.
import * as tf from '@tensorflow/tfjs-core';
// TF.js's own gradients must be in place first: registering them later would undo ours.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { ensureWasmGradientKernels } from '../onnx/wasmGradients';
import { batchNormGradConfig } from './batchNormGradient';
import { clipGradConfig } from './clipGradient';
import { conv2dGradConfig, depthwiseGradConfig } from './convGradients';
import { maxPoolGradConfig } from './maxPoolGradient';
import { mirrorPadGradConfig } from './mirrorPadGradient';
import { resizeGradConfigs } from './resizeGradients';
import { stridedSliceGradConfig } from './stridedSliceGradient';
import { shareWasmIdentity } from './wasmIdentity';

let installed = false;

export function installInputGradients(): void {
  if (installed) return;
  installed = true;
  const conv = tf.getGradient('Conv2D');
  const depthwise = tf.getGradient('DepthwiseConv2dNative');
  if (conv) tf.registerGradient(conv2dGradConfig(conv));
  if (depthwise) tf.registerGradient(depthwiseGradConfig(depthwise));
  const maxPool = tf.getGradient('MaxPool');
  if (maxPool) tf.registerGradient(maxPoolGradConfig(maxPool));
  tf.registerGradient(batchNormGradConfig);
  tf.registerGradient(clipGradConfig);
  tf.registerGradient(stridedSliceGradConfig);
  tf.registerGradient(mirrorPadGradConfig);
  for (const config of resizeGradConfigs()) tf.registerGradient(config);
  ensureWasmGradientKernels();
  shareWasmIdentity();
}
