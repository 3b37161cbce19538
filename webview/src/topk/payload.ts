// Checks a result message from the host before use, and makes sure its pixel arrays are the typed arrays the
// drawing code expects (structured clone keeps them, but a view of another kind — or a plain array from a
// JSON round trip — is converted rather than trusted). Pure: unit-tested in Node.
import type { TopkFindResult, TopkPictures } from '../../../src/shared/topkProtocol';

export function asClamped(x: unknown): Uint8ClampedArray | undefined {
  if (x instanceof Uint8ClampedArray) return x;
  if (ArrayBuffer.isView(x)) return new Uint8ClampedArray(x.buffer, x.byteOffset, x.byteLength);
  if (x instanceof ArrayBuffer) return new Uint8ClampedArray(x);
  if (Array.isArray(x)) return Uint8ClampedArray.from(x as number[]);
  return undefined;
}

export function asInt32(x: unknown): Int32Array | undefined {
  if (x instanceof Int32Array) return x;
  if (ArrayBuffer.isView(x) && x.byteLength % 4 === 0 && x.byteOffset % 4 === 0) return new Int32Array(x.buffer, x.byteOffset, x.byteLength / 4);
  if (Array.isArray(x)) return Int32Array.from(x as number[]);
  return undefined;
}

/** The result with its arrays checked against each other's sizes; undefined when anything does not add up. */
export function normalizeRun(raw: unknown): TopkFindResult | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const run = raw as TopkFindResult;
  const r = run.result;
  const p = run.pictures as TopkPictures | undefined;
  if (!r || !p || !Array.isArray(r.top) || !Array.isArray(p.files) || typeof r.k !== 'number' || typeof r.channels !== 'number') return undefined;
  const thumbs = asClamped(p.thumbs);
  const thumbIndex = asInt32(p.thumbIndex);
  if (!thumbs || !thumbIndex) return undefined;
  if (thumbs.length !== p.files.length * p.thumbWidth * p.thumbHeight * 4 || thumbIndex.length !== r.channels * r.k) return undefined;
  let crops: TopkPictures['crops'];
  if (p.crops) {
    const rgba = asClamped(p.crops.rgba);
    const cropSize = asInt32(p.crops.cropSize);
    if (!rgba || !cropSize || rgba.length !== thumbIndex.length * p.crops.side * p.crops.side * 4 || cropSize.length !== thumbIndex.length * 2) return undefined;
    crops = { side: p.crops.side, cropSize, rgba };
  }
  const pictures: TopkPictures = { ...p, thumbs, thumbIndex, failed: Array.isArray(p.failed) ? p.failed : [] };
  if (crops) pictures.crops = crops;
  else delete pictures.crops;
  return { ...run, pictures };
}
