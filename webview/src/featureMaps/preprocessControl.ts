// Under the input thumbnail: the line that says how the image became the model's input (resize, normalization,
// and where they came from: the sidecar, the default for ImageNet models, the user's pick), and two selects to
// change them. "As the model says" leaves the choice to the sidecar and the defaults again.
import type { AppliedPreprocessing, PreprocessChoice } from '../../../src/shared/featureMapsProtocol';
import { NORMALIZATION_NAMES, RESIZE_MODES, type NormalizationName, type ResizeMode } from '../../../src/shared/preprocessing';
import { select, setSelected } from '../lib/controls';

/** Value of the "leave it to the sidecar and the defaults" option. */
const AUTO = 'auto';

const RESIZE_LABELS: Readonly<Record<ResizeMode, string>> = {
  stretch: 'Squash to size',
  centerCrop: 'Cover, center crop',
  shorterSideCenterCrop: 'Shorter side, center crop',
  pad: 'Fit, pad',
};

const RESIZE_HINTS: Readonly<Record<ResizeMode, string>> = {
  stretch: 'resize to the input size, ignoring the aspect ratio',
  centerCrop: 'scale to cover the input, cut the middle',
  shorterSideCenterCrop: "torchvision's Resize(256) + CenterCrop(224)",
  pad: 'scale to fit inside the input, black borders',
};

const NORMALIZE_HINTS: Readonly<Record<NormalizationName, string>> = {
  torchvision: '[0, 1] then ImageNet mean/std',
  torch: 'Keras "torch": as torchvision',
  caffe: 'Keras "caffe": BGR, 0..255 minus ImageNet mean',
  tf: 'Keras "tf": [−1, 1]',
  inception: 'Inception: [−1, 1]',
  none: '[0, 1]',
  raw: '0..255 as decoded',
};

export interface PreprocessControl {
  /** Picks `choice` in the selects and applies it, as a user would (tests use it). */
  choose(choice: PreprocessChoice): void;
}

/**
 * Appends the line and the selects to `root` when the pass says what it applied; `onChange` gets the whole new
 * choice (an absent field: as the model says).
 */
export function renderPreprocessControl(
  root: HTMLElement,
  applied: AppliedPreprocessing | undefined,
  choice: PreprocessChoice | undefined,
  onChange: (choice: PreprocessChoice) => void,
): PreprocessControl | undefined {
  if (!applied) return undefined;
  const line = document.createElement('p');
  line.id = 'preprocessingLine';
  line.className = 'fm-caption';
  line.textContent = `Preprocessing: ${applied.line}`;
  const current: PreprocessChoice = { ...choice };
  const emit = (): void => onChange({ ...current });
  const resize = select(
    'preprocessResize',
    'Resize',
    [{ value: AUTO, label: 'As the model says', description: RESIZE_LABELS[applied.resize] }, ...RESIZE_MODES.map((m) => ({ value: m, label: RESIZE_LABELS[m], description: RESIZE_HINTS[m] }))],
    current.resize ?? AUTO,
    (v) => {
      if (v === AUTO) delete current.resize;
      else current.resize = v as ResizeMode;
      emit();
    },
  );
  const normalize = select(
    'preprocessNormalize',
    'Normalize',
    [
      { value: AUTO, label: 'As the model says', description: applied.normalize ?? 'custom' },
      ...NORMALIZATION_NAMES.map((n) => ({ value: n, label: n, description: NORMALIZE_HINTS[n] })),
    ],
    current.normalize ?? AUTO,
    (v) => {
      if (v === AUTO) delete current.normalize;
      else current.normalize = v as NormalizationName;
      emit();
    },
  );
  const row = document.createElement('div');
  row.className = 'fm-preprocess';
  row.append(resize, normalize);
  root.append(line, row);
  return {
    choose: (next) => {
      setSelected(resize, next.resize ?? AUTO);
      setSelected(normalize, next.normalize ?? AUTO);
      onChange({ ...next });
    },
  };
}
