import type { ModelInfo } from '../../shared/model';
import type { Prediction } from '../../shared/activations';

/**
 * The k most likely classes. Values that already form a distribution (all in [0, 1], summing to 1 within
 * 1e-3) are taken as probabilities; anything else is treated as logits and put through a softmax.
 */
export function topPredictions(values: ArrayLike<number>, labels?: readonly string[], k = 5): Prediction[] {
  const n = values.length;
  let sum = 0;
  let inUnit = true;
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (!(v >= 0 && v <= 1)) inUnit = false;
    if (v > peak) peak = v;
  }
  const isProbability = inUnit && Math.abs(sum - 1) <= 1e-3;
  const probs = new Float64Array(n);
  if (isProbability) {
    for (let i = 0; i < n; i++) probs[i] = values[i];
  } else {
    let z = 0;
    for (let i = 0; i < n; i++) z += probs[i] = Math.exp(values[i] - peak); // shift by the max: no overflow
    for (let i = 0; i < n; i++) probs[i] /= z;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  return order.slice(0, Math.max(0, k)).map((i) => ({
    classIndex: i,
    label: labels?.[i] ?? `class ${i}`,
    probability: probs[i],
    score: values[i],
  }));
}

/** The layer whose output to rank: the logits when the loader found them, else the first model output. */
export function predictionLayerId(info: ModelInfo): string | undefined {
  return info.logitsId ?? info.outputIds[0];
}
