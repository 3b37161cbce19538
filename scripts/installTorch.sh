#!/usr/bin/env bash
# Debian's PyTorch: the reference side of `npm run bench:peer`, and what `npm run fixtures` makes the ONNX test
# fixtures with. ~660 MB; libopenblas0 matters: without it matrix products fall back to the reference BLAS and
# run ~30x slower. Serialized with other apt users.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
PACKAGES=(python3-torch python3-torchvision python3-onnx libopenblas0)
# A fresh machine has no package lists yet.
if ! $SUDO flock /tmp/apt.lock apt-get install --no-install-recommends -y "${PACKAGES[@]}"; then
  $SUDO flock /tmp/apt.lock apt-get update
  $SUDO flock /tmp/apt.lock apt-get install --no-install-recommends -y "${PACKAGES[@]}"
fi
