// Reads the sources of pythonChoice.ts from VS Code: the Python extension's selected interpreter through its API
// (never required: absent, inactive or failing, it is skipped), and `layerLens.pythonPath`.
import * as vscode from 'vscode';
import { pythonCandidates } from './pythonChoice';

const PYTHON_EXTENSION_ID = 'ms-python.python';
/** The Python extension discovers environments on activation; a user waiting on a prompt should not wait longer. */
const ACTIVATION_TIMEOUT_MS = 10_000;

/** Where the Python extension's API may hold the interpreter: `environments` (current), `settings` (older). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path?: unknown } | undefined;
    resolveEnvironment?(environment: unknown): Promise<{ executable?: { uri?: unknown } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: unknown } | undefined };
}

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
    const exports = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), ACTIVATION_TIMEOUT_MS);
    if (typeof exports !== 'object' || exports === null) return undefined;
    const api = exports as PythonExtensionApi;
    const environments = api.environments;
    if (environments?.getActiveEnvironmentPath) {
      const active = environments.getActiveEnvironmentPath(resource);
      const resolved = active && environments.resolveEnvironment ? await environments.resolveEnvironment(active) : undefined;
      const uri = resolved?.executable?.uri;
      if (uri instanceof vscode.Uri) return uri.fsPath;
      // Without a resolved executable the path may name the environment's folder rather than its Python: not used.
      return typeof active?.path === 'string' && /python[\d.]*(\.exe)?$/i.test(active.path) ? active.path : undefined;
    }
    const command = api.settings?.getExecutionDetails?.(resource)?.execCommand;
    // A command of several words (`conda run -n env python`) is not one interpreter: not used.
    return Array.isArray(command) && command.length === 1 && typeof command[0] === 'string' ? command[0] : undefined;
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
  const config = vscode.workspace.getConfiguration('layerLens');
  const where = config.inspect<string>('pythonPath');
  const value = where?.globalValue;
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
