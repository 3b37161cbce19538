// --input-size H,W is read as the CLI reads every number (plain decimal integers, no spaces) and held to the sides
// the engine and the panels run a model at (8 to 1024): every command that takes it refuses anything else in one
// sentence naming the option and the value, before the model loads or a file is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputSizeOf } from '../../../src/cli/inputSizeOption';
import { INPUT_SIZE_MAX, INPUT_SIZE_MIN } from '../../../src/shared/inputSize';
import { LayerLensError } from '../../../src/shared/errors';
import { repoRoot } from '../../helpers/paths';
import { cliRefusal } from '../../helpers/runCli';
import { tempFolder } from '../topk/topkFixtures';

const SAMPLE = join(repoRoot, 'models/mnist-cnn/model.json');
const SAMPLES = join(repoRoot, 'models/mnist-cnn/samples');
const IMAGE = join(SAMPLES, 'digit-0-a.png');

const sentence = (value: string): string =>
  `--input-size must be HEIGHT,WIDTH, two integers from 8 to 1024 (e.g. 224,224), not ${/\s/.test(value) ? JSON.stringify(value) : value}.`;

test('--input-size takes two plain integers from the engine\'s smallest side to its largest', () => {
  assert.deepEqual([INPUT_SIZE_MIN, INPUT_SIZE_MAX], [8, 1024]);
  assert.deepEqual(inputSizeOf({}), {});
  assert.deepEqual(inputSizeOf({ 'input-size': '224,224' }), { inputSize: [224, 224] });
  assert.deepEqual(inputSizeOf({ 'input-size': '8,1024' }), { inputSize: [8, 1024] });
  // As the CLI and the panels print a size.
  assert.deepEqual(inputSizeOf({ 'input-size': '64x48' }), { inputSize: [64, 48] });
  assert.deepEqual(inputSizeOf({ 'input-size': '64×48' }), { inputSize: [64, 48] });
  for (const value of ['224, 224', ' 224,224', '224,224 ', '224 x 224', '224X224', '224x224x3', '224', '224,224,3', ',224', '1e2,100', '0x10,16', '+224,224', '-224,224', '224.0,224', '7,224', '224,1025', '4096,4096', '8192,8192', '']) {
    assert.throws(() => inputSizeOf({ 'input-size': value }), (e: unknown) => {
      assert.ok(e instanceof LayerLensError && e.code === 'badArgument', value);
      assert.equal(e.message, sentence(value));
      return true;
    });
  }
});

test('layers, activations, actmax, attribute, topk and atlas refuse it in that sentence before the model loads', () => {
  const out = join(tempFolder('layer-lens-input-size-'), 'out');
  const commands: string[][] = [
    ['layers', '--model', SAMPLE],
    ['activations', '--model', SAMPLE, '--input', IMAGE, '--out', out],
    ['actmax', '--model', SAMPLE, '--layer', 'conv1', '--unit', '0', '--out', out],
    ['attribute', '--model', SAMPLE, '--input', IMAGE, '--method', 'saliency', '--out', out],
    ['topk', '--model', SAMPLE, '--layer', 'conv1', '--images', SAMPLES, '--out', out],
    ['atlas', '--model', SAMPLE, '--out', out],
  ];
  for (const args of commands) assert.equal(cliRefusal([...args, '--input-size', '224, 224']), sentence('224, 224'), args[0]);
  assert.equal(cliRefusal([...commands[0]!, '--input-size', '4096,4096']), sentence('4096,4096'));
  assert.equal(cliRefusal([...commands[5]!, '--input-size', '4,4']), sentence('4,4'));
  assert.equal(existsSync(out), false);
});
