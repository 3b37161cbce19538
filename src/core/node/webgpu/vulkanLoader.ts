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

/**
 * Why Vulkan will find no driver: VK_DRIVER_FILES (or the older VK_ICD_FILENAMES) replaces the loader's own search
 * with a list of driver manifests, and none of those named exists. Dawn would only print the loader's warnings to
 * stderr and find no adapter; this names the variable and the file instead. Undefined when neither is set or one
 * named path exists.
 */
export function vulkanDriverFilesMissing(lookup: Pick<LoaderLookup, 'env' | 'platform' | 'exists'> = {}): string | undefined {
  if ((lookup.platform ?? process.platform) !== 'linux') return undefined;
  const env = lookup.env ?? process.env;
  const name = env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : env.VK_ICD_FILENAMES ? 'VK_ICD_FILENAMES' : undefined;
  if (!name) return undefined;
  const files = (env[name] ?? '').split(':').filter((f) => f !== '');
  const exists = lookup.exists ?? existsSync;
  if (files.length === 0 || files.some((f) => exists(f))) return undefined;
  const listed = files.length === 1 ? `the Vulkan driver file ${files[0]}, which does not exist` : `Vulkan driver files none of which exists (${files.join(', ')})`;
  return `no WebGPU adapter: the environment variable ${name} names ${listed}; correct or unset it`;
}

function readLinkerCache(): Buffer | undefined {
  try {
    return readFileSync('/etc/ld.so.cache');
  } catch {
    return undefined;
  }
}
