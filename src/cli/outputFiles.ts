// Files the CLI writes: atomically (temp file + rename), so an interrupted run never leaves half an image
// where a good one was.
import { statSync } from 'node:fs';
import { LayerLensError } from '../shared/errors';
import { writeFileAtomic } from '../core/node/writeFileAtomic';

export { writeFileAtomic };

/**
 * Refuses an --out folder that cannot be one (an existing file, or a path under a file) before any long work, so
 * the user hears it in one sentence instead of after minutes of computing.
 */
export function checkOutFolder(dir: string, flag = 'out'): void {
  try {
    if (!statSync(dir).isDirectory()) throw new LayerLensError('badArgument', `--${flag} ${dir} is a file, not a folder.`);
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // made when the first file is written
    if (code === 'ENOTDIR') throw new LayerLensError('badArgument', `--${flag} ${dir} lies under a file, not a folder.`);
    throw new LayerLensError('badArgument', `--${flag} ${dir} could not be read (${code ?? 'error'}).`);
  }
}

/**
 * Refuses an --out file that cannot be one (an existing folder, or a path under a file) before the model loads, in a
 * sentence naming --out: the write's own error named neither the flag nor the path.
 */
export function checkOutFile(file: string): void {
  try {
    if (statSync(file).isDirectory()) throw new LayerLensError('badArgument', `--out ${file} is a folder; give the path of the PNG file to write.`);
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // written, with its folders, when done
    if (code === 'ENOTDIR') throw new LayerLensError('badArgument', `--out ${file} lies under a file, not a folder.`);
    throw new LayerLensError('badArgument', `--out ${file} could not be read (${code ?? 'error'}).`);
  }
}

/** A layer id as a file name: module paths keep their dots, anything else unsafe becomes '_'. */
export function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}
