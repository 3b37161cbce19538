// Numeric options: a plain decimal integer (or, for rates and fractions, a plain decimal number) within the bound
// the core or the engine holds that value to, and given once. Anything else is one sentence naming the option and
// the value, before the model loads (the model here does not exist, so reaching it means the option was taken).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { cliRefusal, runCli } from '../../helpers/runCli';
import { tempFolder } from '../topk/topkFixtures';
import { actmaxCommand } from '../../../src/cli/commands/actmaxCommand';
import { atlasCommand } from '../../../src/cli/commands/atlasCommand';
import { attributeCommand } from '../../../src/cli/commands/attributeCommand';
import { kernelsCommand } from '../../../src/cli/commands/kernelsCommand';
import { mergeCommand } from '../../../src/cli/commands/mergeCommand';
import { reportCommand } from '../../../src/cli/commands/reportCommand';
import { topkCommand } from '../../../src/cli/commands/topkCommand';
import { ACTMAX_LIMITS } from '../../../src/shared/actmax';
import { ATLAS_LIMITS } from '../../../src/shared/atlasProtocol';
import { ATTRIBUTION_LIMITS } from '../../../src/shared/attribution';
import { LayerLensError } from '../../../src/shared/errors';
import { TOPK_MAX_BATCH } from '../../../src/shared/topkProtocol';
import { UNIT_PAGE_LIMITS } from '../../../src/shared/unitProtocol';

const SAMPLE = join(repoRoot, 'models/mnist-cnn/model.json');
const SAMPLES = join(repoRoot, 'models/mnist-cnn/samples');
const DIGIT = join(SAMPLES, 'digit-3-a.png');
const MISSING_MODEL = join(repoRoot, 'models/none-such/model.json');

// In this process (each CLI start costs a second of CPU); the CLI itself prints a LayerLensError as its one sentence
// with exit status 2 for badArgument, checked through the real CLI in the last tests.
const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  actmax: actmaxCommand, atlas: atlasCommand, attribute: attributeCommand, kernels: kernelsCommand, merge: mergeCommand, report: reportCommand, topk: topkCommand,
};

async function outcome(args: string[]): Promise<LayerLensError> {
  const [name, ...argv] = args;
  try {
    await COMMANDS[name!]!(argv);
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `${args.join(' ')}: ${String(e)}`);
    return e;
  }
  return assert.fail(`${args.join(' ')} ran`);
}

/** A refused argument: badArgument and one sentence. */
async function refusal(args: string[]): Promise<string> {
  const e = await outcome(args);
  assert.equal(e.code, 'badArgument', e.message);
  assert.ok(!e.message.includes('\n'), e.message);
  return e.message;
}

/** The run got past every option check: the next thing refused is the model that does not exist. */
async function taken(args: string[]): Promise<void> {
  const e = await outcome(args);
  assert.equal(e.message, `${MISSING_MODEL} does not exist.`, args.join(' '));
}

test('an integer option takes a plain decimal integer only: 1e1, 0x10, " 12 ", +3, -0, 1.5 and 12abc are refused by name', async () => {
  const topk = ['topk', '--model', MISSING_MODEL, '--layer', 'conv1', '--images', SAMPLES, '--out', tempFolder()];
  for (const odd of ['1e1', '0x10', '+3', '-0', '1.5', '12abc', '1_000']) assert.equal(await refusal([...topk, '--k', odd]), `--k must be an integer >= 1, not ${odd}.`);
  // Spaces would vanish into the sentence: the value is quoted.
  assert.equal(await refusal([...topk, '--k', ' 12 ']), '--k must be an integer >= 1, not " 12 ".');
  await taken([...topk, '--k', '12']);
  await taken([...topk, '--k', '012']);
  const kernels = ['kernels', '--model', MISSING_MODEL, '--layer', 'conv1', '--out', join(tempFolder(), 'k.png')];
  // --scale was read only after the model had loaded.
  assert.equal(await refusal([...kernels, '--scale', '1e1']), '--scale must be an integer >= 1, not 1e1.');
  assert.equal(await refusal(['actmax', '--model', MISSING_MODEL, '--layer', 'conv1', '--unit', '-0', '--out', tempFolder()]), '--unit must be an integer >= 0, not -0.');
  assert.equal(await refusal(['report', '--model', MISSING_MODEL, '--out', join(tempFolder(), 'r'), '--images', '+3']), '--images must be an integer >= 1, not +3.');
  assert.equal(await refusal(['report', '--model', MISSING_MODEL, '--out', join(tempFolder(), 'r'), '--resize', 'shorter-side', '--resize-size', '1e3']), '--resize-size must be a whole number of pixels from 1 to 16384, not 1e3.');
  assert.equal(await refusal([...topk, '--shard', '1 / 2']), '--shard must be i/n (shard i of n, counting from 1), not "1 / 2".');
});

test('--steps above the bound of its command is refused with the bound, before the model loads', async () => {
  const out = tempFolder();
  const actmax = ['actmax', '--model', MISSING_MODEL, '--layer', 'conv1', '--unit', '1', '--out', out];
  assert.equal(await refusal([...actmax, '--steps', String(ACTMAX_LIMITS.steps + 1)]), `--steps must be an integer from 1 to ${ACTMAX_LIMITS.steps}, not ${ACTMAX_LIMITS.steps + 1}.`);
  assert.equal(await refusal([...actmax, '--steps', '99999999999999999999']), `--steps must be an integer from 1 to ${ACTMAX_LIMITS.steps}, not 99999999999999999999.`);
  await taken([...actmax, '--steps', String(ACTMAX_LIMITS.steps)]);
  const atlas = ['atlas', '--model', MISSING_MODEL, '--out', join(out, 'site')];
  assert.equal(await refusal([...atlas, '--steps', String(ATLAS_LIMITS.steps[1] + 1)]), `--steps must be an integer from 1 to ${ATLAS_LIMITS.steps[1]}, not ${ATLAS_LIMITS.steps[1] + 1}.`);
  const report = ['report', '--model', MISSING_MODEL, '--out', join(out, 'report')];
  assert.equal(await refusal([...report, '--steps', String(ACTMAX_LIMITS.steps + 1)]), `--steps must be an integer from 1 to ${ACTMAX_LIMITS.steps}, not ${ACTMAX_LIMITS.steps + 1}.`);
  const ig = ['attribute', '--model', MISSING_MODEL, '--input', DIGIT, '--method', 'ig', '--out', out];
  assert.equal(await refusal([...ig, '--steps', String(ATTRIBUTION_LIMITS.steps + 1)]), `--steps must be an integer from 1 to ${ATTRIBUTION_LIMITS.steps}, not ${ATTRIBUTION_LIMITS.steps + 1}.`);
});

test('every other bounded number is refused above its bound, by name, before the model loads', async () => {
  const out = tempFolder();
  const actmax = ['actmax', '--model', MISSING_MODEL, '--layer', 'conv1', '--unit', '1', '--out', out];
  assert.equal(await refusal([...actmax, '--seed', String(2 ** 32)]), `--seed must be an integer from 0 to ${ACTMAX_LIMITS.seed}, not ${2 ** 32}.`);
  assert.equal(await refusal([...actmax, '--lr', '1000']), '--lr must be a learning rate from 1e-9 to 100, not 1000.');
  assert.equal(await refusal([...actmax, '--lr', '0x10']), '--lr must be a learning rate from 1e-9 to 100, not 0x10.');
  assert.equal(await refusal([...actmax, '--size', '1e3']), '--size must be an integer from 8 to 1024 pixels, not 1e3.');
  assert.equal(await refusal([...actmax, '--penalty', 'l2=1e7']), '--penalty must be KIND=WEIGHT with KIND one of l1, l2, totalVariation, scharr, blur, dark and a weight from 0 to 1000000, not l2=1e7.');
  await taken([...actmax, '--lr', '1e-3', '--penalty', 'l2=2.5e1']);
  // All units are optimized at once: more than one request's units, or units × side² past its pixels, is refused.
  const units = (n: number) => Array.from({ length: n }, (_, i) => ['--unit', String(i)]).flat();
  assert.equal(await refusal(['actmax', '--model', MISSING_MODEL, '--layer', 'conv1', ...units(ACTMAX_LIMITS.units + 1), '--out', out]), `--unit is given for ${ACTMAX_LIMITS.units + 1} units; one run draws at most ${ACTMAX_LIMITS.units} (run it again for the rest).`);
  assert.equal(await refusal(['actmax', '--model', MISSING_MODEL, '--layer', 'conv1', ...units(17), '--size', '1024', '--out', out]), '--unit is given for 17 units, and at --size 1024 one run draws at most 16 (use fewer units or a smaller --size).');
  const atlas = ['atlas', '--model', MISSING_MODEL, '--out', join(out, 'site')];
  assert.equal(await refusal([...atlas, '--seeds', String(UNIT_PAGE_LIMITS.seeds[1] + 1)]), `--seeds must be an integer from 1 to ${UNIT_PAGE_LIMITS.seeds[1]}, not ${UNIT_PAGE_LIMITS.seeds[1] + 1}.`);
  assert.equal(await refusal([...atlas, '--diversity', '100000']), `--diversity must be an integer from 0 to ${UNIT_PAGE_LIMITS.diversity[1]}, not 100000.`);
  assert.equal(await refusal([...atlas, '--units', String(ATLAS_LIMITS.units[1] + 1)]), `--units must be all or an integer from 1 to ${ATLAS_LIMITS.units[1]}, not ${ATLAS_LIMITS.units[1] + 1}.`);
  assert.equal(await refusal([...atlas, '--batch', '257']), `--batch must be an integer from 1 to ${ATLAS_LIMITS.batch[1]}, not 257.`);
  const attribute = (method: string) => ['attribute', '--model', MISSING_MODEL, '--input', DIGIT, '--method', method, '--out', out];
  assert.equal(await refusal([...attribute('smoothgrad'), '--samples', String(ATTRIBUTION_LIMITS.samples + 1)]), `--samples must be an integer from 1 to ${ATTRIBUTION_LIMITS.samples}, not ${ATTRIBUTION_LIMITS.samples + 1}.`);
  assert.equal(await refusal([...attribute('smoothgrad'), '--batch', String(ATTRIBUTION_LIMITS.batchSize + 1)]), `--batch must be an integer from 1 to ${ATTRIBUTION_LIMITS.batchSize}, not ${ATTRIBUTION_LIMITS.batchSize + 1}.`);
  assert.equal(await refusal([...attribute('smoothgrad'), '--noise', '11']), `--noise must be a number from 0 to ${ATTRIBUTION_LIMITS.noise}, not 11.`);
  assert.equal(await refusal([...attribute('smoothgrad'), '--noise', '-0']), `--noise must be a number from 0 to ${ATTRIBUTION_LIMITS.noise}, not -0.`);
  assert.equal(await refusal([...attribute('saliency'), '--opacity', 'Infinity']), '--opacity must be a number from 0 to 1, not Infinity.');
  assert.equal(await refusal([...attribute('occlusion'), '--window', '0x10']), '--window must be an integer >= 1, not 0x10.');
  // With --input-size the input's side is known before the model loads.
  assert.equal(await refusal([...attribute('occlusion'), '--input-size', '28,28', '--stride', '40']), '--stride must be an integer from 1 to 28, not 40.');
  assert.equal(await refusal([...attribute('saliency'), '--class', '1e1']), '--class must be a class index (an integer >= 0) or a label, not 1e1.');
  await taken([...attribute('smoothgrad'), '--noise', '1e-3', '--samples', '2', '--opacity', '.5']);
  const topk = ['topk', '--model', MISSING_MODEL, '--layer', 'conv1', '--images', SAMPLES, '--out', tempFolder()];
  assert.equal(await refusal([...topk, '--batch', String(TOPK_MAX_BATCH + 1)]), `--batch must be an integer from 1 to ${TOPK_MAX_BATCH}, not ${TOPK_MAX_BATCH + 1}.`);
});

test('an option given twice with different values is refused by name; the same value twice is taken', async () => {
  const topk = ['topk', '--model', MISSING_MODEL, '--layer', 'conv1', '--images', SAMPLES, '--out', tempFolder()];
  assert.equal(await refusal([...topk, '--k', '3', '--k', '4']), '--k is given twice (3 and 4): give it once.');
  assert.equal(await refusal([...topk, '--layer', 'conv2']), '--layer is given twice (conv1 and conv2): give it once.');
  await taken([...topk, '--k', '3', '--k=3']);
  const actmax = ['actmax', '--model', MISSING_MODEL, '--layer', 'conv1', '--unit', '1', '--out', tempFolder()];
  assert.equal(await refusal([...actmax, '--penalty', 'l2=1', '--penalty', 'l2=2']), '--penalty l2 is given twice (1 and 2): give it once.');
  // merge parses its own arguments (it takes shard folders as positionals): the same rule.
  assert.equal(await refusal(['merge', '--out', 'a', '--out', 'b', 'shards']), '--out is given twice (a and b): give it once.');
});

test('attribute: what only the model tells is named by its option once the model loads, before any pass', async () => {
  const out = tempFolder();
  const attribute = (method: string) => ['attribute', '--model', SAMPLE, '--input', DIGIT, '--method', method, '--out', out];
  assert.equal(await refusal([...attribute('saliency'), '--layer', 'conv1', '--unit', '16']), "--unit 16 is not one of conv1's 16 units (0 to 15).");
  assert.equal(await refusal([...attribute('saliency'), '--layer', 'conv1', '--unit', '1', '--y', '3', '--x', '26']), "--x 26 is outside conv1's 26×26 map (x from 0 to 25).");
  assert.equal(await refusal([...attribute('saliency'), '--class', '10']), "--class 10 is not one of mnist-cnn's 10 classes (0 to 9).");
  // Through the CLI: exit status 2 and the one sentence, after the model has loaded.
  assert.equal(cliRefusal([...attribute('occlusion'), '--window', '40']), "--window 40 is more than the side of mnist-cnn's 28×28 input: it must be from 1 to 28 pixels.");
});

test('through the CLI: a malformed, an out-of-bound and a repeated number are one sentence with exit status 2', () => {
  const topk = ['topk', '--model', MISSING_MODEL, '--layer', 'conv1', '--images', SAMPLES, '--out', tempFolder()];
  assert.equal(cliRefusal([...topk, '--k', '1e1']), '--k must be an integer >= 1, not 1e1.');
  assert.equal(cliRefusal([...topk, '--k', '3', '--k', '4']), '--k is given twice (3 and 4): give it once.');
  const actmax = ['actmax', '--model', MISSING_MODEL, '--layer', 'conv1', '--unit', '1', '--out', tempFolder()];
  assert.equal(cliRefusal([...actmax, '--steps', String(ACTMAX_LIMITS.steps + 1)]), `--steps must be an integer from 1 to ${ACTMAX_LIMITS.steps}, not ${ACTMAX_LIMITS.steps + 1}.`);
  const r = runCli([...actmax, '--steps', '2']);
  assert.equal(r.stderr.trim(), `layer-lens actmax: ${MISSING_MODEL} does not exist.`);
});
