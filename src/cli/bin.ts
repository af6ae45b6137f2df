#!/usr/bin/env node
// `npx factorkit`: package.json `bin` points at the build of this file (dist/cli.js).
import { main } from './main.js';
import { processIo } from './process-io.js';

main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
