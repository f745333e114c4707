# shellcheck shell=bash
# Shared by ops/start and ops/test: the pinned bun (through npx, so nothing needs installing by hand),
# the workspace's dependencies, the generated Prisma client and turbo. Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUN_VERSION=$(sed -n 's/.*"packageManager": *"bun@\([^"]*\)".*/\1/p' "$ROOT/package.json")
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

step() { printf '\n==> %s\n' "$*"; }

# turbo runs workspace scripts with the package manager's binary, so the pinned bun must be on PATH: npx
# fetches it into its cache once, and a link in the state dir points at that binary.
PARLEY_BIN="${PARLEY_STATE_DIR:-$HOME/.cache/parley}/bin"
ensure_bun() {
  if [[ ! -x $PARLEY_BIN/bun || $("$PARLEY_BIN/bun" --version 2>/dev/null) != "$BUN_VERSION" ]]; then
    local exe
    exe=$(npx --yes "bun@$BUN_VERSION" -e "console.log(process.execPath)") || {
      echo "could not get bun $BUN_VERSION through npx: check that the npm registry is reachable, then rerun" >&2
      exit 1
    }
    mkdir -p "$PARLEY_BIN" && ln -sf "$exe" "$PARLEY_BIN/bun"
  fi
  export PATH="$PARLEY_BIN:$PATH"
}

# turbo reads only bun's text lockfile (bun.lock); the product owner keeps the binary bun.lockb, and with
# both files bun would follow bun.lock and leave bun.lockb stale, so we do not write one. turbo then warns
# on every run that it found no bun.lock: that one warning is dropped here, nothing else. What turbo would
# have used the lockfile for, keying caches on dependency versions, comes from listing bun.lockb in
# turbo.json's globalDependencies (any dependency change rebuilds everything), and tests are never cached.
turbo() {
  "$ROOT/node_modules/.bin/turbo" "$@" 2> >(
    awk '/WARNING +An issue occurred while attempting to parse .*bun\.lock\./ { skip = 3; next }
         skip > 0 { skip--; if ($0 ~ /Could not resolve workspace|Lockfile not found|^ *$/) next }
         { print }' >&2
  )
}

# Idempotent: a no-op in about a second when nothing changed.
prepare_workspace() {
  command -v node >/dev/null || { echo "Node.js 20.19+ is needed: install it (e.g. apt-get install nodejs npm), then rerun" >&2; exit 1; }
  ensure_bun
  step "installing dependencies with bun $BUN_VERSION (bun.lockb, frozen)"
  (cd "$ROOT" && bun install --frozen-lockfile) || {
    echo "bun install failed: check that the npm registry is reachable, then rerun" >&2
    exit 1
  }
  step "generating the Prisma client"
  (cd "$ROOT" && DATABASE_URL=${DATABASE_URL:-postgresql://unused@127.0.0.1/unused} \
    node_modules/.bin/prisma generate --config prisma/prisma.config.ts >/dev/null) || {
    echo "prisma generate failed: run it by hand to see why (bun run db:generate)" >&2
    exit 1
  }
}
