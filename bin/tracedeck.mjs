#!/usr/bin/env node
// The `tracedeck` command: runs the TypeScript CLI through tsx, so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
