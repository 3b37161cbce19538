/** `layerLens.backend`: which TF.js backend the engine runs. */
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendAttempt {
  backend: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  ok: boolean;
  /** Why it was skipped, when it was. */
  reason?: string;
}

export interface BackendStatus {
  /** The TF.js backend name now active (`tensorflow`, `wasm`, `cpu`). */
  active: string;
  /** Human-readable detail: "wasm (SIMD, 1 thread)". */
  detail: string;
  preference: BackendPreference;
  /**
   * Who runs the convolutions: "native conv (AVX-512, 2 threads)" when the native kernels addon is in use,
   * else "TF.js kernels (native: why not)"; absent when no native kernels were asked for.
   */
  kernels?: string;
  /** Every backend tried, in order, with the reason it failed. */
  attempts: BackendAttempt[];
}
