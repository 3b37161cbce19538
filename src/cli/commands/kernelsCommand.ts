import { composeKernelGrid } from '../../core/kernels/kernelGrid';
import { computeKernelTiles } from '../../core/kernels/kernelTiles';
import { encodePng } from '../../core/image/encodePng';
import type { KernelMode, KernelNormalization } from '../../shared/kernelsProtocol';
import { displayKernelShape, kernelOrderName } from '../../shared/shapeText';
import { backendOption, integer, oneOf, parse, required } from '../cliArgs';
import { openCliModel } from '../cliModel';
import { checkOutFile, writeFileAtomic } from '../outputFiles';
import { LayerLensError } from '../../shared/errors';
import { MAX_IMAGE_PIXELS } from '../../core/image/types';
import type { KernelTiles } from '../../core/kernels/kernelTiles';

export const kernelsUsage =
  'layer-lens kernels --model M --layer L --out FILE.png [--normalize filter|layer] [--mode auto|rgb|perChannel|mean] [--scale N] [--sort l2] [--json]';

export async function kernelsCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' },
    layer: { type: 'string' },
    out: { type: 'string' },
    normalize: { type: 'string' },
    mode: { type: 'string' },
    scale: { type: 'string' },
    sort: { type: 'string' },
    json: { type: 'boolean' },
    ...backendOption,
  });
  const modelPath = required(values, 'model');
  const layerId = required(values, 'layer');
  const out = required(values, 'out');
  checkOutFile(out);
  const normalize = oneOf<KernelNormalization>(values.normalize, 'normalize', ['filter', 'layer'], 'filter');
  const mode = oneOf<KernelMode>(values.mode, 'mode', ['auto', 'rgb', 'perChannel', 'mean'], 'auto');
  const order = oneOf(values.sort, 'sort', ['index', 'l2'], 'index');
  // Read before the model loads; whether the grid fits at that scale is known once the kernels are.
  const askedScale = values.scale === undefined ? undefined : integer(values.scale, 'scale', 1, 1);
  const model = await openCliModel(values, modelPath);
  try {
    if (!model.info.layers.some((l) => l.id === layerId)) {
      throw new LayerLensError('unknownLayer', `${model.info.name} has no layer "${layerId}" (layer-lens layers --model M lists them).`);
    }
    const tiles = await computeKernelTiles(model, layerId, { mode, normalize });
    // Small kernels (3×3) are unreadable at 1 px a weight: scale them to about 24 px unless told otherwise.
    const fits = largestScale(tiles, order);
    // Without --scale, the readable default is lowered to what fits (perChannel 1×1 kernels of 832 inputs at 24 px
    // a weight would be 200 megapixels); a --scale the user gave that does not fit is refused, saying what does.
    const scale = askedScale ?? Math.max(1, Math.min(fits, Math.round(24 / Math.max(tiles.tileWidth, tiles.tileHeight))));
    checkGridSize(tiles, order, scale, layerId, fits);
    const grid = composeKernelGrid(tiles, { scale, order });
    writeFileAtomic(out, encodePng(grid.rgba, grid.width, grid.height));
    if (values.json) {
      // kernelShape is the core's HWIO; `kernel` is the same weight as the model's framework stores it (OIHW for ONNX).
      const kind = model.info.layers.find((l) => l.id === layerId)?.kind;
      const kernel = `${displayKernelShape(tiles.kernelShape, model.info.nativeLayout, kind)} (${kernelOrderName(tiles.kernelShape, model.info.nativeLayout, kind)})`;
      const summary = { file: out, layer: layerId, kernelShape: tiles.kernelShape, kernel, mode: tiles.mode, normalize, scale, width: grid.width, height: grid.height, tiles: tiles.count };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      process.stdout.write(`${out}\n`);
    }
  } finally {
    model.dispose();
  }
}

/** The grid's width and height at a scale: the grid at scale 1 gives the columns and rows; the 1 px gaps do not scale. */
function gridSizeAt(tiles: KernelTiles, order: 'index' | 'l2'): (scale: number) => [number, number] {
  const one = composeKernelGrid(tiles, { scale: 1, order });
  const columns = (one.width + 1) / (tiles.tileWidth + 1);
  const rows = (one.height + 1) / (tiles.tileHeight + 1);
  return (s) => [columns * tiles.tileWidth * s + columns - 1, rows * tiles.tileHeight * s + rows - 1];
}

/** The largest scale whose image stays within the image limit (at least 1). */
function largestScale(tiles: KernelTiles, order: 'index' | 'l2'): number {
  const size = gridSizeAt(tiles, order);
  let fits = 1;
  while (size(fits + 1)[0] * size(fits + 1)[1] <= MAX_IMAGE_PIXELS) fits++;
  return fits;
}

/**
 * Refuses a --scale whose image would pass the image limit before allocating it (a --scale of 100000 ran out of
 * memory in the middle of drawing), saying the largest scale that fits.
 */
function checkGridSize(tiles: KernelTiles, order: 'index' | 'l2', scale: number, layerId: string, fits: number): void {
  const [width, height] = gridSizeAt(tiles, order)(scale);
  if (width * height <= MAX_IMAGE_PIXELS) return;
  throw new LayerLensError(
    'badArgument',
    `--scale ${scale} would draw ${layerId}'s kernels as ${width.toLocaleString('en-US')} × ${height.toLocaleString('en-US')} pixels, over the ${MAX_IMAGE_PIXELS / 1e6}-megapixel limit; the largest --scale that fits is ${fits}.`,
  );
}
