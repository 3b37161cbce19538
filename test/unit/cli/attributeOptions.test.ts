// attribute's tuning options each belong to some methods (--steps to ig, --window to occlusion, …): one given with
// none of its methods, or --score with a unit target, would change nothing and is refused before the model loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { cliRefusal as refusal } from '../../helpers/runCli';
import { tempFolder } from '../topk/topkFixtures';

const SAMPLES = join(repoRoot, 'models/mnist-cnn/samples');
const MISSING_MODEL = join(repoRoot, 'models/none-such/model.json');


test('attribute refuses a tuning option none of the chosen methods reads, and --score on a unit, before the model loads', () => {
  const base = ['attribute', '--model', MISSING_MODEL, '--input', join(SAMPLES, 'digit-3-a.png'), '--out', tempFolder()];
  assert.equal(refusal([...base, '--method', 'gradcam', '--steps', '64']), '--steps is read by ig only, which --method gradcam does not include.');
  assert.equal(refusal([...base, '--method', 'saliency,gradcam', '--batch', '4']), '--batch is read by ig, smoothgrad, occlusion only, and --method saliency,gradcam includes none of them.');
  assert.equal(refusal([...base, '--method', 'saliency', '--layer', 'conv2', '--unit', '1', '--score', 'probability']), '--score chooses the class score (logit or probability); a --layer --unit target has none.');
  assert.equal(refusal([...base, '--method', 'gradcam', '--class', '']), '--class needs a value, not an empty string.');
});
