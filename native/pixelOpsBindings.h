// Node-API functions of the per-pixel kernels (pixelOps.h): smallMatMul, channelDivide and sigmoidGrad, added to
// the addon's exports by its Init.
#pragma once
#define NAPI_VERSION 8
#include <node_api.h>

namespace layerlens {

void definePixelOps(napi_env env, napi_value exports);

}  // namespace layerlens
