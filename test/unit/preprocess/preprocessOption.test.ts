// The command line's --resize, --resize-size and --normalize as input settings, and their one-sentence refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocessSettingsOf } from '../../../src/cli/preprocessOption';
import { LayerLensError } from '../../../src/shared/errors';
import { NORMALIZATIONS } from '../../../src/shared/preprocessing';

test('--resize and --normalize become settings; nothing asked is no settings', () => {
  assert.equal(preprocessSettingsOf({}), undefined);
  assert.deepEqual(preprocessSettingsOf({ resize: 'shorter-side', 'resize-size': '232' }), { resize: 'shorterSideCenterCrop', resizeSize: 232 });
  assert.deepEqual(preprocessSettingsOf({ resize: 'center-crop' }), { resize: 'centerCrop' });
  assert.deepEqual(preprocessSettingsOf({ normalize: 'caffe' }), { normalize: 'caffe', ...NORMALIZATIONS.caffe });
});

test('a bad value is one sentence naming the flag and what it accepts', () => {
  const refused = (values: Record<string, unknown>, message: string): void =>
    assert.throws(() => preprocessSettingsOf(values), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && e.message === message);
  refused({ resize: 'crop' }, '--resize must be one of stretch, center-crop, shorter-side, pad, not crop.');
  refused({ resize: 'stretch', 'resize-size': '256' }, '--resize-size applies only with --resize shorter-side.');
  refused({ resize: 'shorter-side', 'resize-size': '0' }, '--resize-size must be a whole number of pixels from 1 to 16384, not 0.');
  refused({ normalize: 'imagenet' }, '--normalize must be one of torchvision, torch, caffe, tf, inception, none, raw, not imagenet.');
});
