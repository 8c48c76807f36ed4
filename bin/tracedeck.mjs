#!/usr/bin/env node
// The `tracedeck` command: runs the CLI bundle (scripts/cli-bundle.mjs builds it at `npm ci` and
// again whenever a source is newer), or the TypeScript CLI under tsx when it cannot be built.
import { pathToFileURL } from 'node:url';
import { cliBundle } from '../scripts/cli-bundle.mjs';

const bundle = process.env.TRACEDECK_FROM_SOURCE === '1' ? null : await cliBundle();
let cli;
if (bundle) {
  cli = await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../electron/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
