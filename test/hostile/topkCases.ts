// Folders given to `topk --images`: good images mixed with every kind of bad entry (skipped and counted, no
// hang), folders with no readable image (one sentence, non-zero exit), and paths that are no folder at all.
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { CaseFolder, GiB, parseJson } from './corpusTypes';
import type { CaseRun, HostileCase } from './corpusTypes';
import { bmp, digitPng, gif, jpeg, pngBomb, pngFromParts, pngRgba } from './imageBytes';

const sampleModel = join(repoRoot, 'models/mnist-cnn/model.json');

type Summary = { images?: number; skipped?: { file: string; reason: string }[]; channels?: number };

/** Exit 0 with `images` images ranked, and at least the named files among the skipped ones. */
function ranked(images: number, skipped: string[], minSkipped = skipped.length): (run: CaseRun) => string | null {
  return (run) => {
    const s = parseJson<Summary>(run.stdout);
    if (typeof s === 'string') return s;
    if (s.images !== images) return `ranked ${s.images} images, expected ${images}`;
    if (s.channels !== 16) return `expected 16 channels, got ${s.channels}`;
    const files = new Set((s.skipped ?? []).map((x) => x.file));
    const missing = skipped.filter((x) => !files.has(x));
    if (missing.length) return `not counted as skipped: ${missing.join(', ')} (skipped: ${[...files].slice(0, 8).join(', ')})`;
    if ((s.skipped ?? []).length < minSkipped) return `skipped ${(s.skipped ?? []).length}, expected at least ${minSkipped}`;
    return null;
  };
}

export async function topkCases(f: CaseFolder): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const goods = (dir: string, n = 4): void => {
    for (let i = 0; i < n; i++) f.file(`topk/${dir}/digit-${i}.png`, digitPng(i));
  };
  const run = (id: string, dir: string, expect: 'accept' | 'refuse', what: string, check?: (r: CaseRun) => string | null): void => {
    cases.push({
      id: `topk/${id}`, cls: 'topk', what, expect, names: [dir, dir.split('/').pop()!], check,
      args: ['topk', '--model', sampleModel, '--layer', 'conv1', '--images', dir, '--out', f.out(`topk/${id}`), '--k', '2', '--json'],
    });
  };

  // Good images among bad entries: every bad one skipped and counted, the good ones ranked.
  goods('mixed');
  f.file('topk/mixed/corrupt.png', 'not a png');
  f.symlink('topk/mixed/loopA.png', 'loopB.png');
  f.symlink('topk/mixed/loopB.png', 'loopA.png');
  f.dir('topk/mixed/folder.png');
  f.symlink('topk/mixed/sub/up', '..');
  f.symlink('topk/mixed/dangling.jpg', 'nowhere.jpg');
  run('mixed-bad-entries', f.path('topk/mixed'), 'accept', 'corrupt file, symlink loop, folder named .png, dir loop, dangling link',
    ranked(4, ['corrupt.png', 'loopA.png', 'loopB.png', 'folder.png', 'dangling.jpg']));

  goods('fifo');
  f.fifo('topk/fifo/pipe.png');
  run('fifo-among-good', f.path('topk/fifo'), 'accept', 'a FIFO named pipe.png among good images', ranked(4, ['pipe.png']));

  goods('devices');
  f.symlink('topk/devices/zero.png', '/dev/zero');
  f.symlink('topk/devices/random.jpg', '/dev/urandom');
  run('devices-among-good', f.path('topk/devices'), 'accept', 'links to /dev/zero and /dev/urandom among good images', ranked(4, ['zero.png', 'random.jpg']));

  goods('bombs');
  f.file('topk/bombs/bomb.png', await pngBomb(GiB));
  f.file('topk/bombs/huge.png', pngFromParts(100000, 100000, new Uint8Array([0x78, 0x9c, 0x03, 0, 0, 0, 0, 1])));
  f.file('topk/bombs/offset.bmp', bmp(28, 28, { offset: 1_000_000 }));
  f.sparse('topk/bombs/oversized.png', 3 * GiB, pngRgba(8, 8));
  run('bombs-among-good', f.path('topk/bombs'), 'accept', 'a PNG bomb, a huge header, a bad BMP offset, a 3 GiB file among good images',
    ranked(4, ['bomb.png', 'huge.png', 'offset.bmp', 'oversized.png']));

  f.file('topk/formats/a.png', digitPng(5));
  f.file('topk/formats/b.jpg', jpeg(30, 30));
  f.file('topk/formats/c.bmp', bmp(28, 28));
  f.file('topk/formats/d.gif', gif(28, 28));
  f.file('topk/formats/e.png', pngRgba(50, 20));
  f.file('topk/formats/nested/deeper/f.JPEG', jpeg(16, 40));
  f.file('topk/formats/readme.txt', 'not an image, not named like one');
  run('mixed-formats', f.path('topk/formats'), 'accept', 'six images in five formats, nested, odd sizes', ranked(6, []));

  f.file('topk/names/ümlaut ö.png', digitPng(6));
  f.file('topk/names/new\nline.png', digitPng(8));
  f.file('topk/names/-dash.png', digitPng(9));
  run('odd-names', f.path('topk/names'), 'accept', 'file names with unicode, a newline and a leading dash', ranked(3, []));

  goods('linked/real');
  const linkedDir = f.symlink('topk/linked/images', 'real');
  run('folder-symlink', linkedDir, 'accept', 'the images folder is a symlink to a real folder', ranked(4, []));

  // No readable image: one sentence naming the folder, non-zero exit.
  f.file('topk/unreadable/a.png', 'text');
  f.file('topk/unreadable/b.jpg', new Uint8Array([0xff, 0xd8, 0xff]));
  f.symlink('topk/unreadable/c.png', 'c.png');
  run('no-readable-image', f.path('topk/unreadable'), 'refuse', 'only corrupt files and a symlink loop');
  run('empty-folder', f.dir('topk/empty'), 'refuse', 'an empty folder');
  f.file('topk/no-images/notes.txt', 'hello');
  f.file('topk/no-images/data.csv', 'a,b\n1,2\n');
  run('no-image-files', f.path('topk/no-images'), 'refuse', 'a folder with no image files');
  f.fifo('topk/only-fifo/pipe.png');
  run('only-fifo', f.path('topk/only-fifo'), 'refuse', 'a folder holding only a FIFO named .png');
  run('folder-missing', f.path('topk/missing'), 'refuse', 'a folder that does not exist');
  run('folder-is-file', f.file('topk/a-file.png', digitPng(1)), 'refuse', '--images names a file');
  run('folder-is-fifo', f.fifo('topk/fifo-folder'), 'refuse', '--images names a FIFO');
  run('folder-is-dev-zero', f.symlink('topk/zero-folder', '/dev/zero'), 'refuse', '--images links to /dev/zero');
  return cases;
}
