// Where the generated conformance zoo lives: .cache/zoo/<key>/, the key a hash of the generator's sources, so
// that editing a network or the weight calibration makes a fresh zoo. index.json is written last: a folder with
// it is complete.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const zooScriptDir = join(repoRoot, 'scripts/zoo');
export const zooCacheRoot = join(repoRoot, '.cache/zoo');

/** Every TypeScript source of the generator decides the zoo (the key covers exactly these, in name order). */
export function zooSources() {
  return readdirSync(zooScriptDir).filter((f) => f.endsWith('.ts')).sort();
}

export function zooKey() {
  const h = createHash('sha256');
  for (const f of zooSources()) {
    h.update(f);
    h.update(readFileSync(join(zooScriptDir, f)));
  }
  // The layers library writes the model files: another version may write them differently.
  h.update(JSON.parse(readFileSync(join(repoRoot, 'node_modules/@tensorflow/tfjs-layers/package.json'), 'utf8')).version);
  return h.digest('hex').slice(0, 16);
}

export function zooCacheDir() {
  return join(zooCacheRoot, zooKey());
}

export function zooReady() {
  return existsSync(join(zooCacheDir(), 'index.json'));
}
