// Files the CLI writes: atomically (temp file + rename), so an interrupted run never leaves half an image
// where a good one was.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/** A layer id as a file name: module paths keep their dots, anything else unsafe becomes '_'. */
export function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}
