// Reads the sources of pythonChoice.ts from VS Code: the Python extension's selected interpreter through its API
// (never required: absent, inactive or failing, it is skipped), and `layerLens.pythonPath`.
import * as vscode from 'vscode';
import { interpreterFromPythonApi, pythonCandidates } from './pythonChoice';

const PYTHON_EXTENSION_ID = 'ms-python.python';
/** The Python extension discovers environments on activation; a user waiting on a prompt should not wait longer. */
const ACTIVATION_TIMEOUT_MS = 10_000;

/** The interpreters to try for work on `resource` (a .pt file, or none), best first. */
export async function pythonCandidatesFor(resource: vscode.Uri | undefined, log: (message: string) => void): Promise<string[]> {
  // In Restricted Mode the Python extension may have chosen an interpreter inside the untrusted workspace.
  const fromExtension = vscode.workspace.isTrusted ? await extensionInterpreter(resource, log) : undefined;
  return pythonCandidates({ fromExtension, fromSetting: pythonPathSetting(), platform: process.platform });
}

async function extensionInterpreter(resource: vscode.Uri | undefined, log: (message: string) => void): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<unknown>(PYTHON_EXTENSION_ID);
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), ACTIVATION_TIMEOUT_MS);
    return await interpreterFromPythonApi(api, resource);
  } catch (err) {
    log(`The Python extension's interpreter could not be read: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/**
 * `layerLens.pythonPath`: it names a program to run, so only the user's own value counts. The setting's `machine`
 * scope keeps VS Code from applying a workspace's value; a workspace value is dropped here too, should the scope
 * ever be lost.
 */
export function pythonPathSetting(): string | undefined {
  const value = vscode.workspace.getConfiguration('layerLens').inspect<string>('pythonPath')?.globalValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`it did not activate within ${ms / 1000} s`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
