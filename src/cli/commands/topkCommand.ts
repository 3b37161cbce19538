import { join, relative, resolve, sep } from 'node:path';
import { listImageFiles } from '../../core/node/nodeTopk';
import { PngFileWriter } from '../../core/node/pngFiles';
import { topkOfFolder } from '../../core/node/topkOfFolder';
import { channelRow, loadDisplayImages, rowLayout } from '../../core/topk/topkPictures';
import { shardOf, shardOption, shardUsage } from '../shardOption';
import type { InputSpec } from '../../shared/model';
import type { PixelBox, TopkResult } from '../../shared/topk';
import { TOPK_MAX_BATCH } from '../../shared/topkProtocol';
import { integer, parse, required } from '../cliArgs';
import { imageModelOptions, openCliModel } from '../cliModel';
import { checkOutFolder, writeFileAtomic } from '../outputFiles';
import { MAX_IMAGE_FILE_BYTES, readRegularFile } from '../../core/node/regularFile';
import { preprocessLine, preprocessSettingsOf, preprocessUsage } from '../preprocessOption';
import { runTopkShard } from '../shard/topkShard';

export const topkUsage =
  `layer-lens topk --model M --layer L --images DIR --out DIR [--k K] [--batch N] [--cache DIR] [--input-size H,W] ${preprocessUsage} ${shardUsage} [--json]`;

/**
 * Writes DIR/topk.json — {"<channel>": [{file, value, x, y, mean, box}]}, value descending, `file` relative to the
 * images folder, x/y the argmax in the layer's grid, box the unit's field in model-input pixels — and
 * DIR/channel-<c>.png: the k images as the model sees them (field outlined), then the k crops.
 */
export async function topkCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' },
    layer: { type: 'string' },
    images: { type: 'string' },
    out: { type: 'string' },
    k: { type: 'string' },
    batch: { type: 'string' },
    cache: { type: 'string' },
    json: { type: 'boolean' },
    ...shardOption,
    ...imageModelOptions,
  });
  const inputSettings = preprocessSettingsOf(values);
  const modelPath = resolve(required(values, 'model'));
  const layerId = required(values, 'layer');
  const imagesDir = resolve(required(values, 'images'));
  const outDir = resolve(required(values, 'out'));
  checkOutFolder(outDir);
  const k = integer(values.k, 'k', 9, 1);
  const batchSize = values.batch === undefined ? undefined : integer(values.batch, 'batch', 16, 1, TOPK_MAX_BATCH);
  // A --cache that is a file failed deep in the run as 'an internal error'.
  if (typeof values.cache === 'string') checkOutFolder(resolve(values.cache), 'cache');
  const listed = listImageFiles(imagesDir); // a missing folder is named before the backend starts
  // --shard, or an array job's index (Slurm, Kubernetes, AWS Batch): this process scores one slice into OUT/shard-i-of-n.
  const shard = shardOf(values);
  const model = await openCliModel(values, modelPath);
  try {
    const tty = process.stderr.isTTY && !values.json;
    const cacheDir = typeof values.cache === 'string' ? resolve(values.cache) : undefined;
    if (shard) {
      const s = await runTopkShard({ model, modelPath, layerId, imagesDir, listed, k, batchSize, cacheDir, inputSettings, outDir, shard });
      process.stdout.write(`${s.dir}: shard ${shard.index + 1} of ${shard.count}, ${s.images} images${s.skipped ? ', finished before (skipped)' : ''}\n`);
      return;
    }
    const { result, spec } = await topkOfFolder(model, { layerId, images: { folder: imagesDir, listed }, k, batchSize, cacheDir, inputSettings }, {
      onProgress: tty ? (p) => process.stderr.write(`\r${p.message ?? `${p.done} of ${p.total}`}\x1b[K`) : undefined,
    });
    if (tty) process.stderr.write('\n');
    // Said once the images are scored, so it counts those read and never precedes a refusal; only an asked-for
    // --k is worth it (the default 9 over a small folder is no surprise).
    const n = result.imageCount;
    if (values.k !== undefined && k > n) process.stderr.write(`topk: --k ${k} is more than the ${n} image${n === 1 ? '' : 's'} read from ${imagesDir}: each channel shows all ${n}.\n`);
    await writeTopkOutput(result, spec, imagesDir, outDir);
    const skipped = result.skipped.map((s) => ({ file: rel(imagesDir, s.file), reason: s.reason }));
    if (values.json) {
      const { rows, cols, size } = result.receptiveField;
      const summary = {
        out: outDir, layer: layerId, k, channels: result.channels, images: result.imageCount, skipped, grid: result.grid,
        receptiveField: { size, stride: [rows.stride, cols.stride] }, batchSize: result.batchSize, ms: result.ms, fromCache: result.fromCache,
      };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      for (const s of skipped) process.stderr.write(`skipped: ${s.reason}\n`);
      const from = result.fromCache ? ' (from the cache)' : '';
      process.stdout.write(`${preprocessLine(spec)}\n`);
      process.stdout.write(`${join(outDir, 'topk.json')}: ${result.channels} channels, ${result.imageCount} images, ${skipped.length} skipped, ${(result.ms / 1000).toFixed(1)} s${from}\n`);
    }
  } finally {
    model.dispose();
  }
}

/** topk.json and the channel rows: `layer-lens merge` of sharded runs writes them through here too. */
export async function writeTopkOutput(result: TopkResult, spec: InputSpec, imagesDir: string, outDir: string): Promise<void> {
  writeFileAtomic(join(outDir, 'topk.json'), `${JSON.stringify(topkJson(result, imagesDir), null, 1)}\n`);
  const images = await loadDisplayImages(result, (f) => readRegularFile(f, MAX_IMAGE_FILE_BYTES), spec);
  const layout = rowLayout(result);
  // Slots for the images there are, not for k: k = 100 over 20 images drew 80 empty slots per channel (22,804 px wide).
  const slots = Math.max(1, Math.min(result.k, result.imageCount));
  // Each row is drawn here while the rows before it are compressed on other threads.
  const pngs = new PngFileWriter();
  for (const [c, entries] of result.top.entries()) {
    const row = channelRow(entries, slots, images, layout);
    await pngs.write(join(outDir, `channel-${c}.png`), row.rgba, row.width, row.height);
  }
  await pngs.finish();
}

type TopkJson = Record<string, { file: string; value: number; x: number; y: number; mean: number; box: PixelBox }[]>;

function topkJson(result: TopkResult, imagesDir: string): TopkJson {
  const out: TopkJson = {};
  result.top.forEach((entries, c) => {
    out[String(c)] = entries.map((e) => ({ file: rel(imagesDir, e.file), value: e.value, x: e.x, y: e.y, mean: e.mean, box: e.box }));
  });
  return out;
}

function rel(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}
