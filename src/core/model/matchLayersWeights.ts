// Compares the weights a Keras topology's layers need with the weights its manifest holds, by the rules
// tfjs-layers' `loadWeights` uses (a manifest name may carry an RNN cell name: `layer/cell/kernel` fills
// `layer/kernel`), so that a mismatch is named in one sentence instead of TF.js's text.
import { LayerLensError } from '../../shared/errors';

export interface NamedShape {
  name: string;
  shape: readonly number[];
}

/** Throws 'badWeights' for the first weight that is missing, extra, or of the wrong shape; returns otherwise. */
export function matchLayersWeights(needed: readonly NamedShape[], provided: readonly NamedShape[], path: string): void {
  const want = new Map(needed.map((w) => [w.name, w]));
  const filled = new Set<string>();
  for (const p of provided) {
    let target = want.get(p.name);
    if (!target) {
      const parts = p.name.split('/');
      target = want.get([...parts.slice(0, -2), parts[parts.length - 1]].join('/'));
    }
    if (!target) {
      throw new LayerLensError('badWeights', `${path} lists the weight '${p.name}', which no layer of its topology has.`);
    }
    if (filled.has(target.name)) throw new LayerLensError('badWeights', `${path} lists the weight '${target.name}' twice.`);
    if (!sameShape(target.shape, p.shape)) {
      throw new LayerLensError(
        'badWeights',
        `${path} stores the weight '${p.name}' with shape [${p.shape.join(', ')}], but its layer needs [${target.shape.join(', ')}].`,
      );
    }
    filled.add(target.name);
  }
  const missing = needed.filter((w) => !filled.has(w.name));
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} other weight${missing.length > 2 ? 's' : ''})` : '';
    throw new LayerLensError('missingWeights', `${path} has no values for the weight '${(missing[0] as NamedShape).name}'${more} that its layers need.`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
