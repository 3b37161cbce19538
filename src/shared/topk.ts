// DTOs of dataset examples (top-k images per channel). Plain data: the result crosses engine → host → webview
// and is cached on disk as JSON, so it holds no tensors and no typed arrays.

/** A rectangle in model-input pixels (what the model sees after preprocessing), inclusive of x/y, `width` × `height`. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where one axis of a layer's output grid looks in the input: unit i covers input pixels
 * [start + i·stride, end + i·stride], clipped to [0, length − 1]. `start` null = every unit starts at 0 (the field
 * runs off the left/top edge for all of them); `end` null = every unit reaches the last pixel.
 */
export interface AxisField {
  stride: number;
  start: number | null;
  end: number | null;
  /** Input pixels along this axis. */
  length: number;
}

/** The receptive field of a layer's units, measured on the model itself (see receptiveField.ts for how). */
export interface ReceptiveField {
  rows: AxisField;
  cols: AxisField;
  /** Unclipped field size [height, width] when measurable; null where it runs past the image on both sides. */
  size: [number | null, number | null];
}

export interface TopkEntry {
  /** The file as the caller named it (an absolute path from the Node adapter). */
  file: string;
  /** The channel's maximum over the output grid for this image: what the ranking uses. */
  value: number;
  /** The channel's mean over the output grid for this image. */
  mean: number;
  /** Argmax position in the layer's output grid (0, 0 for vector outputs). */
  x: number;
  y: number;
  /** The unit's receptive field at (x, y), in model-input pixels: where to crop. */
  box: PixelBox;
}

export interface SkippedFile {
  file: string;
  /** One sentence naming the file and the problem. */
  reason: string;
}

export interface TopkResult {
  layerId: string;
  k: number;
  /** Channels of the layer; `top[c]` has at most k entries, value descending (ties: earlier file first). */
  channels: number;
  top: TopkEntry[][];
  /** Output grid [height, width] of the layer (1 × 1 for vector outputs). */
  grid: [number, number];
  /** Model input [height, width] the boxes refer to. */
  input: [number, number];
  receptiveField: ReceptiveField;
  /** Files scored; skipped files are not counted here. */
  imageCount: number;
  skipped: SkippedFile[];
  batchSize: number;
  /** Wall time of the run that computed this result (the cached value when `fromCache`). */
  ms: number;
  fromCache: boolean;
}
