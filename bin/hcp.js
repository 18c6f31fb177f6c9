#!/usr/bin/env node
// The `hcp` command. Runs the compiled CLI (npm run build writes dist/).
import { main } from '../dist/cli/main.js';

await main(process.argv);
