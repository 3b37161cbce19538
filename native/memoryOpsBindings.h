// Node-API functions of the value-moving kernels (memoryOps.h): transpose, padConstant and concat, added to the
// addon's exports by its Init. Kept apart from addon.cc because they take float32 or int32 arrays alike.
#pragma once
#define NAPI_VERSION 8
#include <node_api.h>

namespace layerlens {

void defineMemoryOps(napi_env env, napi_value exports);

}  // namespace layerlens
