// What the native kernels addon (native/*.cc, built into dist/layer_lens_kernels.node) exports. Plain typed
// arrays in and out; sizes are checked on the C++ side too, so a wrong call throws instead of corrupting memory.

/** Opaque handle of a kernel packed for the matrix product (freed when garbage-collected). */
export type PackedFilter = object;

export interface NativeKernelsBinding {
  /** Packs a row-major K × N matrix (an HWIO kernel flattened to (kh·kw·Cin) × Cout). */
  packFilter(filter: Float32Array, K: number, N: number): PackedFilter;
  /** Packs B = wᵀ where `filter` is row-major N × K (an HWIO kernel read as (kh·kw·Cin) rows of Cout). */
  packFilterTransposed(filter: Float32Array, K: number, N: number): PackedFilter;
  /**
   * Input gradient of an NHWC conv into `dx` (overwritten), from dy and packFilterTransposed(w, Cout, kh·kw·Cin);
   * geometry is the forward conv's, as for conv2d.
   */
  conv2dBackpropInput(dy: Float32Array, filter: PackedFilter, dx: Float32Array, geometry: Int32Array): void;
  /**
   * NHWC convolution into `out`. geometry: batch, inH, inW, inC, outH, outW, outC, kernelH, kernelW,
   * strideH, strideW, dilationH, dilationW, padTop, padLeft. `bias` (outC values) and `relu` are fused.
   */
  conv2d(x: Float32Array, filter: PackedFilter, out: Float32Array, geometry: Int32Array, bias: Float32Array | null, relu: boolean): void;
  /**
   * Depthwise NHWC convolution into `out`: filter [kh, kw, C, M] as stored, geometry as for conv2d with inC = C
   * and outC = C·M. `bias` (outC values) and the activation (0 linear, 1 ReLU, 2 ReLU6) are fused.
   */
  depthwiseConv2d(x: Float32Array, filter: Float32Array, out: Float32Array, geometry: Int32Array, bias: Float32Array | null, activation: number): void;
  /** Input gradient of a depthwise conv into `dx` (overwritten); geometry is the forward conv's. */
  depthwiseConv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /**
   * Max-pool gradient (NHWC) into `dx`. geometry: batch, inH, inW, channels, outH, outW, filterH, filterW,
   * strideH, strideW, dilationH, dilationW, padTop, padLeft.
   */
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** out[i] = op(a[i]) · B for i < batch, a being batch × M × K (K × M when transposeA), B packed (K × N). */
  matMul(a: Float32Array, batch: number, M: number, K: number, transposeA: boolean, b: PackedFilter, out: Float32Array): void;
  /** Max pool (NHWC) into `y`; geometry as for maxPoolGrad. */
  maxPool(x: Float32Array, y: Float32Array, geometry: Int32Array): void;
  /**
   * One line shear of the actmax rotation: out[n, r, j, c] = x[n, r, k + j, c] blended linearly with its right
   * neighbour, k + f = offsets[r]; dims = [batch, rows, length, channels]; out is [batch, rows, lout, channels].
   */
  shearLines(x: Float32Array, dims: Int32Array, offsets: Float64Array, lout: number, out: Float32Array): void;
  /** A window of a 4-D tensor: shape, begin and size as Int32Array(4) each. */
  slice(x: Float32Array, shape: Int32Array, begin: Int32Array, size: Int32Array, out: Float32Array): void;
  /** out[i] = a[i] op v[i % v.length], a.length a multiple of v.length; op 0 add, 1 multiply, 2 a − v, 3 v − a. */
  channelBroadcast(a: Float32Array, v: Float32Array, out: Float32Array, op: number): void;
  /** out = x clamped to [lo, hi] elementwise (NaN stays NaN). */
  clamp(x: Float32Array, out: Float32Array, lo: number, hi: number): void;
  /** out = max(x, 0) elementwise (NaN stays NaN). */
  relu(x: Float32Array, out: Float32Array): void;
  /** Per-channel min, max, sum and zero count of NHWC values: 4 × channels doubles in that order. */
  channelStats(x: Float32Array, channels: number): Float64Array;
  /** out = x transposed: out.shape[i] = shape[perm[i]]; x and out both Float32Array or both Int32Array (bits copied). */
  transpose(x: Float32Array | Int32Array, shape: Int32Array, perm: Int32Array, out: Float32Array | Int32Array): void;
  /** out = x with before[i] / after[i] values of `value` (float32-rounded, or int32-truncated) around axis i. */
  padConstant(x: Float32Array | Int32Array, shape: Int32Array, before: Int32Array, after: Int32Array, value: number, out: Float32Array | Int32Array): void;
  /** Concatenation of inputs that are each `outer` rows: out row r is every input's row r in turn. */
  concat(inputs: (Float32Array | Int32Array)[], outer: number, out: Float32Array | Int32Array): void;
  /**
   * out = a · b for a row-major rows × K and b row-major K × N (K, N ≤ 4), summed and rounded as matMul sums
   * (the colour decorrelation's [N·H·W, 3] × [3, 3]).
   */
  smallMatMul(a: Float32Array, K: number, b: Float32Array, N: number, out: Float32Array): void;
  /** out[i] = a[i] / v[i % v.length] (reversed: v[i % v.length] / a[i]), a.length a multiple of v.length. */
  channelDivide(a: Float32Array, v: Float32Array, out: Float32Array, reversed: boolean): void;
  /** out = dy · (y · (1 − y)) elementwise: the sigmoid's gradient from its output y. */
  sigmoidGrad(y: Float32Array, dy: Float32Array, out: Float32Array): void;
  /** Threads every kernel uses (the calling thread counts as one). */
  setThreads(threads: number): void;
  info(): { isa: string; threads: number };
}
