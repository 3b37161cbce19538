// The native kernels are C++ in the engine's process: a bug there (or a CPU it was not built for) kills the
// engine with a signal instead of throwing. The engine restarts on the next request, but it would load the
// same kernels and die the same way; so after one such death this session's engines run TF.js's kernels, the
// user is told once, and "Layer Lens: Restart Engine" tries the native kernels again.
import type { BackendStatus } from '../../shared/backend';

/** Signals a crash in native code ends a process with (a kill by the user or the OS is SIGTERM/SIGKILL). */
const NATIVE_CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGILL', 'SIGBUS', 'SIGFPE', 'SIGABRT']);

export class NativeCrashGuard {
  private offReason: string | undefined;

  /** Why the native kernels are off for this session, or undefined while they are allowed. */
  get reason(): string | undefined {
    return this.offReason;
  }

  /**
   * Notes an engine exit; returns the sentence to show the user when this exit turns the native kernels off
   * (an engine that ran them and died by a crash signal), else undefined.
   */
  noteExit(signal: string | null, status: BackendStatus | undefined): string | undefined {
    if (this.offReason || !signal || !NATIVE_CRASH_SIGNALS.has(signal) || !status?.kernels?.startsWith('native')) return undefined;
    this.offReason = `turned off for this session after the engine crashed (${signal}); Restart Engine tries them again`;
    return `The Layer Lens engine crashed (${signal}) while running its native kernels; it now runs TF.js's kernels until you run "Layer Lens: Restart Engine".`;
  }

  /** A restart the user asked for tries the native kernels again. */
  reset(): void {
    this.offReason = undefined;
  }
}
