// The environment in which Dawn (the `webgpu` package) finds SwiftShader, the software Vulkan device Debian's
// chromium package ships: its ICD file, its Vulkan loader (libvulkan.so.1 sits beside it; the system may have
// none) and a private XDG_RUNTIME_DIR. For a CHILD process: the loader path is read when a process starts.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_LIB_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = join(CHROMIUM_LIB_DIR, 'vk_swiftshader_icd.json');
export const SWIFTSHADER_MISSING =
  `SwiftShader's Vulkan driver (${SWIFTSHADER_ICD}) is missing: install Debian's chromium (sudo apt-get install -y chromium), which the test setup (scripts/vscodeTest/setup.mjs) also installs`;

let runtimeDir: string | undefined;

/** Throws SWIFTSHADER_MISSING when chromium's SwiftShader is not installed. */
export function swiftshaderEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!existsSync(SWIFTSHADER_ICD)) throw new Error(SWIFTSHADER_MISSING);
  // mkdtemp makes the folder 0700, which the Vulkan loader and Dawn expect of XDG_RUNTIME_DIR.
  runtimeDir ??= mkdtempSync(join(tmpdir(), 'layer-lens-xdg-'));
  const libs = [CHROMIUM_LIB_DIR, base.LD_LIBRARY_PATH].filter((p) => p !== undefined && p !== '').join(':');
  return { ...base, VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: runtimeDir, LD_LIBRARY_PATH: libs };
}
