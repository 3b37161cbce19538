// ImageNet's class names for classifiers that come without their own (a sidecar's labels always win). The list is
// data, not code: imagenetClasses.json names where it was taken from. It is loaded only by the core (engine and
// CLI bundles), never by a webview.
import type { ModelInfo } from '../../shared/model';
import { predictionLayerId } from '../activations/topPredictions';
import imagenet from './imagenetClasses.json';

/** ILSVRC-2012's 1000 classes in class-id order, as torchvision's ImageNet weights name them. */
export const IMAGENET_CLASSES: readonly string[] = imagenet.classes;

/**
 * ImageNet's names for a class output of `classCount` entries: 1000 is ImageNet-1k; 1001 is the TF-slim
 * convention (Inception and MobileNet checkpoints from TensorFlow's model zoo), where entry 0 is "background" and
 * the 1000 classes follow. Any other count has no default names.
 */
export function imagenetLabelsFor(classCount: number | undefined): string[] | undefined {
  if (classCount === 1000) return [...IMAGENET_CLASSES];
  if (classCount === 1001) return ['background', ...IMAGENET_CLASSES];
  return undefined;
}

/** The number of classes of the layer the top predictions are read from, when it is a [N, classes] vector of known size. */
export function classCountOf(info: ModelInfo): number | undefined {
  const id = predictionLayerId(info);
  const shape = id ? info.layers.find((l) => l.id === id)?.outputShape : undefined;
  if (!shape || shape.length !== 2) return undefined;
  const n = shape[1];
  return typeof n === 'number' && n > 0 ? n : undefined;
}
