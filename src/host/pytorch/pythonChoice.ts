// Which Pythons a PyTorch request tries, in order: the interpreter selected in the VS Code Python extension, then
// the `layerLens.pythonPath` setting, then the usual command names on PATH. The engine uses the first that has
// torch, so a selected environment without torch still leaves the system's Python to try. Pure: the sources are
// read by pythonInterpreter.ts.

export interface PythonSources {
  /** The Python extension's active interpreter, when that extension is installed and has one. */
  fromExtension?: string;
  /** `layerLens.pythonPath` (user settings only: it names a program to run). */
  fromSetting?: string;
  platform: string;
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
