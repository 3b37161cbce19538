// ONNX op type -> compiler. Anything not listed here is reported as unsupported at load time.
import type { Compiler } from './opTypes';
import { conv, convTranspose } from './opsConv';
import { averagePool, batchNormalization, globalAveragePool, globalMaxPool, instanceNormalization, lrn, maxPool } from './opsPool';
import { cast, clip, nary, naryOps, unary, unaryOps } from './opsElementwise';
import { gemm, logSoftmax, matMul, reduce, reduceOps, resize, softmax } from './opsMath';
import { layerNormalization } from './opsNorm';
import {
  concat, constant, constantOfShape, expand, flatten, gather, pad, range, reshape, shapeOp, sizeOp, slice, split,
  squeeze, tile, transpose, unsqueeze,
} from './opsShape';

const OPS = new Map<string, Compiler>([
  ['Conv', conv],
  ['ConvTranspose', convTranspose],
  ['MaxPool', maxPool],
  ['AveragePool', averagePool],
  ['GlobalAveragePool', globalAveragePool],
  ['GlobalMaxPool', globalMaxPool],
  ['LRN', lrn],
  ['BatchNormalization', batchNormalization],
  ['InstanceNormalization', instanceNormalization],
  ['LayerNormalization', layerNormalization],
  ['Clip', clip],
  ['Cast', cast],
  ['Gemm', gemm],
  ['MatMul', matMul],
  ['Softmax', softmax],
  ['LogSoftmax', logSoftmax],
  ['Resize', resize],
  ['Upsample', resize],
  ['Flatten', flatten],
  ['Reshape', reshape],
  ['Transpose', transpose],
  ['Concat', concat],
  ['Split', split],
  ['Slice', slice],
  ['Pad', pad],
  ['Squeeze', squeeze],
  ['Unsqueeze', unsqueeze],
  ['Gather', gather],
  ['Expand', expand],
  ['Tile', tile],
  ['Shape', shapeOp],
  ['Size', sizeOp],
  ['ConstantOfShape', constantOfShape],
  ['Constant', constant],
  ['Range', range],
  ...unaryOps.map((op): [string, Compiler] => [op, unary]),
  ...naryOps.map((op): [string, Compiler] => [op, nary]),
  ...reduceOps.map((op): [string, Compiler] => [op, reduce]),
]);

/** Ops whose outputs depend only on input shapes: always folded to constants at load time. */
export const SHAPE_ONLY_OPS: ReadonlySet<string> = new Set(['Shape', 'Size']);

export function compilerFor(opType: string, domain: string): Compiler | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return OPS.get(opType);
}
