// Which GraphModel ops tfjs-converter can run, asked of the converter itself (its op mapper holds one entry per
// op it executes), so the list follows the installed version. Ops that force `executeAsync` (control flow,
// dynamic shapes, hash tables) are told apart: Layer Lens runs graphs synchronously.
import { OperationMapper } from '@tensorflow/tfjs-converter/dist/operations/operation_mapper';
import { isControlFlow, isDynamicShape, isHashTable } from '@tensorflow/tfjs-converter/dist/executor/model_analysis';
import type { Node } from '@tensorflow/tfjs-converter/dist/operations/types';

export type GraphOpSupport = 'supported' | 'async' | 'unknown';

let known: ReadonlySet<string> | undefined;

export function graphOpSupport(op: string): GraphOpSupport {
  known ??= new Set(Object.keys((OperationMapper.Instance as unknown as { opMappers: Record<string, unknown> }).opMappers));
  if (!known.has(op)) return 'unknown';
  const node = { op } as Node;
  return isControlFlow(node) || isDynamicShape(node) || isHashTable(node) ? 'async' : 'supported';
}
