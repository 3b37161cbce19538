// The web-platform globals src/core may use: those present alike in Node (20+), a browser page (a webview) and a
// web worker. scripts/typecheckCore.mjs checks src/core (outside src/core/node/) against ES2022 plus these alone,
// with @types/node hidden, so `process`, `Buffer`, `require` or `document` there is a type error.
// Why not lib.dom: it would admit `document` and `window`, which a worker lacks; why not lib.webworker: it would
// admit `self` and `importScripts`, which a page lacks. Declared narrowly, as the core uses them; widen as needed.
// Not part of the main tsconfig (that one has @types/node, whose declarations of the same names differ).

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Opaque: a number in browsers, an object in Node; only ever handed back to clearTimeout. */
interface TimerHandle {
  readonly __timerHandle: never;
}
declare function setTimeout(handler: (...args: never[]) => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined): void;

declare var performance: { now(): number };

interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare var TextDecoder: new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => TextDecoder;

interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: new () => TextEncoder;

declare function atob(data: string): string;
declare function btoa(data: string): string;

declare var crypto: {
  subtle: { digest(algorithm: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512', data: ArrayBufferView | ArrayBuffer): Promise<ArrayBuffer> };
  getRandomValues<T extends ArrayBufferView>(array: T): T;
};

declare var console: {
  log(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
