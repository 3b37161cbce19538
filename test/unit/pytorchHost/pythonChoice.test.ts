// Which Pythons a PyTorch request tries, in order: the Python extension's interpreter, layerLens.pythonPath,
// then python3 and python on PATH (python first on Windows), each once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpreterFromPythonApi, pythonCandidates } from '../../../src/host/pytorch/pythonChoice';

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

// The Python extension's API as its versions expose it (objects shaped like ms-python.python's exports).
const uri = (fsPath: string) => ({ fsPath, scheme: 'file' });

test('the Python extension\'s environments API: the active environment resolved to its executable', async () => {
  const asked: unknown[] = [];
  const api = {
    environments: {
      getActiveEnvironmentPath: (resource: unknown) => {
        asked.push(resource);
        return { id: 'venv', path: '/w/.venv' };
      },
      resolveEnvironment: async (env: { path: string }) => ({ executable: { uri: uri(`${env.path}/bin/python`) } }),
    },
    settings: { getExecutionDetails: () => ({ execCommand: ['/not/used'] }) },
  };
  assert.equal(await interpreterFromPythonApi(api, 'the .pt'), '/w/.venv/bin/python');
  assert.deepEqual(asked, ['the .pt']);
});

test('an unresolved environment counts only when its path names a Python, not a folder', async () => {
  const unresolved = (path: string) => ({ environments: { getActiveEnvironmentPath: () => ({ id: 'x', path }), resolveEnvironment: async () => undefined } });
  assert.equal(await interpreterFromPythonApi(unresolved('/usr/bin/python3.11'), undefined), '/usr/bin/python3.11');
  assert.equal(await interpreterFromPythonApi(unresolved('C:\\Py\\python.exe'), undefined), 'C:\\Py\\python.exe');
  assert.equal(await interpreterFromPythonApi(unresolved('/home/u/miniconda3/envs/torch'), undefined), undefined);
});

test('the older settings API: one program counts, a command of several words does not', async () => {
  const details = (execCommand: unknown) => ({ settings: { getExecutionDetails: () => ({ execCommand }) } });
  assert.equal(await interpreterFromPythonApi(details(['/opt/py/bin/python']), undefined), '/opt/py/bin/python');
  assert.equal(await interpreterFromPythonApi(details(['conda', 'run', '-n', 'torch', 'python']), undefined), undefined);
  assert.equal(await interpreterFromPythonApi(details(undefined), undefined), undefined);
  assert.equal(await interpreterFromPythonApi(undefined, undefined), undefined);
  assert.equal(await interpreterFromPythonApi({}, undefined), undefined);
});
