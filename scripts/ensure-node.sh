# Source this file: it puts a Node.js >= 22.12 first on PATH.
# Wrangler 4 refuses older Node versions. When the system Node is older, the npm registry's
# `node` package (a platform binary shipped inside a registry package) is installed once into
# .tools/node and used from there.
_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! _node_ok; then
  _root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [ ! -x "$_root/.tools/node/node_modules/.bin/node" ]; then
    echo "Node $(node --version 2>/dev/null || echo none) is older than 22.12; installing Node 22 into .tools/node" >&2
    npm install --prefix "$_root/.tools/node" --no-save --no-audit --no-fund node@22 >/dev/null
  fi
  export PATH="$_root/.tools/node/node_modules/.bin:$PATH"
  _node_ok || { echo "error: could not provide Node >= 22.12" >&2; return 1; }
fi
unset -f _node_ok
