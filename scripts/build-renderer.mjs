#!/usr/bin/env node
// Builds the renderer for browser mode when it is missing or older than its sources (used by tests).
import { register } from 'tsx/esm/api';

register();
const { ensureRendererBuilt } = await import('../electron/renderer-build.ts');
await ensureRendererBuilt((m) => console.error(m));
