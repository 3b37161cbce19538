/** `layerLens.backend`: which TF.js backend the engine runs. */
export type BackendPreference = 'auto' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendAttempt {
  backend: 'webgpu' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
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
  /** The WebGPU adapter running the model, when the active backend is `webgpu`. */
  adapter?: { vendor: string; architecture: string; software: boolean };
  /**
   * One sentence when the backend asked for is not the one running ("--backend tensorflow: @tensorflow/tfjs-node
   * is not installed; wasm runs instead"), for the status bar, the CLI's stderr and the report header to say.
   */
  notHonoured?: string;
  /** Set by the VS Code host: which Node runs the engine, and why a Node asked for (layerLens.nodePath) was not used. */
  engineNode?: string;
}
