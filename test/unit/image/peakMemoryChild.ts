// Decodes one hostile image in a fresh process and prints {message, growthMB}: the growth of the process's
// peak RSS is the honest measure of what a decoder allocated (a peak freed again is invisible in-process).
// Run by hostileImages.test.ts as: node --import tsx peakMemoryChild.ts <kind>
import { decodeImage } from '../../../src/core/image';
import { gif, gifWithFrameSize, gifWithScreen, png, pngBomb, pngWithProfileBomb } from './imageFixtures';

function fixture(kind: string): { bytes: Uint8Array; name: string } {
  switch (kind) {
    case 'png-bomb-1gib':
      return { bytes: pngBomb(1024), name: 'bomb.png' };
    case 'gif-frame-beyond-screen': {
      // A 4 × 4 screen whose first frame claims 65535 × 65535: omggif would size its index buffer from the frame.
      const small = gif(4, 4, Array.from({ length: 16 }, (_, i) => i % 2), [0x000000, 0xffffff]);
      return { bytes: gifWithFrameSize(gifWithScreen(small, 4, 4), 65535, 65535), name: 'frame.gif' };
    }
    case 'png-profile-bomb-1gib': {
      const good = png({ width: 2, height: 1, data: new Uint8Array([10, 20, 30, 40, 50, 60]), channels: 3, depth: 8 });
      return { bytes: pngWithProfileBomb(good, 1024), name: 'profile.png' };
    }
    default:
      throw new Error(`unknown fixture ${kind}`);
  }
}

const { bytes, name } = fixture(process.argv[2] ?? '');
const before = process.resourceUsage().maxRSS;
decodeImage(bytes, name)
  .then(
    (img) => `accepted ${img.width} × ${img.height}: ${Array.from(img.data.subarray(0, 4)).join(' ')}`,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  )
  .then((message) => {
    const growthMB = (process.resourceUsage().maxRSS - before) / 1024; // maxRSS is in KiB
    process.stdout.write(JSON.stringify({ message, growthMB }));
  });
