// On Linux Dawn reaches the GPU through the Vulkan loader (libvulkan.so.1). Where it is missing, Dawn prints
// "Warning: Couldn't load Vulkan …" straight to the process's stderr (the CLI's output, under `auto` on every
// machine without Vulkan) and finds no adapter. So the loader is looked for first, where dlopen looks for it:
// LD_LIBRARY_PATH, the linker cache (/etc/ld.so.cache lists every library ldconfig knows), the default folders.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LOADER = 'libvulkan.so.1';
const DEFAULT_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64'];

export interface LoaderLookup {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The linker cache's bytes, or undefined where there is none. */
  readCache?: () => Buffer | undefined;
  exists?: (path: string) => boolean;
}

/** Why Dawn cannot reach Vulkan here, or undefined where the loader is found (or the platform does not use it). */
export function vulkanLoaderMissing(lookup: LoaderLookup = {}): string | undefined {
  if ((lookup.platform ?? process.platform) !== 'linux') return undefined;
  const exists = lookup.exists ?? existsSync;
  const fromEnv = (lookup.env ?? process.env).LD_LIBRARY_PATH?.split(':').filter((d) => d !== '') ?? [];
  if ([...fromEnv, ...DEFAULT_DIRS].some((dir) => exists(join(dir, LOADER)))) return undefined;
  const cache = (lookup.readCache ?? readLinkerCache)();
  if (cache?.includes(LOADER)) return undefined;
  return `no WebGPU adapter: the Vulkan loader ${LOADER} is not installed (e.g. \`apt-get install libvulkan1\`; the GPU also needs its Vulkan driver)`;
}

function readLinkerCache(): Buffer | undefined {
  try {
    return readFileSync('/etc/ld.so.cache');
  } catch {
    return undefined;
  }
}
