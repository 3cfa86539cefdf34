#!/usr/bin/env node
import { parseFlags } from '../daemon/flags.js';
import { runMember } from '../daemon/main.js';
import { VERSION } from '../version.js';

await runMember(parseFlags(process.argv, VERSION));
