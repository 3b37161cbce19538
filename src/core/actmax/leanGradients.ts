// tf.variableGrads with a backward pass that frees as it goes. TF.js's own (engine.gradients → backpropagateGradients,
// tfjs-core 4.22) keeps, until the whole backward pass ends, the gradient of every intermediate tensor, every
// partial gradient it added into a sum, and every tensor a taped op saved for its gradient; its peak is therefore
// the forward activations plus a gradient for each of them. Here the walk is the same — the same nodes in the same
// order, the same gradient functions, the same additions — so the values are the same bits, but a node's output
// gradients and saved tensors are released as soon as that node is done (no later node can read them: the tape is
// in topological order), and a partial gradient once it is added. On wasm the heap cannot pass 4 GiB: GoogLeNet →
// inception4a at 224 px peaked at 2776 MB of tensors (wasm heap 2712 MB) for 32 units with TF.js's pass, 1309 MB
// (heap 1250 MB) with this one; 8 units 703 → 333 MB (scripts/benchActmaxMemory.ts; the same image and curve bits).
import * as tf from '@tensorflow/tfjs-core';
import { getFilteredNodesXToY, type TapeNode } from '@tensorflow/tfjs-core/dist/tape';

/** The engine's tape state (public fields of tfjs-core's Engine, typed there as part of EngineState). */
interface TapeState {
  activeTape: TapeNode[] | null;
  gradientDepth: number;
}

/** Counts how many gradient-map entries hold each tensor: a gradient function may hand its dy back as a dx. */
class Holders {
  private readonly counts = new Map<tf.Tensor, number>();
  hold(t: tf.Tensor): void {
    this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
  }
  /** Drops one hold; true when no entry holds `t` any more. */
  release(t: tf.Tensor): boolean {
    const n = (this.counts.get(t) ?? 0) - 1;
    if (n > 0) {
      this.counts.set(t, n);
      return false;
    }
    this.counts.delete(t);
    return true;
  }
  held(t: tf.Tensor): boolean {
    return this.counts.has(t);
  }
}

/** d f / d v for each trainable variable in `vars` (by name), as tf.variableGrads(f, vars) returns them. */
export function leanVariableGrads(f: () => tf.Scalar, vars: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine();
  const state = engine.state as unknown as TapeState;
  const xs = vars.filter((v) => v.trainable);
  if (xs.length === 0) throw new Error('leanVariableGrads needs a trainable variable.');
  // Nested inside another gradient, the outer tape needs every saved tensor: TF.js's own pass then.
  if (state.gradientDepth > 0) return tf.variableGrads(f, vars) as { value: tf.Scalar; grads: tf.NamedTensorMap };
  state.activeTape = [];
  state.gradientDepth++;
  let y: tf.Tensor;
  try {
    y = engine.tidy('forward', f);
  } catch (e) {
    state.gradientDepth--;
    releaseSaved(state);
    throw e;
  }
  state.gradientDepth--;
  const tape = state.activeTape ?? [];
  try {
    return engine.tidy('backward', () => {
      const map: Record<number, tf.Tensor> = {};
      const holders = new Holders();
      const put = (id: number, t: tf.Tensor) => {
        map[id] = t;
        holders.hold(t);
      };
      put(y.id, tf.ones(y.shape));
      backprop(getFilteredNodesXToY(tape, xs, y), map, holders, put, new Set(xs.map((x) => x.id)));
      const grads: tf.NamedTensorMap = {};
      xs.forEach((x) => {
        const g = map[x.id];
        if (g) grads[x.name] = g;
      });
      if (Object.keys(grads).length === 0) throw new Error('Cannot find a connection between any variable and the result of the loss function.');
      if (y.rank !== 0) throw new Error(`The loss function must return a scalar, not a rank-${y.rank} tensor.`);
      return { value: y as tf.Scalar, grads };
    });
  } finally {
    releaseSaved(state);
  }
}

/** TF.js's backpropagateGradients, with each tensor released once nothing later reads it. */
function backprop(nodes: TapeNode[], map: Record<number, tf.Tensor>, holders: Holders, put: (id: number, t: tf.Tensor) => void, keep: Set<number>): void {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as TapeNode;
    const dys = node.outputs.map((o) => map[o.id] ?? null) as tf.Tensor[];
    if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGradients = node.gradient(dys);
    for (const name in node.inputs) {
      const fn = inputGradients[name];
      if (!fn) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
      const dx = tf.tidy(fn);
      const x = node.inputs[name] as tf.Tensor;
      if (dx.dtype !== 'float32') throw new Error(`The gradient of input ${name} of ${node.kernelName} must be float32, not ${dx.dtype}.`);
      if (!tf.util.arraysEqual(dx.shape, x.shape)) throw new Error(`The gradient of input ${name} of ${node.kernelName} has shape [${dx.shape}], not [${x.shape}].`);
      const current = map[x.id];
      if (current === undefined) {
        put(x.id, dx);
        continue;
      }
      put(x.id, tf.add(current, dx));
      if (holders.release(current)) current.dispose();
      if (dx !== current && !holders.held(dx)) dx.dispose();
    }
    // Every reader of this node's outputs came later on the tape and is done: their gradients are no longer needed.
    for (const o of node.outputs) {
      const g = map[o.id];
      if (g === undefined || keep.has(o.id)) continue;
      delete map[o.id];
      if (holders.release(g)) g.dispose();
    }
    for (const t of node.saved ?? []) t.dispose();
  }
}

/** The tensors every taped op saved for its gradient, as TF.js frees them after its own backward pass. */
function releaseSaved(state: TapeState): void {
  if (state.gradientDepth > 0) return;
  for (const node of state.activeTape ?? []) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}
