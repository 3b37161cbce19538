import type { DecodedImage } from './types';

/**
 * WebP (lossy, lossless, with alpha; first frame of an animation) through @jsquash/webp, libwebp compiled to
 * WebAssembly. The .wasm file is not fetched by the library here: whoever hosts the core hands its bytes over
 * once (`setWebpWasm`, or `useWebpWasmFromDisk` from nodeWebpWasm.ts in Node), because a bundled extension
 * ships the file in its own folder and the core must not guess paths or read files.
 */
type WasmSource = () => Promise<Uint8Array>;

// lib.dom is not in this project's tsconfig, so the few WebAssembly calls used are typed here.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<unknown>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let source: WasmSource | undefined;
let ready: Promise<(bytes: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }>> | undefined;

/** Tells the WebP decoder how to get the bytes of webp_dec.wasm. Call before the first WebP is decoded. */
export function setWebpWasm(load: WasmSource): void {
  source = load;
  ready = undefined;
}

export function webpWasmConfigured(): boolean {
  return source !== undefined;
}

async function decoder(): Promise<(bytes: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }>> {
  if (!source) throw new Error('the WebP decoder was not given its WebAssembly file');
  const load = source;
  ready ??= (async () => {
    const mod = await wasmApi.compile(await load());
    const lib = await import('@jsquash/webp/decode.js');
    await lib.init(mod as Parameters<typeof lib.init>[0]);
    return lib.default;
  })();
  try {
    return await ready;
  } catch (e) {
    ready = undefined; // let a later call retry after a failed load
    throw e;
  }
}

export async function decodeWebp(bytes: Uint8Array): Promise<DecodedImage> {
  const decode = await decoder();
  // The library takes an ArrayBuffer; copy so that a view into a larger buffer passes only its own bytes.
  const own = bytes.slice().buffer;
  // libwebp checks the bitstream against the header (sizes, lengths) and only says "Decoding error".
  const img = await decode(own).catch(() => {
    throw new Error('libwebp found its data corrupt or cut short');
  });
  return {
    width: img.width,
    height: img.height,
    channels: webpHasAlpha(bytes) ? 4 : 3,
    format: 'webp',
    data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength),
    maxValue: 255,
  };
}

/** Alpha flag of the VP8X header, the alpha bit of a VP8L header; lossy 'VP8 ' alone has none. */
function webpHasAlpha(b: Uint8Array): boolean {
  const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
  if (chunk === 'VP8X') return (b[20] & 0x10) !== 0;
  if (chunk === 'VP8L') return ((b[24] >> 4) & 1) === 1;
  return false;
}
