// `npm run zoo` (and the zoo test, on demand): makes the conformance zoo into .cache/zoo/<key>/ unless that zoo
// exists, with makeZoo.ts (TF.js in Node, nothing downloaded). Older zoos (other keys) and half-made ones of
// killed runs are removed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeKeyedFolder, removeStaleFolders } from '../keyedCache.mjs';
import { repoRoot, zooCacheDir, zooCacheRoot, zooKey, zooReady, zooScriptDir } from './zooCache.mjs';

const dir = zooCacheDir();
if (zooReady()) {
  removeStaleFolders(zooCacheRoot, zooKey());
  console.log(`zoo: ${dir} is up to date`);
} else {
  console.log(`zoo: making ${dir}`);
  const seconds = makeKeyedFolder({
    dir, root: zooCacheRoot, key: zooKey(), label: 'zoo', what: 'makeZoo.ts',
    make: (tmp) => spawnSync(process.execPath, ['--import', 'tsx', join(zooScriptDir, 'makeZoo.ts'), tmp], { cwd: repoRoot, stdio: 'inherit' }),
  });
  console.log(`zoo: done in ${seconds.toFixed(1)} s`);
}
