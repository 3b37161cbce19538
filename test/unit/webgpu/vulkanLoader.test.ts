// The Vulkan loader is looked for where dlopen looks (LD_LIBRARY_PATH, the default folders, the linker cache) before
// Dawn loads, so a machine without Vulkan gets one reason instead of Dawn's warning on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vulkanDriverFilesMissing, vulkanLoaderMissing } from '../../../src/core/node/webgpu/vulkanLoader';

const none = { readCache: () => undefined, exists: () => false };

test('on Linux without the loader anywhere: one reason naming libvulkan.so.1 and the package', () => {
  const why = vulkanLoaderMissing({ ...none, platform: 'linux', env: {} });
  assert.match(why ?? '', /libvulkan\.so\.1 is not installed \(e\.g\. `apt-get install libvulkan1`/);
});

test('found in LD_LIBRARY_PATH, a default folder, or the linker cache', () => {
  const at = (path: string) => ({ ...none, exists: (p: string) => p === path });
  assert.equal(vulkanLoaderMissing({ ...at('/opt/vk/libvulkan.so.1'), platform: 'linux', env: { LD_LIBRARY_PATH: '/x:/opt/vk' } }), undefined);
  assert.equal(vulkanLoaderMissing({ ...at('/usr/lib/libvulkan.so.1'), platform: 'linux', env: {} }), undefined);
  const cache = Buffer.from('ld.so-1.7.0\0libvulkan.so.1\0/usr/lib/x86_64-linux-gnu/libvulkan.so.1\0');
  assert.equal(vulkanLoaderMissing({ ...none, readCache: () => cache, platform: 'linux', env: {} }), undefined);
  // A folder only named in a cache entry for something else does not count.
  assert.ok(vulkanLoaderMissing({ ...none, readCache: () => Buffer.from('libvulkan_radeon.so\0'), platform: 'linux', env: {} }));
});

test('other platforms do not use the Vulkan loader: never reported missing', () => {
  for (const platform of ['win32', 'darwin'] as const) assert.equal(vulkanLoaderMissing({ ...none, platform, env: {} }), undefined);
});

test('VK_ICD_FILENAMES or VK_DRIVER_FILES naming only files that do not exist: one reason naming the variable and the file', () => {
  const at = (...paths: string[]) => ({ platform: 'linux' as const, exists: (p: string) => paths.includes(p) });
  assert.equal(
    vulkanDriverFilesMissing({ ...at(), env: { VK_ICD_FILENAMES: '/gone/icd.json' } }),
    'no WebGPU adapter: the environment variable VK_ICD_FILENAMES names the Vulkan driver file /gone/icd.json, which does not exist; correct or unset it',
  );
  // VK_DRIVER_FILES takes the place of VK_ICD_FILENAMES where both are set, as in the loader.
  assert.match(vulkanDriverFilesMissing({ ...at('/ok.json'), env: { VK_DRIVER_FILES: '/a.json:/b.json', VK_ICD_FILENAMES: '/ok.json' } }) ?? '', /VK_DRIVER_FILES names Vulkan driver files none of which exists \(\/a\.json, \/b\.json\)/);
  // One that exists is enough; none set: the loader searches its own folders.
  assert.equal(vulkanDriverFilesMissing({ ...at('/b.json'), env: { VK_ICD_FILENAMES: '/a.json:/b.json' } }), undefined);
  assert.equal(vulkanDriverFilesMissing({ ...at(), env: {} }), undefined);
  assert.equal(vulkanDriverFilesMissing({ ...at(), platform: 'win32', env: { VK_ICD_FILENAMES: '/gone.json' } }), undefined);
});
