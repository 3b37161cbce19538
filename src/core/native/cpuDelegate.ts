// A kernel function that runs the cpu backend's kernel for a wasm call: inputs copied to cpu, outputs copied
// back. The fallback of a native kernel that wasm has no kernel of its own for (DepthwiseConv2dNativeBackpropInput):
// the calls the native kernel does not cover (another dtype or data format) still run, slowly, instead of failing.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { KernelBackend, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export function cpuDelegate(kernelName: string): KernelFunc {
  return (args) => {
    const here = args.backend as KernelBackend;
    const cpu = tf.findBackend('cpu') as KernelBackend | null;
    const kernel = tf.getKernel(kernelName, 'cpu');
    if (!cpu || !kernel) throw new Error(`${kernelName} needs the cpu backend's kernel, which is not registered`);
    const cpuInputs: NamedTensorInfoMap = {};
    for (const [name, info] of Object.entries(args.inputs)) {
      if (!info) continue;
      const values = here.readSync(info.dataId) as Float32Array | Int32Array;
      cpuInputs[name] = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
    }
    try {
      const result = kernel.kernelFunc({ inputs: cpuInputs, attrs: args.attrs ?? {}, backend: cpu }) as TensorInfo | TensorInfo[];
      const back = (o: TensorInfo): TensorInfo => {
        const values = cpu.readSync(o.dataId) as Float32Array | Int32Array;
        cpu.disposeData(o.dataId);
        return { dataId: here.write(values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
      };
      return Array.isArray(result) ? result.map(back) : back(result);
    } finally {
      for (const info of Object.values(cpuInputs)) if (info) cpu.disposeData(info.dataId);
    }
  };
}
