// ONNX external data: a tensor whose bytes live in another file of the model's folder (onnx.save_model with
// save_as_external_data, or any model over 2 GiB), named by `location`, `offset` and `length` entries. Every claim
// is checked before bytes are read or allocated: the file must lie inside the folder, offset and length must be
// plain non-negative integers, the length must be what the tensor's shape needs and the range must lie inside the
// file. The `checksum` entry (SHA-1 of the bytes) is not verified, as onnxruntime does not: the length check
// already catches the usual damage (a truncated or mismatched weight file). Pure: bytes come through `readFile`.
import { LayerLensError } from '../../shared/errors';
import { quoteName } from '../../shared/userText';
import { normalizeInside } from '../io/modelFiles';
import type { TensorMsg } from './onnxSchema';
import { claimedElements } from './validateOnnxSizes';

/** Reads a file named relative to the model's folder (the ModelFiles seam's `read`). */
export type ExternalFileReader = (relativeName: string) => Promise<Uint8Array>;

export interface ExternalRef {
  /** The location as written in the model (quoted in messages). */
  location: string;
  /** The location normalized inside the model's folder (the cache key and what is read). */
  inside: string;
  offset: number;
  length: number | undefined;
}

/** The tensor's external-data entries, checked; throws one sentence naming the model and the entry. */
export function externalRef(t: TensorMsg, fileName: string): ExternalRef {
  const entry = (key: string) => t.externalData?.find((e) => e.key === key)?.value;
  const label = tensorName(t);
  const location = entry('location');
  if (!location) throw new LayerLensError('malformedModel', `${fileName} is malformed: ${label} is stored externally but names no file.`);
  const inside = normalizeInside(location);
  if (inside === null) {
    throw new LayerLensError('pathEscape', `${fileName} keeps ${label} in '${quoteName(location)}', which lies outside the model's folder, so it was not read.`);
  }
  const integer = (key: string): number | undefined => {
    const text = entry(key);
    if (text === undefined || text === '') return undefined;
    const value = /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : NaN;
    if (!Number.isSafeInteger(value)) {
      throw new LayerLensError('malformedModel', `${fileName} is malformed: ${label} gives the ${key} '${quoteName(text, 40)}' in its external file '${quoteName(location)}', which is not a byte count.`);
    }
    return value;
  };
  return { location, inside, offset: integer('offset') ?? 0, length: integer('length') };
}

/**
 * The bytes of an externally stored tensor, `bytesPerValue` wide, read once per file (`cache` is shared by the
 * model's tensors). A missing or short file is one sentence naming the model and the file.
 */
export async function readExternalTensor(
  t: TensorMsg,
  fileName: string,
  bytesPerValue: number,
  readFile: ExternalFileReader | undefined,
  cache: Map<string, Uint8Array>,
): Promise<Uint8Array> {
  const ref = externalRef(t, fileName);
  const label = tensorName(t);
  const where = `its external file '${quoteName(ref.location)}'`;
  const elements = claimedElements((t.dims ?? []).map(Number));
  if (typeof elements === 'string') throw new LayerLensError('malformedModel', `${fileName} is malformed: ${label} claims ${elements}.`);
  const needed = elements * bytesPerValue;
  if (ref.length !== undefined && ref.length !== needed) {
    throw new LayerLensError('malformedModel', `${fileName} is malformed: ${label} declares ${ref.length} bytes in ${where} where its shape needs ${needed}.`);
  }
  let file = cache.get(ref.inside);
  if (!file) {
    if (!readFile) throw new LayerLensError('missingWeights', `${fileName} keeps ${label} in ${where}, which cannot be read here.`);
    try {
      file = await readFile(ref.inside);
    } catch (e) {
      if (e instanceof LayerLensError) throw e;
      throw new LayerLensError('missingWeights', `${fileName} keeps ${label} in ${where}, which is missing or unreadable beside it.`);
    }
    cache.set(ref.inside, file);
  }
  if (ref.offset + needed > file.length) {
    throw new LayerLensError(
      'missingWeights',
      `${fileName} keeps ${label} at bytes ${ref.offset} to ${ref.offset + needed} of ${where}, which holds only ${file.length} bytes (is it truncated, or from another export?).`,
    );
  }
  return file.subarray(ref.offset, ref.offset + needed);
}

function tensorName(t: TensorMsg): string {
  return t.name ? `tensor '${quoteName(t.name)}'` : 'an unnamed tensor';
}
