#!/usr/bin/env bash
# Prints the path of Debian's nginx, installing the package first when it is missing (root + apt-get, like
# ops/services does for PostgreSQL and Redis). Used by ops/test and by the tests that start an nginx of
# their own (api/test/support/nginx.ts); messages go to stderr, the path alone to stdout.
set -euo pipefail
OPS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$OPS/lib/common.sh"

find_nginx() { command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; }; }

if ! find_nginx; then
  mkdir -p "$PARLEY_STATE"
  # Debian's postinst would start its own nginx on port 80 where it can: policy-rc.d answering 101 tells
  # invoke-rc.d not to start anything during this install. An existing policy is left alone.
  policy=/usr/sbin/policy-rc.d
  if [[ $(id -u) == 0 && ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt_install nginx nginx >&2 || exit 1
  find_nginx || die nginx "installed, but no nginx binary found on PATH or in /usr/sbin"
fi
