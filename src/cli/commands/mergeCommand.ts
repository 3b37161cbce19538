// `layer-lens merge`: the shards of a sharded `topk` (or `atlas`) run, checked to be one complete run, put
// together into the output one machine would have written, byte for byte.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { webpWasmConfigured } from '../../core/image';
import { useWebpWasmFromDisk, WEBP_WASM_FILE } from '../../core/node/nodeWebpWasm';
import { LayerLensError } from '../../shared/errors';
import { argumentError, refuseRepeatedValues, type Options } from '../cliArgs';
import { startBackend } from '../cliBackend';
import { checkOutFolder } from '../outputFiles';
import { mergeAtlasShards } from '../shard/atlasShard';
import { readShards } from '../shard/shardFolders';
import { mergeTopkShards } from '../shard/topkShard';
import { writeTopkOutput } from './topkCommand';

export const mergeUsage = 'layer-lens merge --out DIR SHARD_DIR … (the --out of sharded topk or atlas runs, or their shard-i-of-n folders)';

const MERGE_OPTIONS = { out: { type: 'string' }, backend: { type: 'string' } } satisfies Options;

export async function mergeCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: MERGE_OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw argumentError(e);
  }
  refuseRepeatedValues(parsed.tokens, MERGE_OPTIONS);
  const { values, positionals } = parsed;
  if (!values.out) throw new LayerLensError('badArgument', '--out is required.');
  const outDir = resolve(values.out);
  checkOutFolder(outDir);
  // Every refusal (unfinished, missing, mismatched shard) comes before any work.
  const shards = readShards(positionals);
  const first = shards[0]!.manifest;
  if (first.kind === 'atlas') {
    const site = await mergeAtlasShards(shards, outDir);
    if (site.missing > 0) throw new LayerLensError('badArgument', `${site.missing} units of the atlas are in none of the ${shards.length} shards (first shard: ${shards[0]!.dir}).`);
    process.stdout.write(`${join(outDir, 'index.html')}: ${shards.length} shards merged, ${site.layers} layer${site.layers === 1 ? '' : 's'}, ${site.units} units\n`);
    return;
  }
  const { result, spec, imagesDir } = mergeTopkShards(shards);
  // The rows are drawn through TF.js (resize to the model's view): the backend the shards' topk used by default.
  await startBackend(values.backend);
  if (!webpWasmConfigured()) useWebpWasmFromDisk(existsSync(join(__dirname, WEBP_WASM_FILE)) ? __dirname : undefined);
  await writeTopkOutput(result, spec, imagesDir, outDir);
  process.stdout.write(`${join(outDir, 'topk.json')}: ${shards.length} shards merged, ${result.channels} channels, ${result.imageCount} images, ${result.skipped.length} skipped\n`);
}
