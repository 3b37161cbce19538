// Channels-first (NCHW) TF.js GraphModels. TF.js runs convolutions, pooling, bias adds and batch norms NHWC only
// (wasm refuses an NCHW Conv2D; the converter broadcasts a bias or a batch norm along the last axis), so each such
// node with data_format NCHW is rewritten as Transpose → the same op in NHWC → Transpose back. The listed layer
// stands for the inner NHWC node, so its output needs no transpose; every other 4-D output whose layout works out
// to NCHW (propagated from the input through the graph) is transposed to NHWC at the model's boundary.
import type * as tf from '@tensorflow/tfjs-core';
import { inputNodeName, type GraphNodeJson } from './tfjsGraphTopology';

export type Layout = 'NHWC' | 'NCHW';

/** Helper nodes this module adds carry this in their name; they are never listed. */
export const NHWC_SUFFIX = '__layerLensNhwc';
const TO_NHWC_SUFFIX = '__layerLensToNhwc';
const PERM_TO_NHWC = 'permToNhwc__layerLensPerm';
const PERM_TO_NCHW = 'permToNchw__layerLensPerm';
export const TO_NHWC_PERM = [0, 2, 3, 1];
export const TO_NCHW_PERM = [0, 3, 1, 2];

/** Ops that take a data_format attribute TF.js honours only as NHWC. */
const LAYOUT_OPS = new Set([
  'Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'BiasAdd', 'MaxPool', 'AvgPool',
  'FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3',
]);
/** Ops whose `attr` lists hold one value per axis in data_format order. */
const PER_AXIS_ATTRS = ['strides', 'ksize', 'dilations'];

export function dataFormat(node: GraphNodeJson): Layout | undefined {
  const s = (node.attr?.data_format as { s?: string } | undefined)?.s;
  if (typeof s !== 'string') return undefined;
  const text = decode(s);
  return text === 'NCHW' ? 'NCHW' : text === 'NHWC' ? 'NHWC' : undefined;
}

function decode(s: string): string {
  try {
    return atob(s);
  } catch {
    return s;
  }
}

function encode(s: string): string {
  return btoa(s);
}

/** The declared shape of a Placeholder ([] when it declares none); -1 marks an unknown dimension. */
export function placeholderShape(node: GraphNodeJson): number[] {
  const dim = (node.attr?.shape as { shape?: { dim?: { size?: unknown }[] } } | undefined)?.shape?.dim;
  return Array.isArray(dim) ? dim.map((d) => Number(d?.size ?? -1)) : [];
}

/**
 * Whether the image input is channels-first: its shape reads [N, C, H, W] with C ∈ {1, 3, 4} and H, W larger
 * than 4 (or unknown) while its last axis could not be a channel count, or nothing in the shape says otherwise
 * and a convolution or pooling node declares NCHW.
 */
export function inputIsChannelsFirst(input: GraphNodeJson, nodes: GraphNodeJson[]): boolean {
  const s = placeholderShape(input);
  if (s.length !== 4) return false;
  const [, c, h, w] = s as [number, number, number, number];
  const channelLike = (d: number): boolean => d === 1 || d === 3 || d === 4;
  const spatial = (d: number): boolean => d === -1 || d > 4;
  if (channelLike(c) && spatial(h) && spatial(w) && !channelLike(w)) return true;
  const undecided = (c === -1 || channelLike(c)) && (w === -1 || !channelLike(w) || c === -1);
  return undecided && nodes.some((n) => LAYOUT_OPS.has(n.op) && n.op !== 'BiasAdd' && dataFormat(n) === 'NCHW');
}

export interface NhwcRewrite {
  nodes: GraphNodeJson[];
  artifacts: tf.io.ModelArtifacts;
  /** Listed node → the node computing its output in NHWC. */
  inner: Map<string, string>;
}

/** Rewrites every NCHW layout op as NHWC between two transposes; the artifacts gain the two permutation constants. */
export function rewriteNchwOps(nodes: GraphNodeJson[], artifacts: tf.io.ModelArtifacts): NhwcRewrite {
  const inner = new Map<string, string>();
  if (!nodes.some((n) => LAYOUT_OPS.has(n.op) && dataFormat(n) === 'NCHW')) return { nodes, artifacts, inner };
  const out: GraphNodeJson[] = [permConst(PERM_TO_NHWC), permConst(PERM_TO_NCHW)];
  for (const node of nodes) {
    const inputs = node.input ?? [];
    if (!LAYOUT_OPS.has(node.op) || dataFormat(node) !== 'NCHW' || inputs.length === 0) {
      out.push(node);
      continue;
    }
    const t = node.attr?.T ?? { type: 'DT_FLOAT' };
    const toNhwc = node.name + TO_NHWC_SUFFIX;
    const nhwc = node.name + NHWC_SUFFIX;
    out.push({ name: toNhwc, op: 'Transpose', input: [inputs[0] as string, PERM_TO_NHWC], attr: { T: t, Tperm: { type: 'DT_INT32' } } });
    out.push({ ...node, name: nhwc, input: [toNhwc, ...inputs.slice(1)], attr: nhwcAttrs(node.attr ?? {}) });
    out.push({ name: node.name, op: 'Transpose', input: [nhwc, PERM_TO_NCHW], attr: { T: t, Tperm: { type: 'DT_INT32' } } });
    inner.set(node.name, nhwc);
  }
  return { nodes: out, artifacts: withPermWeights(artifacts), inner };
}

function nhwcAttrs(attr: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const next: Record<string, Record<string, unknown>> = { ...attr, data_format: { s: encode('NHWC') } };
  for (const key of PER_AXIS_ATTRS) {
    const list = (attr[key]?.list as { i?: unknown[] } | undefined)?.i;
    if (Array.isArray(list) && list.length === 4) next[key] = { list: { i: TO_NHWC_PERM.map((a) => list[a]) } };
  }
  const pads = (attr.explicit_paddings?.list as { i?: unknown[] } | undefined)?.i;
  if (Array.isArray(pads) && pads.length === 8) {
    next.explicit_paddings = { list: { i: TO_NHWC_PERM.flatMap((a) => [pads[2 * a], pads[2 * a + 1]]) } };
  }
  return next;
}

function permConst(name: string): GraphNodeJson {
  return {
    name,
    op: 'Const',
    attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: '4' }] } } }, dtype: { type: 'DT_INT32' } },
  };
}

function withPermWeights(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const old = new Uint8Array((artifacts.weightData as ArrayBuffer | undefined) ?? new ArrayBuffer(0));
  const perms = Int32Array.from([...TO_NHWC_PERM, ...TO_NCHW_PERM]);
  const data = new Uint8Array(old.byteLength + perms.byteLength);
  data.set(old, 0);
  data.set(new Uint8Array(perms.buffer), old.byteLength);
  return {
    ...artifacts,
    weightSpecs: [
      ...(artifacts.weightSpecs ?? []),
      { name: PERM_TO_NHWC, shape: [4], dtype: 'int32' },
      { name: PERM_TO_NCHW, shape: [4], dtype: 'int32' },
    ],
    weightData: data.buffer,
  };
}

/**
 * The layout of each node's output, propagated from the input: an op with a data_format has that layout, a
 * Transpose with a constant permutation moves between the two, anything else keeps its first input's.
 * `constInts` reads a constant's values (a Transpose's permutation).
 */
export function nodeLayouts(
  nodes: GraphNodeJson[],
  inputLayout: (node: GraphNodeJson) => Layout,
  constInts: (name: string) => number[] | undefined,
): Map<string, Layout> {
  const layouts = new Map<string, Layout>();
  for (const node of nodes) {
    if (node.op === 'Const') continue;
    if (node.op === 'Placeholder') {
      layouts.set(node.name, inputLayout(node));
      continue;
    }
    const data = (node.input ?? []).filter((i) => !i.startsWith('^')).map(inputNodeName);
    const from = data.map((d) => layouts.get(d)).find((l): l is Layout => l !== undefined) ?? 'NHWC';
    if (node.op === 'Transpose') {
      const perm = data[1] ? constInts(data[1]) : undefined;
      layouts.set(node.name, transposed(layouts.get(data[0] ?? '') ?? 'NHWC', perm));
      continue;
    }
    layouts.set(node.name, dataFormat(node) ?? from);
  }
  return layouts;
}

function transposed(layout: Layout, perm: number[] | undefined): Layout {
  const key = perm?.join(',');
  if (key === '0,1,2,3') return layout;
  if (layout === 'NCHW' && key === TO_NHWC_PERM.join(',')) return 'NHWC';
  if (layout === 'NHWC' && key === TO_NCHW_PERM.join(',')) return 'NCHW';
  // Any other permutation leaves no image layout worth undoing.
  return 'NHWC';
}
