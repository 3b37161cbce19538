// A state-dict-only file: one sentence naming it, and a snippet that is valid Python for any path (quotes,
// backslashes, non-ASCII) and saves a TorchScript beside the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { stateDictExportSnippet, stateDictSentence } from '../../../src/host/pytorch/stateDictSnippet';

test('the sentence names the file and what it lacks, in one sentence', () => {
  const s = stateDictSentence('/home/u/weights/resnet_epoch9.pth');
  assert.match(s, /^resnet_epoch9\.pth holds only weights \(a state dict\), not the model's architecture/);
  assert.equal(s.match(/\.(\s|$)/g)?.length, 1, s);
});

test('the snippet is Python that Python parses, with the paths as written', () => {
  const file = '/home/u/it\'s "my" weights\\ünï/net.v2.pth';
  const snippet = stateDictExportSnippet(file, 'Net');
  assert.match(snippet, /from my_models import Net/);
  assert.match(snippet, /model\.load_state_dict\(torch\.load\(/);
  assert.match(snippet, /torch\.jit\.trace\(model, example\)\.save\(/);
  // Python's own parser reads the literals back to the exact paths (no torch needed for that).
  const check = [
    'import ast, sys',
    'tree = ast.parse(sys.stdin.read())',
    'print("\\n".join(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', check], { input: snippet, encoding: 'utf8' });
  assert.equal(run.error, undefined, 'python3 is needed by this test: install python3');
  assert.equal(run.status, 0, run.stderr);
  const literals = run.stdout.trim().split('\n');
  assert.ok(literals.includes(file), literals.join(' | '));
  assert.ok(literals.includes('/home/u/it\'s "my" weights\\ünï/net.v2.torchscript.pt'), literals.join(' | '));
  assert.equal(stateDictExportSnippet('/w/a.pth', 'not a class!').includes('from my_models import MyModel'), true);
});
