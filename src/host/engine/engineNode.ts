// Which Node runs the engine. Dawn (the WebGPU path) refuses to load inside Electron ("External buffers are not
// allowed"), and desktop VS Code's extension host is Electron, so when the GPU path is wanted the engine runs on a
// real Node: `layerLens.nodePath`, else the first `node` on PATH, version 20 or later. VS Code Server (Remote-SSH,
// WSL, containers, code-server) already runs a real Node. When none is found the engine runs on Electron's Node and
// the reason goes to the engine, which says it in place of trying WebGPU.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const MIN_NODE_MAJOR = 20;

export interface EngineNodeChoice {
  /** The Node binary to fork the engine with; undefined: the extension host's own (process.execPath). */
  execPath?: string;
  /** Why WebGPU cannot run in the engine this starts (only Electron's Node was usable). */
  webgpuUnavailable?: string;
  /** One line for the status bar's tooltip: which Node runs the engine and, when a choice was not honoured, why. */
  summary: string;
}

export interface EngineNodeInputs {
  /** `layerLens.backend` is auto or webgpu. */
  wantGpu: boolean;
  /** `layerLens.nodePath` (user settings only). */
  nodePath?: string;
  /** process.versions.electron of the extension host; undefined in VS Code Server. */
  electron?: string;
  /** The host's own Node version (process.version). */
  hostVersion: string;
  /** PATH to search for `node`. */
  pathEnv?: string;
  /** `node --version` of a binary, or why it could not run; injected by tests. */
  versionOf?: (exe: string) => string | { error: string };
}

export function chooseEngineNode(inputs: EngineNodeInputs): EngineNodeChoice {
  const host = inputs.electron ? `VS Code's Electron ${inputs.electron} (Node ${inputs.hostVersion})` : `the extension host's Node ${inputs.hostVersion}`;
  if (!inputs.wantGpu) return { summary: `Engine runs on ${host}.` };
  const versionOf = inputs.versionOf ?? nodeVersionOf;
  const refused: string[] = [];
  if (inputs.nodePath) {
    const why = unusable(inputs.nodePath, versionOf);
    if (!why) return { execPath: inputs.nodePath, summary: `Engine runs on ${inputs.nodePath} (layerLens.nodePath).` };
    refused.push(`layerLens.nodePath ${inputs.nodePath} ${why}`);
  }
  // A real Node already: nothing to search for.
  if (!inputs.electron) return { summary: [`Engine runs on ${host}.`, ...refused.map((r) => `Not used: ${r}.`)].join(' ') };
  const found = searchPath(inputs.pathEnv, versionOf, refused);
  if (found) return { execPath: found, summary: [`Engine runs on ${found} (node on PATH) for WebGPU.`, ...refused.map((r) => `Not used: ${r}.`)].join(' ') };
  if (refused.length === 0) refused.push('no node on PATH and layerLens.nodePath is not set');
  const reason = `the engine runs on ${host}, where Dawn cannot load (${refused.join('; ')}); set layerLens.nodePath to a Node ${MIN_NODE_MAJOR} or later`;
  return { webgpuUnavailable: reason, summary: `Engine runs on ${host}: no Node ${MIN_NODE_MAJOR} or later for WebGPU (${refused.join('; ')}).` };
}

/** Why `exe` cannot run the engine, or undefined when it can. */
function unusable(exe: string, versionOf: (exe: string) => string | { error: string }): string | undefined {
  const version = versionOf(exe);
  if (typeof version !== 'string') return version.error;
  const major = /^v(\d+)\./.exec(version.trim())?.[1];
  if (major === undefined) return `did not answer --version with a Node version ("${version.trim().slice(0, 40)}")`;
  if (Number(major) < MIN_NODE_MAJOR) return `is Node ${version.trim()}, older than ${MIN_NODE_MAJOR}`;
  return undefined;
}

function searchPath(pathEnv: string | undefined, versionOf: (exe: string) => string | { error: string }, refused: string[]): string | undefined {
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of (pathEnv ?? '').split(delimiter).filter((d) => d !== '')) {
    for (const name of names) {
      const exe = join(dir, name);
      if (!isExecutable(exe)) continue;
      const why = unusable(exe, versionOf);
      if (!why) return exe;
      refused.push(`${exe} ${why}`);
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const versions = new Map<string, string | { error: string }>();

/** `exe --version`, remembered for the session (a Node binary does not change under a running VS Code). */
function nodeVersionOf(exe: string): string | { error: string } {
  let v = versions.get(exe);
  if (v === undefined) {
    try {
      v = execFileSync(exe, ['--version'], { encoding: 'utf8', timeout: 5000 });
    } catch (e) {
      const code = (e as { code?: string }).code;
      v = { error: code === 'ENOENT' ? 'was not found' : code === 'EACCES' ? 'is not executable' : `did not run (${(e as Error).message.split('\n')[0]})` };
    }
    versions.set(exe, v);
  }
  return v;
}
