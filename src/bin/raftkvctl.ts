#!/usr/bin/env node
// raftkvctl: an etcdctl-like command line client for raftkv.
import { runCtl } from '../ctl/program.js';

// Exit explicitly: open gRPC channels would otherwise keep the process alive.
process.exit(await runCtl(process.argv));
