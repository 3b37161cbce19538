// Stands in for scripts/fixtures/fixturesCache.mjs inside the kit's bundle (make.mjs redirects the import here):
// on the GPU machine the fixtures are made by scripts/gpuKit/py/prepare.py into a folder the runner names, not
// into .cache/fixtures/<hash> beside the scripts, and a bundle has no import.meta.url to find that from.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR_VARIABLE = 'LAYER_LENS_FIXTURES_DIR';
export const FIXTURES_NEED = 'scripts/gpuKit/py/prepare.py run by the kit (python3 with torch, torchvision and onnx)';
export const FIXTURES_MISSING = `ONNX fixtures are missing: ${FIXTURES_DIR_VARIABLE} names no folder with an index.json (made by ${FIXTURES_NEED})`;
export const repoRoot = process.cwd();
export const fixturesScriptDir = join(repoRoot, 'scripts/fixtures');
export const fixturesScripts = ['makeOnnxFixtures.py', 'fixtureNets.py'];
export const fixturesCacheRoot = join(repoRoot, '.cache/fixtures');

export function fixturesKey(): string {
  return 'gpukit';
}

export function onnxFixturesCacheDir(): string {
  return process.env[FIXTURES_DIR_VARIABLE] ?? join(fixturesCacheRoot, 'unset');
}

export function onnxFixturesReady(): boolean {
  return existsSync(join(onnxFixturesCacheDir(), 'index.json'));
}
