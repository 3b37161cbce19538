// Node-only adapter: reads the WebP decoder's .wasm from disk. The core proper never touches the file system.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setWebpWasm } from '../image/decodeWebp';

export const WEBP_WASM_FILE = 'webp_dec.wasm';

/**
 * Points the WebP decoder at `dir/webp_dec.wasm` (a bundled extension copies it next to its other .wasm
 * files), or at the copy inside node_modules/@jsquash/webp when no folder is given (tests, the CLI from source).
 */
export function useWebpWasmFromDisk(dir?: string): void {
  const path = dir ? join(dir, WEBP_WASM_FILE) : require.resolve(`@jsquash/webp/codec/dec/${WEBP_WASM_FILE}`);
  setWebpWasm(async () => new Uint8Array(await readFile(path)));
}
