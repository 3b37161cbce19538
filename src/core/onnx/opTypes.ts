// What an op compiler sees and returns. A compiler runs once per node and input shape: it reads attributes
// and constant inputs, prepares weights, and returns the step that runs on every forward pass.
import type * as tf from '@tensorflow/tfjs-core';
import { zeros as tfZeros } from '@tensorflow/tfjs-core';
import { LayerLensError } from '../../shared/errors';
import type { AttrValue, ConstValue, OnnxNode } from './onnxGraph';
import type { LT } from './layout';

/** What is known about an input at compile time: its logical shape, and its value when constant. */
export interface StaticIn {
  shape: number[];
  konst?: ConstValue;
  /** True when every element is known to be >= 0 (after Relu, Sigmoid, ...). */
  nonNegative?: boolean;
}

export interface CompileContext {
  file: string;
  opset: number;
  backend: string;
  /** Tensors that outlive the forward pass (prepared weights); cached per node and key across input sizes. */
  cached(key: string, make: () => tf.Tensor): tf.Tensor;
}

export type Step = ((inputs: (LT | undefined)[]) => LT[]) & {
  /** Zeros of the output's shape, for the load-time pass that only needs shapes (heavy ops define it). */
  dry?: (inputs: (LT | undefined)[]) => LT[];
};

/** Attaches a shape-only variant producing NHWC zeros of [N, h, w, c]. */
export function withDry(step: Step, h: number, w: number, c: number): Step {
  step.dry = (inputs) => [{ t: tfZeros([inputs[0]!.t.shape[0], h, w, c]), perm: [0, 2, 3, 1] }];
  return step;
}
export type Compiler = (node: OnnxNode, ins: (StaticIn | undefined)[], cx: CompileContext) => Step;

export function attrInt(node: OnnxNode, name: string, dflt: number): number {
  const v = node.attrs.get(name);
  return typeof v === 'number' ? Math.trunc(v) : dflt;
}

export function attrFloat(node: OnnxNode, name: string, dflt: number): number {
  const v = node.attrs.get(name);
  return typeof v === 'number' ? v : dflt;
}

export function attrInts(node: OnnxNode, name: string): number[] | undefined {
  const v: AttrValue | undefined = node.attrs.get(name);
  if (Array.isArray(v)) return (v as number[]).map(Number);
  if (typeof v === 'number') return [v];
  return undefined;
}

export function attrString(node: OnnxNode, name: string, dflt: string): string {
  const v = node.attrs.get(name);
  return typeof v === 'string' ? v : dflt;
}

export function unsupported(cx: CompileContext, node: OnnxNode, what: string): LayerLensError {
  return new LayerLensError('unsupportedOp', `${cx.file} uses ${node.opType} with ${what} in node '${node.name}', which Layer Lens cannot import yet.`);
}

/** The integer values of a constant input; throws 'unresolvedShape' when the input is only known at run time. */
export function constInts(cx: CompileContext, node: OnnxNode, ins: (StaticIn | undefined)[], i: number, what: string): number[] {
  const k = ins[i]?.konst;
  if (!k) {
    throw new LayerLensError(
      'unresolvedShape',
      `${cx.file} computes the ${what} of node '${node.name}' (${node.opType}) from values known only at run time, so its shapes cannot be resolved statically.`,
    );
  }
  return Array.from(k.data, (x) => Math.trunc(x));
}

/** Float values of an optional constant input (undefined when omitted). */
export function constFloats(cx: CompileContext, node: OnnxNode, ins: (StaticIn | undefined)[], i: number, what: string): number[] | undefined {
  if (!ins[i]) return undefined;
  const k = ins[i]?.konst;
  if (!k) {
    throw new LayerLensError(
      'unresolvedShape',
      `${cx.file} computes the ${what} of node '${node.name}' (${node.opType}) from values known only at run time, so it cannot be resolved statically.`,
    );
  }
  return Array.from(k.data);
}

export function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
