// nsfwjs's three trained TF.js models, read from the npm package (a dev dependency) for tests only: never shipped,
// never shown in pictures. The package keeps each model as UMD wrappers (dist/models/<name>/*.min.js: the model.json
// object and base64 weight shards) behind an `exports` field that blocks require.resolve, so the files are opened
// by path and written out once as model.json + .bin shards, which the real loader then opens like a user's files.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Not ./paths: that module reads import.meta, which a CommonJS bundle of the VS Code suites does not have.
const repoRoot = resolve(__dirname, '../..');

export const NSFWJS_MODELS = ['mobilenet_v2', 'mobilenet_v2_mid', 'inception_v3'] as const;
export type NsfwjsModelName = (typeof NSFWJS_MODELS)[number];

interface Manifest {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
  [key: string]: unknown;
}

/**
 * The model.json path of one nsfwjs model, extracted on first use into <root>/.cache/nsfwjs/<version>/<name>/.
 * `root` is the repository: the real-VS-Code suites run from a bundle elsewhere and pass the extension's folder.
 */
export function nsfwjsModel(name: NsfwjsModelName, root: string = repoRoot): string {
  const packageDir = join(root, 'node_modules/nsfwjs');
  if (!existsSync(join(packageDir, 'package.json'))) {
    throw new Error('the nsfwjs models are missing: run `npm install` (nsfwjs is a dev dependency)');
  }
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(root, '.cache/nsfwjs', version, name);
  const modelJson = join(dir, 'model.json');
  if (existsSync(modelJson)) return modelJson;

  const from = join(packageDir, 'dist/models', name);
  // An absolute path is not subject to the package's `exports` map; each file's UMD wrapper returns its payload.
  const load = createRequire(join(from, 'model.min.js'));
  const manifest = load(join(from, 'model.min.js')) as Manifest;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const weightsManifest = manifest.weightsManifest.map((group) => ({
    ...group,
    paths: group.paths.map((shard) => {
      const base64 = load(join(from, `${shard}.min.js`)) as unknown;
      if (typeof base64 !== 'string') throw new Error(`nsfwjs ${name}/${shard}.min.js holds no base64 weight shard`);
      writeFileSync(join(tmp, `${shard}.bin`), Buffer.from(base64, 'base64'));
      return `${shard}.bin`;
    }),
  }));
  // Layers models in the package carry no `format` field; a saved Layers model says what it is.
  const format = manifest.format ?? 'layers-model';
  writeFileSync(join(tmp, 'model.json'), JSON.stringify({ ...manifest, format, weightsManifest }));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return modelJson;
}
