// Size limits of the ONNX importer, checked before anything is allocated: a tensor's declared dims, and the outputs
// of ops whose size comes from values in the file (a flipped byte must not ask for gigabytes). Pure arithmetic.

/** Beyond this no tensor is allocated: 2^28 floats are 1 GiB, more than any CNN layer's weights. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;
/** The image input: 2^26 values (e.g. 3 × 4096 × 4096 is 2^25.6), far above any image a CNN is run on. */
export const MAX_INPUT_ELEMENTS = 2 ** 26;

/** Element count of declared dims, or a reason the dims are impossible. */
export function claimedElements(dims: readonly number[]): number | string {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d)) return `a dimension of ${d}`;
    if (d < 0) return `the negative dimension ${d}`;
    n *= d;
  }
  return n > MAX_TENSOR_ELEMENTS ? `${n} values (more than the ${MAX_TENSOR_ELEMENTS} Layer Lens allocates for one tensor)` : n;
}

/** What compile time knows of an input (as opTypes' StaticIn): its shape, and its value when constant. */
interface KnownInput {
  shape: number[];
  konst?: { data: ArrayLike<number> };
}

/**
 * Elements of the output of an op whose output size comes from values in the file (ConstantOfShape, Expand,
 * Tile, Range, Resize, Upsample, Pad), when they are known at compile time; undefined for other ops.
 */
export function claimedOutputElements(opType: string, ins: readonly (KnownInput | undefined)[]): number | undefined {
  const values = (i: number): number[] | undefined => (ins[i]?.konst ? Array.from(ins[i]!.konst!.data, Number) : undefined);
  const product = (xs: number[]): number => xs.reduce((a, b) => a * Math.max(b, 0), 1);
  const x = ins[0]?.shape;
  switch (opType) {
    case 'ConstantOfShape': {
      const dims = values(0);
      return dims ? product(dims) : undefined;
    }
    case 'Expand': {
      const dims = values(1);
      if (!dims || !x) return undefined;
      const rank = Math.max(dims.length, x.length);
      const pad = (s: number[]) => [...Array(rank - s.length).fill(1), ...s];
      return product(pad(dims).map((d, i) => Math.max(d, pad(x)[i] as number)));
    }
    case 'Tile': {
      const reps = values(1);
      return reps && x ? product(x.map((d, i) => d * (reps[i] ?? 1))) : undefined;
    }
    case 'Range': {
      const [start, limit, delta] = [values(0)?.[0], values(1)?.[0], values(2)?.[0]];
      if (start === undefined || limit === undefined || delta === undefined) return undefined;
      return delta === 0 ? Infinity : Math.max(Math.ceil((limit - start) / delta), 0);
    }
    case 'Resize':
    case 'Upsample': {
      if (!x) return undefined;
      const sizes = values(3);
      if (sizes && sizes.length === x.length) return product(sizes);
      const scales = values(opType === 'Upsample' ? 1 : 2);
      return scales && scales.length === x.length ? product(x.map((d, i) => Math.floor(d * (scales[i] as number)))) : undefined;
    }
    case 'Pad': {
      const pads = values(1);
      return pads && x && pads.length === 2 * x.length ? product(x.map((d, i) => d + (pads[i] as number) + (pads[i + x.length] as number))) : undefined;
    }
    default:
      return undefined;
  }
}
