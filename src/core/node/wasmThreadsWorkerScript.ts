// tfjs-backend-wasm's pthread worker script, as the text its package exports (typed here: the file has no .d.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const worker = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };

export const wasmWorkerContents: string = worker.wasmWorkerContents;
