// The zoo's architectures, each a reduced member of its family so that the whole zoo test runs in a few minutes on
// two cores: fewer blocks per stage, narrower layers (MobileNets at alpha ≈ 0.25–0.35, the others at a quarter to an
// eighth of their widths), and inputs of 96 px (64 px for the 1- and 4-channel nets). Each keeps what makes its
// family hard for gradients and kernels: depthwise and strided depthwise convs, hard-swish and swish, squeeze-excite,
// BatchNormalization without scale, separable convs, dense concatenation, dilation, transposed convs, crops.
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  act, add, avgPool, bn, classifierHead, concat, conv, convBnAct, convTranspose, crop, depthwise, dwBnAct, input,
  invertedResidual, maxPool, model, separable, squeezeExcite, upsample, zeroPad, type T,
} from './netBlocks';

const CLASSES = 10;

export function mobilenetV1(): tfl.LayersModel {
  const x = input(96, 3);
  let y = convBnAct(x, 'conv1', 8, 3, 'relu6', { strides: 2 });
  const plan: [number, number][] = [[16, 1], [32, 2], [32, 1], [64, 2], [64, 1], [128, 2]];
  plan.forEach(([filters, strides], i) => {
    y = dwBnAct(y, `conv_dw_${i + 1}`, 3, 'relu6', { strides });
    y = convBnAct(y, `conv_pw_${i + 1}`, filters, 1, 'relu6');
  });
  return model(x, classifierHead(y, CLASSES), 'mobilenet_v1');
}

export function mobilenetV2(): tfl.LayersModel {
  const x = input(96, 3);
  let y = convBnAct(x, 'Conv1', 16, 3, 'relu6', { strides: 2 });
  const plan: [number, number, number][] = [[1, 8, 1], [6, 16, 2], [6, 16, 1], [6, 24, 2], [6, 24, 1], [6, 32, 2]];
  let c = 16;
  plan.forEach(([t, outC, s], i) => {
    y = invertedResidual(y, `block_${i}`, c, outC, t, s);
    c = outC;
  });
  y = convBnAct(y, 'Conv_1', 128, 1, 'relu6');
  return model(x, classifierHead(y, CLASSES), 'mobilenet_v2');
}

/** MobileNetV3 block: expand, depthwise, optional squeeze-excite with a hard-sigmoid gate, project, residual. */
function v3Block(x: T, name: string, inC: number, expC: number, outC: number, k: number, s: number, se: boolean, a: 'relu' | 'hardSwish'): T {
  let y = convBnAct(x, `${name}_expand`, expC, 1, a);
  y = dwBnAct(y, `${name}_depthwise`, k, a, { strides: s });
  if (se) y = squeezeExcite(y, `${name}_se`, expC, Math.max(8, expC / 4), 'hardSigmoid');
  y = bn(conv(y, `${name}_project`, outC, 1, { bias: false }), `${name}_project_bn`);
  return inC === outC && s === 1 ? add([x, y], `${name}_add`) : y;
}

export function mobilenetV3(): tfl.LayersModel {
  const x = input(96, 3);
  let y = convBnAct(x, 'Conv', 16, 3, 'hardSwish', { strides: 2 });
  y = v3Block(y, 'expanded_conv_0', 16, 16, 16, 3, 2, true, 'relu');
  y = v3Block(y, 'expanded_conv_1', 16, 48, 24, 3, 2, false, 'relu');
  y = v3Block(y, 'expanded_conv_2', 24, 64, 24, 3, 1, false, 'relu');
  y = v3Block(y, 'expanded_conv_3', 24, 96, 40, 5, 2, true, 'hardSwish');
  y = v3Block(y, 'expanded_conv_4', 40, 120, 40, 5, 1, true, 'hardSwish');
  y = convBnAct(y, 'Conv_1', 144, 1, 'hardSwish');
  return model(x, classifierHead(y, CLASSES), 'mobilenet_v3');
}

/** EfficientNet MBConv: expand (swish), depthwise (swish), squeeze-excite (sigmoid), project, residual. */
function mbConv(x: T, name: string, inC: number, outC: number, expand: number, k: number, s: number): T {
  let y = x;
  if (expand !== 1) y = convBnAct(y, `${name}_expand`, inC * expand, 1, 'swish');
  y = dwBnAct(y, `${name}_dw`, k, 'swish', { strides: s });
  y = squeezeExcite(y, `${name}_se`, inC * expand, Math.max(4, inC / 4), 'sigmoid');
  y = bn(conv(y, `${name}_project`, outC, 1, { bias: false }), `${name}_project_bn`);
  return inC === outC && s === 1 ? add([x, y], `${name}_add`) : y;
}

export function efficientnetB0(): tfl.LayersModel {
  const x = input(96, 3);
  let y = convBnAct(x, 'stem', 16, 3, 'swish', { strides: 2 });
  y = mbConv(y, 'block1a', 16, 8, 1, 3, 1);
  y = mbConv(y, 'block2a', 8, 12, 6, 3, 2);
  y = mbConv(y, 'block2b', 12, 12, 6, 3, 1);
  y = mbConv(y, 'block3a', 12, 20, 6, 5, 2);
  y = mbConv(y, 'block4a', 20, 40, 6, 3, 2);
  y = convBnAct(y, 'top', 160, 1, 'swish');
  return model(x, classifierHead(y, CLASSES), 'efficientnet_b0');
}

/** ResNet50 bottleneck: 1×1 → 3×3 → 1×1 (×4), with a projection shortcut when the shape changes. */
function bottleneck(x: T, name: string, width: number, strides: number, project: boolean): T {
  let y = convBnAct(x, `${name}_1_conv`, width, 1, 'relu', { strides });
  y = convBnAct(y, `${name}_2_conv`, width, 3, 'relu');
  y = bn(conv(y, `${name}_3_conv`, width * 4, 1), `${name}_3_bn`);
  const shortcut = project ? bn(conv(x, `${name}_0_conv`, width * 4, 1, { strides }), `${name}_0_bn`) : x;
  return act(add([shortcut, y], `${name}_add`), `${name}_out`, 'relu');
}

export function resnet50(): tfl.LayersModel {
  const x = input(96, 3);
  let y = zeroPad(x, 'conv1_pad', [[3, 3], [3, 3]]);
  y = act(bn(conv(y, 'conv1_conv', 16, 7, { strides: 2, padding: 'valid' }), 'conv1_bn'), 'conv1_relu', 'relu');
  y = zeroPad(y, 'pool1_pad', [[1, 1], [1, 1]]);
  y = maxPool(y, 'pool1_pool', 3, 2);
  const widths = [8, 16, 32, 64];
  widths.forEach((w, i) => {
    y = bottleneck(y, `conv${i + 2}_block1`, w, i === 0 ? 1 : 2, true);
    if (i < 2) y = bottleneck(y, `conv${i + 2}_block2`, w, 1, false);
  });
  return model(x, classifierHead(y, CLASSES), 'resnet50');
}

/** InceptionV3's conv2d_bn: BatchNormalization with scale=False, as keras.applications writes it. */
function cbr(x: T, name: string, filters: number, kernel: number | [number, number], strides = 1, padding: 'same' | 'valid' = 'same'): T {
  return convBnAct(x, name, filters, kernel, 'relu', { strides, padding }, false);
}

export function inceptionV3(): tfl.LayersModel {
  const x = input(96, 3);
  let y = cbr(x, 'conv2d_1', 8, 3, 2, 'valid');
  y = cbr(y, 'conv2d_2', 8, 3, 1, 'valid');
  y = cbr(y, 'conv2d_3', 16, 3);
  y = maxPool(y, 'max_pooling2d_1', 3, 2);
  y = cbr(y, 'conv2d_4', 20, 1, 1, 'valid');
  y = cbr(y, 'conv2d_5', 48, 3, 1, 'valid');
  y = maxPool(y, 'max_pooling2d_2', 3, 2);
  // mixed0 (35×35 block in the full net): 1×1, 5×5, double 3×3, pooled 1×1.
  const b1 = cbr(y, 'mixed0_1x1', 16, 1);
  const b5 = cbr(cbr(y, 'mixed0_5x5_1', 12, 1), 'mixed0_5x5_2', 16, 5);
  const b3 = cbr(cbr(cbr(y, 'mixed0_3x3dbl_1', 16, 1), 'mixed0_3x3dbl_2', 24, 3), 'mixed0_3x3dbl_3', 24, 3);
  const bp = cbr(avgPool(y, 'mixed0_pool', 3, 1, 'same'), 'mixed0_pool_proj', 8, 1);
  y = concat([b1, b5, b3, bp], 'mixed0');
  // mixed3 (grid reduction): strided 3×3, strided double 3×3, max pool.
  const r3 = cbr(y, 'mixed3_3x3', 48, 3, 2, 'valid');
  const rd = cbr(cbr(cbr(y, 'mixed3_dbl_1', 16, 1), 'mixed3_dbl_2', 24, 3), 'mixed3_dbl_3', 24, 3, 2, 'valid');
  const rp = maxPool(y, 'mixed3_pool', 3, 2);
  y = concat([r3, rd, rp], 'mixed3');
  // mixed4 (17×17 block): factorized 1×7 / 7×1 convolutions.
  const c1 = cbr(y, 'mixed4_1x1', 48, 1);
  const c7 = cbr(cbr(cbr(y, 'mixed4_7x7_1', 32, 1), 'mixed4_7x7_2', 32, [1, 7]), 'mixed4_7x7_3', 48, [7, 1]);
  const cp = cbr(avgPool(y, 'mixed4_pool', 3, 1, 'same'), 'mixed4_pool_proj', 48, 1);
  y = concat([c1, c7, cp], 'mixed4');
  return model(x, classifierHead(y, CLASSES), 'inception_v3');
}

export function xception(): tfl.LayersModel {
  const x = input(96, 3);
  let y = convBnAct(x, 'block1_conv1', 8, 3, 'relu', { strides: 2, padding: 'valid' });
  y = convBnAct(y, 'block1_conv2', 16, 3, 'relu', { padding: 'valid' });
  [32, 64].forEach((filters, i) => {
    const b = `block${i + 2}`;
    const residual = bn(conv(y, `${b}_residual`, filters, 1, { strides: 2, bias: false }), `${b}_residual_bn`);
    let z = i === 0 ? y : act(y, `${b}_sepconv1_act`, 'relu');
    z = bn(separable(z, `${b}_sepconv1`, filters, 3, { bias: false }), `${b}_sepconv1_bn`);
    z = act(z, `${b}_sepconv2_act`, 'relu');
    z = bn(separable(z, `${b}_sepconv2`, filters, 3, { bias: false }), `${b}_sepconv2_bn`);
    z = maxPool(z, `${b}_pool`, 3, 2, 'same');
    y = add([z, residual], `${b}_add`);
  });
  // One middle-flow block: three ReLU → separable → BN, added to its input.
  let z = y;
  for (let k = 1; k <= 3; k++) z = bn(separable(act(z, `block4_sepconv${k}_act`, 'relu'), `block4_sepconv${k}`, 64, 3, { bias: false }), `block4_sepconv${k}_bn`);
  y = add([z, y], 'block4_add');
  y = act(bn(separable(y, 'block5_sepconv1', 128, 3, { bias: false }), 'block5_sepconv1_bn'), 'block5_sepconv1_act', 'relu');
  return model(x, classifierHead(y, CLASSES), 'xception');
}

export function densenet(): tfl.LayersModel {
  const x = input(96, 3);
  let y = zeroPad(x, 'zero_padding2d', [[3, 3], [3, 3]]);
  y = act(bn(conv(y, 'conv1_conv', 16, 7, { strides: 2, padding: 'valid', bias: false }), 'conv1_bn'), 'conv1_relu', 'relu');
  y = maxPool(zeroPad(y, 'zero_padding2d_1', [[1, 1], [1, 1]]), 'pool1', 3, 2);
  let channels = 16;
  const growth = 8;
  for (let b = 1; b <= 2; b++) {
    for (let l = 1; l <= 3; l++) {
      const n = `conv${b + 1}_block${l}`;
      let z = act(bn(y, `${n}_0_bn`), `${n}_0_relu`, 'relu');
      z = act(bn(conv(z, `${n}_1_conv`, 4 * growth, 1, { bias: false }), `${n}_1_bn`), `${n}_1_relu`, 'relu');
      z = conv(z, `${n}_2_conv`, growth, 3, { bias: false });
      y = concat([y, z], `${n}_concat`);
      channels += growth;
    }
    if (b === 1) {
      channels = channels / 2;
      const t = act(bn(y, 'pool2_bn'), 'pool2_relu', 'relu');
      y = avgPool(conv(t, 'pool2_conv', channels, 1, { bias: false }), 'pool2_pool', 2, 2);
    }
  }
  y = act(bn(y, 'bn'), 'relu', 'relu');
  return model(x, classifierHead(y, CLASSES), 'densenet');
}

/** DeepLab-like: strided backbone, dilated conv and dilated depthwise, an ASPP head with image pooling, bilinear upsampling. */
export function deeplab(): tfl.LayersModel {
  const x = input(96, 3);
  let y = convBnAct(x, 'entry_conv1', 16, 3, 'relu', { strides: 2 });
  y = convBnAct(y, 'entry_conv2', 24, 3, 'relu', { strides: 2 });
  y = convBnAct(y, 'entry_conv3', 32, 3, 'relu', { strides: 2 });
  y = convBnAct(y, 'atrous_conv', 32, 3, 'relu', { dilation: 2 });
  y = dwBnAct(y, 'atrous_depthwise', 3, 'relu', { dilation: 2 });
  const a1 = convBnAct(y, 'aspp0', 24, 1, 'relu');
  const a2 = convBnAct(y, 'aspp1', 24, 3, 'relu', { dilation: 2 });
  const a3 = act(bn(separable(y, 'aspp2', 24, 3, { dilation: 4, bias: false }), 'aspp2_bn'), 'aspp2_relu', 'relu');
  const side = 12;
  const pooled = conv(avgPool(y, 'image_pooling', side, side), 'image_pooling_conv', 24, 1, { activation: 'relu' });
  const a4 = upsample(pooled, 'image_pooling_upsample', side, 'nearest');
  y = convBnAct(concat([a1, a2, a3, a4], 'aspp_concat'), 'concat_projection', 32, 1, 'relu');
  y = conv(y, 'logits_semantic', 5, 1);
  y = upsample(y, 'upsample_logits', 8, 'bilinear');
  return model(x, y, 'deeplab');
}

/** U-Net-like encoder–decoder on a 1-channel image: transposed-conv and bilinear up paths, skip concatenations, a crop. */
export function unet(): tfl.LayersModel {
  const x = input(64, 1);
  const e1 = conv(conv(x, 'enc1_conv1', 8, 3, { activation: 'relu' }), 'enc1_conv2', 8, 3, { activation: 'relu' });
  const e2 = conv(conv(maxPool(e1, 'pool1', 2, 2), 'enc2_conv1', 16, 3, { activation: 'relu' }), 'enc2_conv2', 16, 3, { activation: 'relu' });
  const mid = convBnAct(maxPool(e2, 'pool2', 2, 2), 'bottleneck_conv', 32, 3, 'relu');
  let d2 = convTranspose(mid, 'up2_transpose', 16, 3, 2);
  d2 = conv(concat([d2, e2], 'up2_concat'), 'dec2_conv', 16, 3, { activation: 'relu' });
  // Bilinear upsampling, then a padded conv cropped back to size (Cropping2D: a strided slice in graph form).
  let d1 = conv(zeroPad(upsample(d2, 'up1_upsample', 2, 'bilinear'), 'up1_pad', [[2, 2], [2, 2]]), 'up1_conv', 8, 3, { activation: 'relu' });
  d1 = crop(d1, 'up1_crop', 2);
  d1 = conv(concat([d1, e1], 'up1_concat'), 'dec1_conv', 8, 3, { activation: 'relu' });
  return model(x, conv(d1, 'mask_logits', 2, 1), 'unet');
}

/** A small residual classifier of 4-channel (RGBA) images. */
export function rgbaNet(): tfl.LayersModel {
  const x = input(64, 4);
  let y = convBnAct(x, 'stem', 16, 3, 'relu', { strides: 2 });
  const r = convBnAct(convBnAct(y, 'res_conv1', 16, 3, 'relu'), 'res_conv2', 16, 3, 'linear');
  y = act(add([y, r], 'res_add'), 'res_relu', 'relu');
  y = convBnAct(y, 'down', 32, 3, 'relu', { strides: 2 });
  y = maxPool(y, 'pool', 2, 2);
  return model(x, classifierHead(y, 4), 'rgba_net');
}

export const ZOO_NETS: Record<string, () => tfl.LayersModel> = {
  mobilenet_v1: mobilenetV1,
  mobilenet_v2: mobilenetV2,
  mobilenet_v3: mobilenetV3,
  efficientnet_b0: efficientnetB0,
  resnet50,
  inception_v3: inceptionV3,
  xception,
  densenet,
  deeplab,
  unet,
  rgba_net: rgbaNet,
};

/** Which nets also get a GraphModel twin, and in which style (see toGraph.ts). */
export const GRAPH_TWINS: Record<string, 'fused' | 'plain'> = {
  mobilenet_v1: 'fused',
  mobilenet_v2: 'plain',
  mobilenet_v3: 'fused',
  efficientnet_b0: 'fused',
  resnet50: 'fused',
  deeplab: 'plain',
  unet: 'plain',
};
