// Starting and stopping code-server (VS Code in a browser) with throwaway state, on a random loopback port,
// in its own process group so that stopping it also ends its extension host and everything that spawned.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A port the kernel just gave us on 127.0.0.1; code-server binds it right after. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** Throwaway dirs for one code-server instance under `tmp`. */
export function stateDirs(tmp, name) {
  const base = join(tmp, name);
  const dirs = {
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    xdgConfig: join(base, 'xdg-config'),
    xdgData: join(base, 'xdg-data'),
    xdgCache: join(base, 'xdg-cache'),
    log: join(base, 'code-server.log'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.xdgConfig, dirs.xdgData, dirs.xdgCache]) mkdirSync(d, { recursive: true });
  // A quiet window: no welcome page, chat or tips covering the editor area the tests and screenshots look at.
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  return dirs;
}

function serverEnv(tools, dirs) {
  const env = { ...process.env };
  // Variables of an enclosing VS Code or npm run would leak into the extension host under test.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS') delete env[k];
  return {
    ...env,
    PATH: `${join(tools.nodeDir, 'bin')}:${env.PATH}`,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
  };
}

function baseArgs(tools, dirs) {
  return [
    tools.codeServer,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
  ];
}

/** `code-server --install-extension <vsix>` into dirs.extensions; returns its output. */
export function installExtension(tools, dirs, vsix) {
  const r = spawnSync(tools.node, [...baseArgs(tools, dirs), '--install-extension', vsix], {
    env: serverEnv(tools, dirs),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.status ?? r.signal}):\n${output}`);
  return output;
}

/** Starts code-server on `workspace` and resolves once it answers HTTP. `stop()` ends its process group. */
export async function startCodeServer(tools, dirs, workspace) {
  const port = await freePort();
  const logFd = openSync(dirs.log, 'a');
  const child = spawn(
    tools.node,
    [...baseArgs(tools, dirs), '--bind-addr', `127.0.0.1:${port}`, '--vscode-option', 'enable-smoke-test-driver', workspace],
    { env: serverEnv(tools, dirs), stdio: ['ignore', logFd, logFd], detached: true },
  );
  closeSync(logFd);
  let exited = false;
  child.on('exit', () => (exited = true));

  const stop = async () => {
    if (exited) return;
    const waitExit = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, 3000);
    await waitExit;
    clearTimeout(t);
    // The group may outlive its leader (extension host, engine): make sure nothing of it is left.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited during startup; see ${dirs.log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within 60 s; see ${dirs.log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, url, pid: child.pid, stop };
}
