// The wasm backend lacks some kernels that gradients need (docs/tfjs-facts.md). For those, register a wasm kernel
// that copies its inputs to the cpu backend, runs the cpu kernel and copies the result back:
// UnsortedSegmentSum (the gradient of a Gather with run-time or strided indices), and the conv backprop kernels
// that TF.js's fused ops reach when their gradient is taken whole (a fused conv with a linear activation computes
// its filter gradient too). Plain and depthwise conv input gradients never come here: the registered gradients
// of src/core/gradients/ compute them with forward convs.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

const DELEGATED = ['UnsortedSegmentSum', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'Conv2DBackpropFilter'];

export function ensureWasmGradientKernels(): void {
  for (const name of DELEGATED) {
    if (tf.getKernel(name, 'wasm') || !tf.getKernel(name, 'cpu')) continue;
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: (args) => delegateToCpu(name, args) });
  }
}

function delegateToCpu(
  name: string,
  args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap },
): TensorInfo | TensorInfo[] {
  const wasm = args.backend as KernelBackend;
  const cpu = tf.findBackend('cpu') as KernelBackend | null;
  if (!cpu) throw new Error(`the cpu backend is needed to run ${name} on wasm`);
  const cpuInputs: NamedTensorInfoMap = {};
  for (const [k, info] of Object.entries(args.inputs)) {
    if (!info) continue;
    const values = wasm.readSync(info.dataId) as Float32Array | Int32Array;
    cpuInputs[k] = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
  }
  const kernel = tf.getKernel(name, 'cpu')!;
  const result = kernel.kernelFunc({ inputs: cpuInputs, attrs: args.attrs ?? {}, backend: cpu }) as TensorInfo | TensorInfo[];
  const back = (o: TensorInfo): TensorInfo => {
    const values = cpu.readSync(o.dataId) as Float32Array | Int32Array;
    const out = { dataId: wasm.write(values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
    cpu.disposeData(o.dataId);
    return out;
  };
  const outs = Array.isArray(result) ? result.map(back) : back(result);
  for (const info of Object.values(cpuInputs)) if (info) cpu.disposeData(info.dataId);
  return outs;
}
