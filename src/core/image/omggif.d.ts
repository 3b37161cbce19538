// omggif ships no types; only the reader and writer calls the core and its tests use are declared.
declare module 'omggif' {
  export interface GifFrameInfo {
    x: number;
    y: number;
    width: number;
    height: number;
    transparent_index: number | null;
    delay: number;
    disposal: number;
  }
  export class GifReader {
    constructor(buf: Uint8Array);
    width: number;
    height: number;
    numFrames(): number;
    frameInfo(frame: number): GifFrameInfo;
    decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array | Uint8ClampedArray): void;
  }
  export interface GifWriterOptions {
    palette?: number[];
    loop?: number;
    background?: number;
  }
  export interface GifFrameOptions {
    palette?: number[];
    delay?: number;
    disposal?: number;
    transparent?: number;
  }
  export class GifWriter {
    constructor(buf: Uint8Array, width: number, height: number, options?: GifWriterOptions);
    addFrame(x: number, y: number, w: number, h: number, indexed: ArrayLike<number>, options?: GifFrameOptions): number;
    end(): number;
  }
}
