// Output files (CLI results, atlas units and pages) are written atomically — a temp file beside the target, then
// a rename — so an interrupted run never leaves half an image where a good one was, and a file that exists is whole.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temp, data);
  renameSync(temp, path);
}
