// A deterministic folder of PNGs for the top-k comparison: both sides decode the very same files.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../src/core/image/encodePng';

/** `count` smooth, seeded colour images of side `side` (smooth so that PNG decode cost is realistic, not noise-sized). */
export function ensureImageFolder(dir: string, count: number, side: number): string {
  if (existsSync(dir) && readdirSync(dir).filter((f) => f.endsWith('.png')).length === count) return dir;
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const rgba = new Uint8Array(side * side * 4);
    const fx = 1 + (i % 7);
    const fy = 1 + ((i * 3) % 5);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const o = (y * side + x) * 4;
        const u = (x / side) * Math.PI * 2;
        const v = (y / side) * Math.PI * 2;
        rgba[o] = 127.5 + 127 * Math.sin(fx * u + i);
        rgba[o + 1] = 127.5 + 127 * Math.cos(fy * v - i);
        rgba[o + 2] = 127.5 + 127 * Math.sin(fx * u + fy * v);
        rgba[o + 3] = 255;
      }
    }
    writeFileSync(join(dir, `${String(i).padStart(3, '0')}.png`), encodePng(rgba, side, side));
  }
  return dir;
}
