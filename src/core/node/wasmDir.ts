// Node-only: where tfjs-backend-wasm's .wasm files are. Bundles carry a copy beside themselves (esbuild.mjs);
// running from source (tsx, tests) uses the package's own folder.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function locateWasmDir(besideDir: string): string {
  if (existsSync(join(besideDir, 'tfjs-backend-wasm-simd.wasm'))) return besideDir;
  return join(dirname(createRequire(__filename).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}
