// Progress of a long atlas run: on a terminal one bar redrawn in place with the ETA; otherwise (a log file, a
// Slurm job's output) a plain line at the start, at most every few seconds, and at the end, so logs stay short.
export interface ProgressSink {
  update(done: number, total: number, phase: string): void;
  end(): void;
}

const BAR = 28;
const PLAIN_EVERY_MS = 5000;

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * `startDone` units were finished before this run (a resume): the rate, and with it the ETA, counts only the units
 * this run computed.
 */
export function progressSink(stream: NodeJS.WriteStream, startDone = 0, now: () => number = Date.now): ProgressSink {
  const started = now();
  let base = startDone;
  let lastPlain = 0;
  let drawn = false;
  const eta = (done: number, total: number): number => {
    const ran = done - base;
    return ran > 0 ? (((now() - started) / ran) * (total - done)) / 1000 : NaN;
  };
  return {
    update(done, total, phase) {
      if (phase === 'starting') base = done;
      if (stream.isTTY) {
        const filled = total > 0 ? Math.round((BAR * done) / total) : 0;
        const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${done}/${total} units  ETA ${formatEta(eta(done, total))}  ${phase}`;
        const width = Math.max(20, (stream.columns ?? 100) - 1);
        stream.write(`\r${line.slice(0, width).padEnd(width)}`);
        drawn = true;
        return;
      }
      const t = now();
      if (lastPlain !== 0 && t - lastPlain < PLAIN_EVERY_MS && done < total) return;
      lastPlain = t;
      const left = eta(done, total);
      stream.write(`atlas: ${done} of ${total} units${Number.isFinite(left) && done < total ? `, about ${formatEta(left)} left` : ''} (${phase})\n`);
    },
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
