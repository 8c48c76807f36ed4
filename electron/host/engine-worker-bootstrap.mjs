// Starts the TypeScript engine entry (argv[2], a file URL) under tsx in a forked engine process
// (CLI, browser mode, tests). The entry says 'hello' once it listens, so nothing sent before is lost.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
