import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FIXTURES_MISSING, onnxFixturesCacheDir } from '../../scripts/fixtures/fixturesCache.mjs';

export const repoRoot = resolve(__dirname, '../..');
export const sampleModelDir = join(repoRoot, 'models/mnist-cnn');

/**
 * The ONNX fixtures made by `npm run fixtures` (scripts/fixtures/), in the cache folder keyed by those scripts.
 * Throws one line saying what to run and install when they have not been made.
 */
export function onnxFixturesDir(): string {
  // Keyed once per process: editing the scripts during a run must not move the folder under the tests.
  fixturesDir ??= onnxFixturesCacheDir();
  if (!existsSync(join(fixturesDir, 'index.json'))) throw new Error(FIXTURES_MISSING);
  return fixturesDir;
}

let fixturesDir: string | undefined;

/** One fixture file (a model or an .npy), by name. */
export function onnxFixture(file: string): string {
  return join(onnxFixturesDir(), file);
}
