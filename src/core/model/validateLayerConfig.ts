// Bounds the size-giving numbers of one Keras layer config before tfjs-layers builds the layer: building
// allocates every weight at its full size (before the file's weights are matched), so `filters: 1e9` would ask
// for gigabytes and `kernel_size: 0` or `strides: 0` make shapes TF.js cannot compute.
// Returns what is wrong, or null; pure.

/** Channels, units or embedding sizes beyond this are not a CNN Layer Lens can show. */
const MAX_UNITS = 65536;
/** Windows, strides and dilations beyond this are not a real layer. */
const MAX_WINDOW = 4096;
/** One input's values (batch excluded): 2^26, as for ONNX images. */
const MAX_INPUT_VALUES = 2 ** 26;

const UNIT_KEYS = ['filters', 'units', 'depth_multiplier', 'input_dim', 'output_dim'];
const WINDOW_KEYS = ['kernel_size', 'strides', 'dilation_rate', 'pool_size', 'size'];

export function layerConfigProblem(className: string, config: Record<string, unknown>): string | null {
  for (const key of UNIT_KEYS) {
    if (!(key in config) || config[key] === null) continue;
    const v = config[key];
    if (!isWhole(v) || v < 1 || v > MAX_UNITS) return `has ${key} ${JSON.stringify(v)}, not a whole number from 1 to ${MAX_UNITS}`;
  }
  for (const key of WINDOW_KEYS) {
    if (!(key in config) || config[key] === null) continue;
    // UpSampling's `size` and pooling windows are lists or one number, like kernel_size.
    if (key === 'size' && !/UpSampling/.test(className)) continue;
    const v = config[key];
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || !list.every((x) => isWhole(x) && x >= 1 && x <= MAX_WINDOW)) {
      return `has ${key} ${JSON.stringify(v)}, not whole numbers from 1 to ${MAX_WINDOW}`;
    }
  }
  const shape = config.batch_input_shape ?? config.batchInputShape;
  if (shape !== undefined && shape !== null) {
    if (!Array.isArray(shape) || shape.length === 0) return `has a batch_input_shape that is not a list`;
    const dims = shape.slice(1);
    if (!dims.every((d) => d === null || (isWhole(d) && d >= 1))) return `has the input shape ${JSON.stringify(shape)}, with a dimension that is not a positive whole number`;
    const values = dims.reduce((a: number, d) => a * (typeof d === 'number' ? d : 1), 1);
    if (values > MAX_INPUT_VALUES) return `has the input shape ${JSON.stringify(shape)}, ${values} values per input, more than Layer Lens can run`;
  }
  return null;
}

function isWhole(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}
