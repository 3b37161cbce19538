// Feature methods of the engine, one entry per feature; the base methods live in engineProtocol.ts.
import type { KernelsParams, KernelsResult } from '../kernelsProtocol';

export interface EngineMethods {
  kernels: { params: KernelsParams; result: KernelsResult; progress: never };
}
