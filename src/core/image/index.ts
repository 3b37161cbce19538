// Public surface of image decoding: what other rooms of the core and the engine import.
export { decodeImage, readImageHeader } from './decodeImage';
export { setWebpWasm, webpWasmConfigured } from './decodeWebp';
export { applyOrientation } from './orientation';
export { MAX_IMAGE_PIXELS } from './types';
export type { DecodedImage, ImageFormat } from './types';
export type { ImageHeader } from './sniff';
