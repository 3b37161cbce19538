// Which Pythons a PyTorch request tries, in order: the interpreter selected in the VS Code Python extension, then
// the `layerLens.pythonPath` setting, then the usual command names on PATH. The engine uses the first that has
// torch, so a selected environment without torch still leaves the system's Python to try. Pure: VS Code is asked
// by pythonInterpreter.ts, which hands the Python extension's API object to interpreterFromPythonApi.

export interface PythonSources {
  /** The Python extension's active interpreter, when that extension is installed and has one. */
  fromExtension?: string;
  /** `layerLens.pythonPath` (user settings only: it names a program to run). */
  fromSetting?: string;
  platform: string;
}

/**
 * The interpreter the Python extension's API names for a resource: through `environments` (its current API:
 * the active environment, resolved to its executable), else `settings.getExecutionDetails` (older versions).
 * Undefined when the API has neither, or names no single program: an environment's folder, a `conda run …` command.
 */
export async function interpreterFromPythonApi(api: unknown, resource: unknown): Promise<string | undefined> {
  if (typeof api !== 'object' || api === null) return undefined;
  const { environments, settings } = api as {
    environments?: { getActiveEnvironmentPath?: unknown; resolveEnvironment?: unknown };
    settings?: { getExecutionDetails?: unknown };
  };
  if (typeof environments?.getActiveEnvironmentPath === 'function') {
    const active: unknown = await environments.getActiveEnvironmentPath(resource);
    const resolved: unknown = active && typeof environments.resolveEnvironment === 'function' ? await environments.resolveEnvironment(active) : undefined;
    const executable = fsPathOf((resolved as { executable?: { uri?: unknown } } | undefined)?.executable?.uri);
    if (executable) return executable;
    const activePath = (active as { path?: unknown } | undefined)?.path;
    return typeof activePath === 'string' && /python[\d.]*(\.exe)?$/i.test(activePath) ? activePath : undefined;
  }
  if (typeof settings?.getExecutionDetails === 'function') {
    const command = (settings.getExecutionDetails(resource) as { execCommand?: unknown } | undefined)?.execCommand;
    return Array.isArray(command) && command.length === 1 && typeof command[0] === 'string' && command[0] !== '' ? command[0] : undefined;
  }
  return undefined;
}

function fsPathOf(uri: unknown): string | undefined {
  const fsPath = (uri as { fsPath?: unknown } | undefined)?.fsPath;
  return typeof fsPath === 'string' && fsPath !== '' ? fsPath : undefined;
}

export function pythonCandidates(sources: PythonSources): string[] {
  const onPath = sources.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  const out: string[] = [];
  for (const candidate of [sources.fromExtension, sources.fromSetting, ...onPath]) {
    const trimmed = candidate?.trim();
    if (trimmed && !out.includes(trimmed)) out.push(trimmed);
  }
  return out;
}
