// A single-node Slurm cluster for one test: Debian's slurm-wlm and munge (installed when absent), munged on its
// own socket and key, slurmctld and slurmd on free ports with every state, spool, log and pid file in a temp
// folder. stop() ends every daemon it started (scontrol shutdown, then the pids) and is safe to call twice.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, totalmem, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const INSTALL = 'apt-get install -y --no-install-recommends slurm-wlm munge';
const PROGRAMS = ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch', '/usr/bin/scontrol', '/usr/bin/sinfo', '/usr/bin/squeue', '/usr/bin/scancel'];

/** Installs slurm-wlm and munge through apt when a program is missing; throws what to install when that fails. */
export function ensureSlurmInstalled(): void {
  if (PROGRAMS.every((p) => existsSync(p))) return;
  const run = (cmd: string): SpawnSyncReturns<string> => spawnSync('flock', ['/tmp/apt.lock', 'sh', '-c', cmd], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let r = run(INSTALL);
  if (r.status !== 0) r = run(`apt-get update && ${INSTALL}`);
  if (r.status !== 0 || !PROGRAMS.every((p) => existsSync(p))) {
    throw new Error(`The Slurm test needs Debian's slurm-wlm and munge, and installing them failed: run \`${INSTALL}\` as root (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}).`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function pidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface SlurmCluster {
  /** Environment for Slurm's clients (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** The daemons' logs, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  ensureSlurmInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'layer-lens-slurm-'));
  chmodSync(dir, 0o755); // munged runs as the munge user and must reach its folder inside
  const munge = join(dir, 'munge');
  mkdirSync(munge, { mode: 0o700 });
  const key = join(munge, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const uid = Number(execFileSync('id', ['-u', 'munge'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'munge'], { encoding: 'utf8' }).trim());
  chownSync(munge, uid, gid);
  chownSync(key, uid, gid);
  const socket = join(munge, 'munge.socket');
  const files = {
    mungePid: join(munge, 'munged.pid'),
    ctldPid: join(dir, 'slurmctld.pid'),
    slurmdPid: join(dir, 'slurmd.pid'),
    ctldLog: join(dir, 'slurmctld.log'),
    slurmdLog: join(dir, 'slurmd.log'),
    mungeLog: join(munge, 'munged.log'),
  };
  const pids: number[] = [];
  const conf = join(dir, 'slurm.conf');
  const env = { ...process.env, SLURM_CONF: conf };
  let stopped = false;
  // If the test process ends without stop() (killed by the runner's timeout), the daemons still go with it.
  const killAtExit = (): void => {
    for (const file of [files.ctldPid, files.slurmdPid, files.mungePid]) {
      const pid = pidIn(file);
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  };
  process.once('exit', killAtExit);
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killAtExit);
    // Jobs first: a task's slurmstepd outlives slurmd by design, so a job still running (a test that failed or
    // timed out) is cancelled and waited for before the daemons go.
    if (existsSync(files.ctldPid)) {
      spawnSync('/usr/bin/scancel', ['--full', '--user=root'], { env, timeout: 10_000 });
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        const q = spawnSync('/usr/bin/squeue', ['-h', '-o', '%A'], { env, encoding: 'utf8', timeout: 5_000 });
        if (q.status !== 0 || q.stdout.trim() === '') break;
        await sleep(250);
      }
    }
    spawnSync('/usr/bin/scontrol', ['shutdown'], { env, timeout: 10_000 });
    for (const file of [files.ctldPid, files.slurmdPid, files.mungePid]) {
      const pid = pidIn(file);
      if (pid && !pids.includes(pid)) pids.push(pid);
    }
    const deadline = Date.now() + 10_000;
    for (const pid of pids) {
      if (pid === pidIn(files.mungePid)) continue; // munged goes last: the Slurm daemons talk to it while stopping
      while (alive(pid) && Date.now() < deadline) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    const mungePid = pidIn(files.mungePid);
    if (mungePid && alive(mungePid)) {
      process.kill(mungePid, 'SIGTERM');
      const until = Date.now() + 5_000;
      while (alive(mungePid) && Date.now() < until) await sleep(50);
      if (alive(mungePid)) process.kill(mungePid, 'SIGKILL');
    }
  };
  const logs = (): string => [files.mungeLog, files.ctldLog, files.slurmdLog]
    .map((f) => `--- ${f}\n${existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-15).join('\n') : '(none)'}`).join('\n');
  try {
    const m = spawnSync('runuser', ['-u', 'munge', '--', '/usr/sbin/munged', '--force', `--socket=${socket}`, `--key-file=${key}`,
      `--pid-file=${files.mungePid}`, `--log-file=${files.mungeLog}`, `--seed-file=${join(munge, 'munged.seed')}`], { encoding: 'utf8', timeout: 15_000 });
    if (m.status !== 0) throw new Error(`munged did not start: ${m.stderr.trim()}`);
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const node = hostname().split('.')[0];
    const memoryMb = Math.floor(totalmem() / 1024 / 1024 / 2);
    writeFileSync(conf, [
      'ClusterName=layerlens',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${files.ctldPid}`,
      `SlurmdPidFile=${files.slurmdPid}`,
      `SlurmctldLogFile=${files.ctldLog}`,
      `SlurmdLogFile=${files.slurmdLog}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'AccountingStorageType=accounting_storage/none',
      'JobAcctGatherType=jobacct_gather/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'SchedulerParameters=sched_interval=1',
      `NodeName=${node} CPUs=${cpus().length} RealMemory=${memoryMb} State=UNKNOWN`,
      'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'));
    mkdirSync(join(dir, 'state'));
    mkdirSync(join(dir, 'spool'));
    for (const daemon of ['/usr/sbin/slurmctld', '/usr/sbin/slurmd']) {
      const r = spawnSync(daemon, ['-f', conf], { env, encoding: 'utf8', timeout: 20_000 });
      if (r.status !== 0) throw new Error(`${daemon} did not start (${r.stderr.trim() || `exit ${r.status}`}).\n${logs()}`);
    }
    // The node is usable once sinfo calls it idle.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = spawnSync('/usr/bin/sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8', timeout: 5_000 });
      if (/^idle/m.test(s.stdout)) break;
      if (Date.now() > deadline) throw new Error(`The Slurm node never became idle (sinfo: ${(s.stdout + s.stderr).trim()}).\n${logs()}`);
      await sleep(250);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    env, dir, logs,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
