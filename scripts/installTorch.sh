#!/usr/bin/env bash
# Debian's PyTorch for `npm run bench:peer` (the reference side). ~660 MB; libopenblas0 matters: without it
# matrix products fall back to the reference BLAS and run ~30x slower. Serialized with other apt users.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO flock /tmp/apt.lock apt-get install --no-install-recommends -y python3-torch python3-torchvision python3-onnx libopenblas0
