// A stand-in for VS Code's side of a webview, for tests that run a panel's real code in a plain browser page:
// installed with setHost() before the panel's module runs, it records what the panel posts and delivers what
// the test sends, packed as the real host packs it. Never imported by a panel (only by test pages).
import { packBinary } from '../../../src/shared/protocol/binaryCodec';
import type { WebviewHost } from './hostBridge';

export interface FakeHost extends WebviewHost {
  /** Every message the panel posted, in order, as it crossed the boundary (typed arrays packed: JSON-safe). */
  readonly posted: unknown[];
  /** The state the panel saved last (what VS Code would give back after a window reload). */
  readonly state: unknown;
  /** Delivers a host message to the panel now, packed like the real host's; an already packed one passes as is. */
  send(msg: unknown): void;
}

export function createFakeHost(savedState?: unknown): FakeHost {
  const posted: unknown[] = [];
  const listeners: ((data: unknown) => void)[] = [];
  let state = savedState;
  return {
    posted,
    get state() {
      return state;
    },
    postMessage: (msg) => posted.push(msg),
    listen: (listener) => listeners.push(listener),
    getState: () => state,
    setState: (next) => (state = next),
    send: (msg) => {
      const packed = packBinary(msg);
      for (const listener of listeners) listener(packed);
    },
  };
}
