// Which Pythons a PyTorch request tries, in order: the Python extension's interpreter, layerLens.pythonPath,
// then python3 and python on PATH (python first on Windows), each once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonCandidates } from '../../../src/host/pytorch/pythonChoice';

test('the Python extension first, then the setting, then PATH', () => {
  assert.deepEqual(pythonCandidates({ fromExtension: '/venv/bin/python', fromSetting: '/opt/py/bin/python3', platform: 'linux' }), [
    '/venv/bin/python', '/opt/py/bin/python3', 'python3', 'python',
  ]);
});

test('a missing or blank source is skipped; the same interpreter is tried once', () => {
  assert.deepEqual(pythonCandidates({ platform: 'linux' }), ['python3', 'python']);
  assert.deepEqual(pythonCandidates({ fromExtension: '  ', fromSetting: '', platform: 'darwin' }), ['python3', 'python']);
  assert.deepEqual(pythonCandidates({ fromSetting: '/usr/bin/python3', platform: 'linux' }), ['/usr/bin/python3', 'python3', 'python']);
  assert.deepEqual(pythonCandidates({ fromExtension: 'python3', fromSetting: ' python3 ', platform: 'linux' }), ['python3', 'python']);
});

test('on Windows, python comes before python3', () => {
  assert.deepEqual(pythonCandidates({ fromExtension: 'C:\\env\\python.exe', platform: 'win32' }), ['C:\\env\\python.exe', 'python', 'python3']);
});
