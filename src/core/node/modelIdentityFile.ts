// Node-only: the model identity (src/shared/modelIdentity.ts) of a model file on disk, read through the same
// checked reader the loader uses (regular files inside the model's folder, bounded sizes). Hashed again only when
// one of the files changed (mtime or size).
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { modelIdentity } from '../../shared/modelIdentity';
import { nodeModelFiles } from './nodeModelFiles';

export function modelIdentityOfFile(modelPath: string): Promise<string> {
  const files = nodeModelFiles(modelPath);
  const folder = dirname(files.path);
  return modelIdentity({
    path: files.path,
    read: (name) => files.read(name),
    stamp: (name) => {
      try {
        const s = statSync(join(folder, name));
        return s.isFile() ? `${s.mtimeMs}:${s.size}` : undefined;
      } catch {
        return undefined;
      }
    },
  });
}
