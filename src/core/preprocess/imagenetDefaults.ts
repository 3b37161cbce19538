// The preprocessing an ImageNet classifier from PyTorch was trained with, used when nothing says otherwise.
import type { InputSpec, ModelInfo } from '../../shared/model';
import { defaultResizeSize, NORMALIZATIONS } from '../../shared/preprocessing';
import { classCountOf } from '../labels/imagenetLabels';

/** The range of square input sides taken as "ImageNet-sized": 224 (most), 240–600 (EfficientNets), 299 (Inception). */
const MIN_SIDE = 128;
const MAX_SIDE = 640;

/**
 * Whether a model is an ImageNet-style classifier from PyTorch: an ONNX model (ONNX here comes from PyTorch
 * exports, whose users preprocess with torchvision) with a float input of 3 channels, square, 128 to 640 px, and
 * a class output of 1000 (or 1001, TF-slim's background + 1000) entries. Such a model gets torchvision's
 * recipe: Resize(size · 256/224) on the shorter side, CenterCrop(size), Normalize(ImageNet mean, std) — where
 * no sidecar or setting says otherwise. TensorFlow.js and Keras models keep Layer Lens's plain defaults
 * (squash, [0, 1]): their ImageNet recipes differ from model to model (caffe, tf, torch modes).
 */
export function isImagenetStyle(info: ModelInfo, size: { height?: number; width?: number; channels?: number }): boolean {
  if (info.format !== 'onnx' || info.inputDtype) return false;
  const { height, width, channels } = size;
  if (channels !== 3 || height === undefined || height !== width || height < MIN_SIDE || height > MAX_SIDE) return false;
  const classes = classCountOf(info);
  return classes === 1000 || classes === 1001;
}

/** torchvision's ImageNet preprocessing for a square input of `side` pixels. */
export function imagenetPreprocessing(side: number): Partial<InputSpec> {
  return { resize: 'shorterSideCenterCrop', resizeSize: defaultResizeSize(side, side), normalize: 'torchvision', ...NORMALIZATIONS.torchvision };
}
