// --resize and --normalize: how an image becomes the model's input, over the sidecar and the defaults (settings
// precedence: each replaces the sidecar's resize or normalization whole).
import type { InputSpec } from '../shared/model';
import { LayerLensError } from '../shared/errors';
import { describeLabels, describePreprocessing, NORMALIZATION_NAMES, NORMALIZATIONS, isNormalizationName } from '../shared/preprocessing';
import { plainInteger, type Options } from './cliArgs';

export const preprocessOption: Options = {
  resize: { type: 'string' },
  'resize-size': { type: 'string' },
  normalize: { type: 'string' },
};

/** The command-line names of the resize modes. */
const RESIZE_FLAGS: Readonly<Record<string, InputSpec['resize']>> = {
  stretch: 'stretch',
  'center-crop': 'centerCrop',
  'shorter-side': 'shorterSideCenterCrop',
  pad: 'pad',
};

export const preprocessUsage = '[--resize stretch|center-crop|shorter-side|pad] [--resize-size N] [--normalize NAME]';

export const preprocessHelp = `  --resize MODE      how the image fits the input: stretch (squash), center-crop (scale to cover, cut the middle),
                     shorter-side (torchvision's Resize(N) + CenterCrop), pad (fit inside, black borders)
  --resize-size N    with shorter-side: the shorter side before the crop (default size·256/224, 256 for 224)
  --normalize NAME   ${NORMALIZATION_NAMES.join(', ')}: torchvision/torch = ImageNet mean/std on [0, 1];
                     caffe = BGR minus the ImageNet mean on 0..255; tf/inception = [-1, 1]; none = [0, 1]; raw = 0..255
`;

/** The input settings the command line asks for; undefined when it asks for none. */
export function preprocessSettingsOf(values: Record<string, unknown>): Partial<InputSpec> | undefined {
  const settings: Partial<InputSpec> = {};
  const resize = values.resize;
  if (resize !== undefined) {
    const mode = typeof resize === 'string' ? RESIZE_FLAGS[resize] : undefined;
    if (!mode) throw new LayerLensError('badArgument', `--resize must be one of ${Object.keys(RESIZE_FLAGS).join(', ')}, not ${String(resize)}.`);
    settings.resize = mode;
  }
  const size = values['resize-size'];
  if (size !== undefined) {
    const n = plainInteger(size);
    if (!(n >= 1 && n <= 16384)) throw new LayerLensError('badArgument', `--resize-size must be a whole number of pixels from 1 to 16384, not ${String(size)}.`);
    if (settings.resize !== 'shorterSideCenterCrop') throw new LayerLensError('badArgument', '--resize-size applies only with --resize shorter-side.');
    settings.resizeSize = n;
  }
  const normalize = values.normalize;
  if (normalize !== undefined) {
    if (!isNormalizationName(normalize)) throw new LayerLensError('badArgument', `--normalize must be one of ${NORMALIZATION_NAMES.join(', ')}, not ${String(normalize)}.`);
    Object.assign(settings, { normalize, ...NORMALIZATIONS[normalize] });
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** "input: resize shorter side to 256, center crop 224 · torchvision mean/std · default for ImageNet models; ImageNet class names …". */
export function preprocessLine(spec: InputSpec): string {
  const labels = describeLabels(spec);
  return `input: ${describePreprocessing(spec).replace(/as chosen/g, 'from the command line')}${labels ? `; ${labels}` : ''}`;
}
