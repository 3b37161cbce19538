// The parts of the PyTorch path that need no Python: CLI flags taken out before a command parses its own, input
// shapes, the quick check of a file's first bytes, the cache root and the state dict's snippet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takePytorchOptions } from '../../../src/cli/pytorchOptions';
import { pytorchCacheRoot } from '../../../src/core/node/python/convertCache';
import { parseInputShape } from '../../../src/core/node/python/convertPytorch';
import { checkPytorchFile } from '../../../src/core/node/python/pytorchFileCheck';
import { stateDictSnippet } from '../../../src/core/node/python/pytorchFailures';
import { LayerLensError } from '../../../src/shared/errors';

test('--python and --input-shape are taken out of any command\'s arguments, in both spellings', () => {
  assert.deepEqual(takePytorchOptions(['--model', 'm.pt', '--python', '/opt/py', '--input-shape=1,3,32,32', '--json']), {
    rest: ['--model', 'm.pt', '--json'],
    python: '/opt/py',
    inputShape: '1,3,32,32',
  });
  assert.deepEqual(takePytorchOptions(['--model', 'm.onnx']), { rest: ['--model', 'm.onnx'] });
  assert.throws(() => takePytorchOptions(['--python']), (e: unknown) => e instanceof LayerLensError && e.message === '--python needs a value.');
});

test('an input shape is 2 to 5 positive whole numbers, else one sentence naming the file', () => {
  assert.deepEqual(parseInputShape('1,3,224,224', 'm.pt'), [1, 3, 224, 224]);
  assert.deepEqual(parseInputShape('1x1x28x28', 'm.pt'), [1, 1, 28, 28]);
  for (const [text, why] of [['1,3,a,224', /must be whole numbers separated by commas/], ['0,3,224,224', /2 to 5 positive whole numbers/], ['224', /2 to 5 positive/], ['1,3,100000,100000', /holds 30,000,000,000 values/]] as const) {
    assert.throws(() => parseInputShape(text, 'm.pt'), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && why.test(e.message) && e.message.includes('m.pt'));
  }
});

test('a file whose first bytes are neither a zip archive nor a pickle is refused without starting Python', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-ptcheck-'));
  writeFileSync(join(dir, 'zip.pt'), Buffer.from([0x50, 0x4b, 3, 4, 0, 0]));
  writeFileSync(join(dir, 'pickle.pth'), Buffer.from([0x80, 2, 0x8a, 0x0a]));
  writeFileSync(join(dir, 'model.pt'), '{"format": "graph-model"}');
  try {
    await checkPytorchFile(join(dir, 'zip.pt'));
    await checkPytorchFile(join(dir, 'pickle.pth'));
    await assert.rejects(checkPytorchFile(join(dir, 'model.pt')), (e: unknown) => e instanceof LayerLensError && e.code === 'notAModel' && e.message.startsWith('model.pt is not a PyTorch model file'));
    await assert.rejects(checkPytorchFile(join(dir, 'missing.pt')), (e: unknown) => e instanceof LayerLensError && e.code === 'notFound');
    await assert.rejects(checkPytorchFile(dir), (e: unknown) => e instanceof LayerLensError && e.code === 'notAModel' && / is not a file\.$/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CLI cache lies under XDG_CACHE_HOME, else ~/.cache; never beside the model', () => {
  assert.equal(pytorchCacheRoot({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/layer-lens/converted');
  assert.match(pytorchCacheRoot({ XDG_CACHE_HOME: 'relative' }), /\/\.cache\/layer-lens\/converted$/);
});

test('the state dict snippet loads the weights from the key they sit under and saves a TorchScript', () => {
  const snippet = stateDictSnippet('/data/run 3/best.pth', 'state_dict');
  assert.match(snippet, /^model\.load_state_dict\(torch\.load\("best\.pth", map_location="cpu"\)\["state_dict"\]\)$/m);
  assert.match(snippet, /^torch\.jit\.script\(model\)\.save\("best_torchscript\.pt"\)$/m);
  assert.match(stateDictSnippet('w.pt'), /^model\.load_state_dict\(torch\.load\("w\.pt", map_location="cpu"\)\)$/m);
});
