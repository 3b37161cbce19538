// The argument checks every binding starts with: a wrong call throws a RangeError naming what is wrong, and the
// binding returns without touching a pointer.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <string>

namespace layerlens {

inline bool fail(napi_env env, const std::string& message) {
  napi_throw_range_error(env, nullptr, message.c_str());
  return false;
}

// Reads the call's first N arguments into argv; fewer than N is a failure.
template <size_t N>
bool args(napi_env env, napi_callback_info info, napi_value (&argv)[N]) {
  size_t argc = N;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  return argc >= N || fail(env, "expected " + std::to_string(N) + " arguments");
}

}  // namespace layerlens
