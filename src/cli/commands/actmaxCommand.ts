import { join } from 'node:path';
import { renderActmax } from '../../core/actmax/render';
import { encodePng } from '../../core/image/encodePng';
import { modelInputSpec } from '../../core/node/imageFiles';
import {
  ACTMAX_LIMITS,
  ACTMAX_PARAM_KINDS,
  ACTMAX_PENALTY_KINDS,
  ACTMAX_PRESETS,
  type ActmaxObjectiveSpec,
  type ActmaxOverrides,
  type ActmaxParamKind,
  type ActmaxPenaltyKind,
  type ActmaxPresetName,
  type ActmaxRegularizerWeights,
} from '../../shared/actmax';
import { LayerLensError } from '../../shared/errors';
import { backendOption, decimal, integer, oneOf, parse, plainInteger, required } from '../cliArgs';
import { openCliModel } from '../cliModel';
import { checkOutFolder, fileSafe, writeFileAtomic } from '../outputFiles';
import { inputSizeOption } from '../inputSizeOption';
import { preprocessOption, preprocessSettingsOf } from '../preprocessOption';

export const actmaxUsage =
  'layer-lens actmax --model M --layer L --unit K [--unit K2 ...] [--objective channel|rms|neuron|deepdream|logit] [--preset P] [--steps N] [--size PX] [--seed S] [--lr R] [--param ' +
  ACTMAX_PARAM_KINDS.join('|') +
  '] [--penalty KIND=WEIGHT ...] [--input-size H,W] [--normalize NAME] --out DIR [--json]   (presets: ' +
  ACTMAX_PRESETS.join(', ') +
  '; penalty kinds: ' +
  ACTMAX_PENALTY_KINDS.join(', ') +
  ')';

const OBJECTIVES = ['channel', 'rms', 'neuron', 'deepdream', 'logit'] as const;

export async function actmaxCommand(argv: string[]): Promise<void> {
  const values = parse(argv, {
    model: { type: 'string' },
    layer: { type: 'string' },
    unit: { type: 'string', multiple: true },
    objective: { type: 'string' },
    preset: { type: 'string' },
    steps: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
    lr: { type: 'string' },
    param: { type: 'string' },
    penalty: { type: 'string', multiple: true },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...inputSizeOption,
    normalize: preprocessOption.normalize!,
    ...backendOption,
  });
  const layerId = required(values, 'layer');
  const outDir = required(values, 'out');
  checkOutFolder(outDir);
  // A unit given twice is rendered once: the same seed would draw the same image into the same file.
  const units = [...new Set(((values.unit as string[] | undefined) ?? []).map((u) => integer(u, 'unit', 0)))];
  if (units.length === 0) throw new LayerLensError('badArgument', '--unit is required (repeat it for a batch).');
  // All units are optimized in one batch: the engine's cap for one request, so 1,000 units cannot ask for gigabytes.
  if (units.length > ACTMAX_LIMITS.units) throw new LayerLensError('badArgument', `--unit is given for ${units.length} units; one run draws at most ${ACTMAX_LIMITS.units} (run it again for the rest).`);
  const preset = oneOf<ActmaxPresetName>(values.preset, 'preset', ACTMAX_PRESETS, 'lucid');
  const objectiveName = values.objective === undefined ? undefined : oneOf(values.objective, 'objective', OBJECTIVES, 'channel');
  const overrides: ActmaxOverrides = {};
  // The engine's bounds (src/shared/actmax.ts), all before the model loads: the core itself has no upper bound
  // on steps, so --steps 99999999 ran for days.
  if (values.steps !== undefined) overrides.steps = integer(values.steps, 'steps', 512, 1, ACTMAX_LIMITS.steps);
  if (values.size !== undefined) {
    const [min, max] = ACTMAX_LIMITS.size;
    // The sentence says pixels: 1 and 100000 were told apart in two wordings, the second after loading.
    const size = plainInteger(values.size);
    if (!(size >= min && size <= max)) throw new LayerLensError('badArgument', `--size must be an integer from ${min} to ${max} pixels, not ${String(values.size)}.`);
    overrides.size = size;
    checkBatchPixels(units.length, overrides.size);
  }
  if (values.seed !== undefined) overrides.seed = integer(values.seed, 'seed', 0, 0, ACTMAX_LIMITS.seed);
  if (values.lr !== undefined) overrides.lr = decimal(values.lr, 'lr', ...ACTMAX_LIMITS.lr, 'a learning rate');
  if (values.param !== undefined) overrides.param = oneOf<ActmaxParamKind>(values.param, 'param', ACTMAX_PARAM_KINDS, 'pixel');
  const penalties = penaltyWeights((values.penalty as string[] | undefined) ?? []);
  if (penalties) overrides.regularizers = penalties;

  const model = await openCliModel(values, required(values, 'model'));
  try {
    // Only the normalization matters here: actmax draws the input itself, there is no image to resize.
    const inputSpec = await modelInputSpec(model, preprocessSettingsOf({ normalize: values.normalize }));
    if (overrides.size === undefined) checkBatchPixels(units.length, Math.max(inputSpec.height, inputSpec.width), model.info.name);
    const objective = objectiveName ? objectiveSpec(objectiveName, layerId) : undefined;
    const result = await renderActmax(model, { layerId, units, preset, objective, overrides, inputSpec });
    const files = result.images.map((rgba, i) => {
      const file = join(outDir, `${fileSafe(layerId)}-${units[i]}.png`);
      writeFileAtomic(file, encodePng(rgba, result.width, result.height));
      return file;
    });
    if (values.json) {
      const finals = result.objectiveHistory.map((h) => h[h.length - 1]);
      const summary = { files, settings: result.settings, objective: finals, ms_per_step: result.msPerStep };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      for (const f of files) process.stdout.write(`${f}\n`);
    }
  } finally {
    model.dispose();
  }
}

function objectiveSpec(name: (typeof OBJECTIVES)[number], layerId: string): ActmaxObjectiveSpec {
  switch (name) {
    case 'channel':
      return { kind: 'channel', layerId };
    case 'rms':
      return { kind: 'channelRms', layerId };
    case 'neuron':
      return { kind: 'neuron', layerId };
    case 'deepdream':
      return { kind: 'layerL2', layerId };
    case 'logit':
      return { kind: 'classLogit', layerId };
  }
}

/** Units × side² of one step's batch, within the engine's bound: said by name before any step runs. */
function checkBatchPixels(units: number, side: number, modelName?: string): void {
  if (units * side * side <= ACTMAX_LIMITS.batchPixels) return;
  const most = Math.max(1, Math.floor(ACTMAX_LIMITS.batchPixels / (side * side)));
  const at = modelName ? `at ${modelName}'s input size, ${side} px` : `at --size ${side}`;
  throw new LayerLensError('badArgument', `--unit is given for ${units} units, and ${at} one run draws at most ${most} (use fewer units or a smaller --size).`);
}

/** `--penalty l2=10 --penalty scharr=5` → weights over the preset's; any kind of the shared table is accepted. */
function penaltyWeights(args: readonly string[]): ActmaxRegularizerWeights | undefined {
  if (args.length === 0) return undefined;
  const weights: ActmaxRegularizerWeights = {};
  for (const arg of args) {
    const m = /^([A-Za-z0-9]+)=(.+)$/.exec(arg);
    const kind = m?.[1] as ActmaxPenaltyKind | undefined;
    const text = m?.[2] ?? '';
    const weight = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
    if (!m || !kind || !ACTMAX_PENALTY_KINDS.includes(kind) || !(weight >= 0 && weight <= ACTMAX_LIMITS.penaltyWeight)) {
      throw new LayerLensError('badArgument', `--penalty must be KIND=WEIGHT with KIND one of ${ACTMAX_PENALTY_KINDS.join(', ')} and a weight from 0 to ${ACTMAX_LIMITS.penaltyWeight}, not ${arg}.`);
    }
    if (weights[kind] !== undefined && weights[kind] !== weight) throw new LayerLensError('badArgument', `--penalty ${kind} is given twice (${weights[kind]} and ${weight}): give it once.`);
    weights[kind] = weight;
  }
  return weights;
}
