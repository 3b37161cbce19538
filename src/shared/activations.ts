// DTOs of feature maps: what one forward pass yields per layer. Typed arrays throughout: they cross the
// engine → host → webview boundaries as binary, never as JSON number lists.

/** Per-channel statistics of one layer's output; index = channel (the last axis). */
export interface ChannelStats {
  min: Float32Array;
  max: Float32Array;
  mean: Float32Array;
  /** Fraction of the channel's values that are exactly 0 (dead units after a ReLU). */
  zeroFraction: Float32Array;
}

export interface LayerActivation {
  layerId: string;
  /** NHWC for image-like outputs, [N, C] for vectors; other ranks as the layer produced them, channels last. */
  shape: number[];
  /** Row-major values in `shape` order. */
  data: Float32Array;
  stats: ChannelStats;
}

export interface Prediction {
  classIndex: number;
  /** From the model's labels, or `class N` when it has none. */
  label: string;
  /** Softmax probability (0..1). */
  probability: number;
  /** The raw output value: a logit, or the probability itself when the model ends in a softmax. */
  score: number;
}
