// Which kind of model file a file is, from its first and last bytes, its name and the names beside it — so that a
// file Layer Lens cannot open is named for what it is, with the command that converts it, before any long work.
// Pure: the caller reads the bytes (the engine and CLI through src/core/node, the Layers tree in the host).
import { zipEntryNames } from './modelFormatZip';

export type ModelFormatKind =
  | 'tfjs'
  | 'onnx'
  | 'keras'
  | 'kerasHdf5'
  | 'torchscript'
  | 'torchPickle'
  | 'tflite'
  | 'savedModel'
  | 'frozenGraph'
  | 'safetensors'
  | 'caffeModel'
  | 'caffePrototxt'
  | 'coreml'
  | 'openvino'
  | 'ncnn'
  | 'darknet'
  | 'mxnet'
  | 'paddle'
  | 'gguf'
  | 'unknown';

/**
 * How Layer Lens treats a kind: its own loaders open it (`opens`), it is converted through the user's PyTorch
 * (`pytorch`), or it cannot be opened and the user is told what to run (`cannotOpen`); `unknown` is left to
 * the loaders' own refusal.
 */
export type FormatHandling = 'opens' | 'pytorch' | 'cannotOpen' | 'unknown';

export const HANDLING: Record<ModelFormatKind, FormatHandling> = {
  tfjs: 'opens',
  onnx: 'opens',
  keras: 'opens',
  kerasHdf5: 'opens',
  torchscript: 'pytorch',
  torchPickle: 'pytorch',
  tflite: 'cannotOpen',
  savedModel: 'cannotOpen',
  frozenGraph: 'cannotOpen',
  safetensors: 'cannotOpen',
  caffeModel: 'cannotOpen',
  caffePrototxt: 'cannotOpen',
  coreml: 'cannotOpen',
  openvino: 'cannotOpen',
  ncnn: 'cannotOpen',
  darknet: 'cannotOpen',
  mxnet: 'cannotOpen',
  paddle: 'cannotOpen',
  gguf: 'cannotOpen',
  unknown: 'unknown',
};

/** What the sniffer reads: the first bytes, optionally the last bytes and the file's size, and the folder's names. */
export interface FormatProbe {
  /** The file's name or path (only its last segment is used). */
  name: string;
  /** The first bytes of the file (SNIFF_HEAD_BYTES of them, or the whole file when shorter). */
  head: Uint8Array;
  /** The last bytes of the file (SNIFF_TAIL_BYTES), for a zip's central directory. */
  tail?: Uint8Array;
  /** The file's size in bytes. */
  size?: number;
  /** Names in the file's folder (folders without a trailing slash), for formats made of several files. */
  siblings?: readonly string[];
  /** True when the path is a folder (a SavedModel is a folder holding saved_model.pb). */
  isFolder?: boolean;
}

export const SNIFF_HEAD_BYTES = 64 * 1024;
export const SNIFF_TAIL_BYTES = 64 * 1024 + 22;

/** File extensions of model files the workspace scan lists, whether Layer Lens opens them or says what to run. */
export const MODEL_FILE_EXTENSIONS = [
  'onnx', 'keras', 'h5', 'hdf5', 'pt', 'pth', 'tflite', 'safetensors', 'pb', 'caffemodel', 'mlmodel', 'pdmodel', 'gguf',
] as const;

export function sniffModelFormat(probe: FormatProbe): ModelFormatKind {
  const name = lastSegment(probe.name).toLowerCase();
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  const siblings = (probe.siblings ?? []).map((s) => s.toLowerCase());
  if (probe.isFolder) return siblings.includes('saved_model.pb') || siblings.includes('saved_model.pbtxt') ? 'savedModel' : 'unknown';
  return byContent(probe, name, ext) ?? byName(name, ext, siblings, probe.head);
}

function byContent(probe: FormatProbe, name: string, ext: string): ModelFormatKind | undefined {
  const h = probe.head;
  // A FlatBuffer starts with the root table's offset; TFLite's file identifier follows it.
  if (ascii(h, 4, 4) === 'TFL3') return 'tflite';
  if (ascii(h, 0, 4) === 'GGUF') return 'gguf';
  if (isHdf5(h)) return 'kerasHdf5';
  if (ascii(h, 0, 4) === 'PK\u0003\u0004') return zipKind(probe);
  // Pickle protocol 2 to 5 starts with PROTO n: torch.save's legacy format (a module or a state dict).
  if (h[0] === 0x80 && h[1] !== undefined && h[1] >= 2 && h[1] <= 5) return 'torchPickle';
  if (isSafetensors(h, probe.size)) return 'safetensors';
  const text = leadingText(h);
  if (text === undefined) return undefined;
  if (text.startsWith('7767517')) return 'ncnn';
  if (/^<\?xml[^>]*>\s*<net[\s>]/.test(text) || /^<net[\s>]/.test(text)) return 'openvino';
  if (/^\[(net|network)\]/.test(text) && ext !== 'json') return 'darknet';
  if (text.startsWith('{')) {
    if (name.endsWith('-symbol.json') || (/"nodes"\s*:/.test(text) && /"arg_nodes"\s*:/.test(text))) return 'mxnet';
    if (/"modelTopology"\s*:|"weightsManifest"\s*:|"format"\s*:\s*"(graph|layers)-model"/.test(text)) return 'tfjs';
    return undefined;
  }
  if (ext === 'prototxt' || (ext !== 'json' && /^(name\s*:\s*"[^"]*"\s*)?(input\s*:|layers?\s*\{)/.test(text))) return 'caffePrototxt';
  return undefined;
}

function byName(name: string, ext: string, siblings: readonly string[], head: Uint8Array): ModelFormatKind {
  const stem = name.slice(0, name.length - ext.length - 1);
  switch (ext) {
    case 'json':
      return 'tfjs';
    case 'onnx':
      return 'onnx';
    case 'keras':
      return 'keras';
    case 'h5':
    case 'hdf5':
      return 'kerasHdf5';
    case 'pt':
    case 'pth':
    case 'ptl':
      return 'torchPickle';
    case 'tflite':
      return 'tflite';
    case 'safetensors':
      return 'safetensors';
    case 'pb':
    case 'pbtxt':
      // A SavedModel is saved_model.pb beside variables/; SavedModel protos start with schema version 1.
      if (stem === 'saved_model' || siblings.includes('variables') || (head[0] === 0x08 && head[1] === 0x01 && head[2] === 0x12)) return 'savedModel';
      return 'frozenGraph';
    case 'caffemodel':
      return 'caffeModel';
    case 'prototxt':
      return 'caffePrototxt';
    case 'mlmodel':
      return 'coreml';
    case 'xml':
      return siblings.includes(`${stem}.bin`) ? 'openvino' : 'unknown';
    case 'param':
      return 'ncnn';
    case 'bin':
      if (siblings.includes(`${stem}.xml`)) return 'openvino';
      if (siblings.includes(`${stem}.param`)) return 'ncnn';
      return 'unknown';
    case 'weights':
      // A Darknet .cfg is told by its `[net]` section; its .weights by the .cfg beside it.
      return siblings.some((s) => s.endsWith('.cfg')) ? 'darknet' : 'unknown';
    case 'params':
      return siblings.some((s) => s.endsWith('-symbol.json')) ? 'mxnet' : 'unknown';
    case 'pdmodel':
    case 'pdiparams':
      return 'paddle';
    case 'gguf':
      return 'gguf';
    default:
      return name === '__model__' ? 'paddle' : 'unknown';
  }
}

/** Keras 3 `.keras` (config.json + model.weights.h5), TorchScript (code/, constants.pkl) or torch.save's zip (data.pkl). */
function zipKind(probe: FormatProbe): ModelFormatKind | undefined {
  const names = zipEntryNames(probe.head, probe.tail, probe.size);
  const has = (test: (n: string) => boolean) => names.some(test);
  if (has((n) => n === 'config.json') && has((n) => n === 'model.weights.h5' || n === 'metadata.json')) return 'keras';
  if (has((n) => /(^|\/)constants\.pkl$/.test(n) || /(^|\/)code\//.test(n))) return 'torchscript';
  if (has((n) => /(^|\/)data\.pkl$/.test(n))) return 'torchPickle';
  return undefined;
}

function isHdf5(h: Uint8Array): boolean {
  // The superblock is at 0, or after a user block of 512, 1024, 2048… bytes.
  for (let at = 0; at + 8 <= h.length; at = at === 0 ? 512 : at * 2) {
    if (h[at] === 0x89 && ascii(h, at + 1, 7) === 'HDF\r\n\u001a\n') return true;
  }
  return false;
}

/** 8-byte little-endian header length, then that many bytes of JSON starting with `{"`. */
function isSafetensors(h: Uint8Array, size: number | undefined): boolean {
  if (h.length < 10) return false;
  const low = h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! * 2 ** 24);
  const high = h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! * 2 ** 24);
  if (high !== 0 || low < 2) return false;
  if (size !== undefined && 8 + low > size) return false;
  return h[8] === 0x7b && (h[9] === 0x22 || h[9] === 0x7d || h[9] === 0x20);
}

/** The start of the file as text when it is printable ASCII/UTF-8 text (whitespace trimmed), else undefined. */
function leadingText(h: Uint8Array): string | undefined {
  const n = Math.min(h.length, 4096);
  if (n === 0) return undefined;
  for (let i = 0; i < n; i++) {
    const c = h[i]!;
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) return undefined;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(h.subarray(0, n)).replace(/^\uFEFF/, '').trimStart();
}

function ascii(h: Uint8Array, at: number, length: number): string {
  if (at + length > h.length) return '';
  return String.fromCharCode(...h.subarray(at, at + length));
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? path;
}
