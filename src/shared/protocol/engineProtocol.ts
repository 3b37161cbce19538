// The RPC between the extension host and the engine child process. Declared once; both sides import it.
// Messages travel over Node's IPC channel with `serialization: 'advanced'`, so typed arrays arrive as typed arrays.
import type { BackendPreference, BackendStatus } from '../backend';
import type { ErrorPayload } from '../errors';
import type { ModelInfo } from '../model';
import type { EngineMethods as FeatureMethods } from './engineMethods';

export interface InitParams {
  backend: BackendPreference;
  /** A folder or module name of a user-installed tfjs-node / tfjs-node-gpu, tried before the bundled search. */
  nativeBackendPath?: string;
  /** `layerLens.wasmThreads`: threads for the wasm backend; 0 or absent = auto (2 where the machine has 2 cores), 1 = one. */
  wasmThreads?: number;
  /** `layerLens.nativeKernels`: false keeps TF.js's own conv / max-pool-gradient kernels. */
  nativeKernels?: boolean;
  /** Why nativeKernels is false when the setting is not the reason (the host turned them off after a crash). */
  nativeKernelsOffReason?: string;
}

/** Every engine method: its params, its result and what its progress messages carry. */
export interface EngineMethods extends FeatureMethods {
  init: { params: InitParams; result: BackendStatus; progress: never };
  /** `inputSize` [height, width]: a model that does not fix its input size is listed (shapes probed) at that size. */
  loadModel: { params: { path: string; inputSize?: [number, number] }; result: ModelInfo; progress: never };
  /** Tensor count and bytes in the engine: tests check that nothing leaks over repeated requests. */
  memory: { params: Record<string, never>; result: { numTensors: number; numBytes: number }; progress: never };
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]['params'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];
export type ProgressOf<M extends EngineMethod> = EngineMethods[M]['progress'];

export type EngineRequest = {
  [M in EngineMethod]: { type: 'request'; id: number; method: M; params: ParamsOf<M> };
}[EngineMethod];

export type HostToEngine = EngineRequest | { type: 'cancel'; id: number };

export type EngineToHost =
  | { type: 'ready'; pid: number }
  /** The engine read the request: from here on a crash of the engine may be the request's doing, so it is not retried. */
  | { type: 'accepted'; id: number }
  | { type: 'response'; id: number; result: unknown }
  | { type: 'error'; id: number; error: ErrorPayload }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
