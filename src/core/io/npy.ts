// NumPy .npy files (format 1.0-3.0): read float32 / float64 / int64 / int32 little-endian arrays in C order
// as Float32Array, write float32. Used by the CLI and by tests that compare with PyTorch.
import { LayerLensError } from '../../shared/errors';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function readNpy(bytes: Uint8Array, fileName = 'the .npy file'): NpyArray {
  const bad = (why: string) => new LayerLensError('badArgument', `${fileName} is not a readable .npy array: ${why}.`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('the NumPy magic bytes are missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw bad('its header is truncated');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw bad('its header has no descr, fortran_order or shape');
  if (fortran === 'True') throw bad('it is stored in Fortran order');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const kinds: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '|u1': [1, (o) => view.getUint8(o)],
  };
  const kind = kinds[descr];
  if (!kind) throw bad(`its dtype '${descr}' is not float32, float64, int64, int32 or uint8 little-endian`);
  const [width, read] = kind;
  const dataStart = start + headerLen;
  if (dataStart + size * width > bytes.length) throw bad(`it holds fewer than the ${size} values its shape needs`);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = read(dataStart + i * width);
  return { shape, data };
}

export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new LayerLensError('badArgument', `writeNpy got ${data.length} values for the shape [${shape.join(', ')}].`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad so that magic + version + length + header ends on a multiple of 64 bytes, newline-terminated.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat32(total + i * 4, data[i], true);
  return out;
}
