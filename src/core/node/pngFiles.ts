// PNG files of many wide pictures (a top-k row per channel: 512 of 1812 × 224 px for GoogLeNet's inception4a).
// Opaque pictures are stored as RGB (a quarter fewer bytes), every row Paeth-filtered, and deflated with zlib's
// run-length strategy: on top-k rows that was about 9× faster than fast-png's unfiltered RGBA at level 3 and the
// files about 35% smaller. Deflating runs on libuv's thread pool while this thread filters and draws the next
// picture; a bounded number of pictures is in flight, so memory stays a few rows whatever the channel count.
import { promisify } from 'node:util';
import { constants, deflate } from 'node:zlib';
import { isOpaque, pngFile, pngScanlines } from '../image/pngEncoder';
import { writeFileAtomic } from './writeFileAtomic';

const deflateAsync = promisify(deflate);

/** PNG bytes of an RGBA picture (RGB when every pixel is opaque); decodes to the same pixels as encodePng's. */
export async function encodePngFile(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Uint8Array> {
  const { channels, data } = pngScanlines(rgba, width, height, { dropAlpha: isOpaque(rgba), filter: 'paeth' });
  // Output in 256 KiB pieces rather than zlib's 16 KiB: fewer round trips between the pool and this thread.
  const compressed = await deflateAsync(data, { strategy: constants.Z_RLE, chunkSize: 256 * 1024 });
  return pngFile(width, height, channels, compressed);
}

/** Writes PNG files (atomically, as writeFileAtomic does) with up to `inFlight` being compressed at once. */
export class PngFileWriter {
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly inFlight = 8) {}

  /** Starts one file; waits while `inFlight` are unfinished. A failed file throws here or from `finish`. */
  async write(path: string, rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<void> {
    const done = encodePngFile(rgba, width, height).then((png) => writeFileAtomic(path, png));
    done.catch(() => undefined); // awaited below or in finish(); never an unhandled rejection meanwhile
    this.pending.push(done);
    while (this.pending.length >= this.inFlight) await this.pending.shift();
  }

  /** Every file started is written (or the first failure is thrown). */
  async finish(): Promise<void> {
    while (this.pending.length > 0) await this.pending.shift();
  }
}
