// Re-checks a saved chaos history: node dist-dev/test/chaos/check-file.js history.json
//   [--json] [--max-steps N] [--time-limit-ms N] [--no-revisions]
// Exit status: 0 valid, 1 invalid, 2 unknown (a search gave up), 3 bad usage or input.
import { readFileSync } from 'node:fs';
import { checkHistory, formatReport, parseHistory } from './checkers/index.js';

function main(argv: string[]): number {
  let file: string | undefined;
  let json = false;
  const lin: { maxStepsPerKey?: number; timeLimitMs?: number; useRevisions?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--json') json = true;
    else if (a === '--max-steps') lin.maxStepsPerKey = num();
    else if (a === '--time-limit-ms') lin.timeLimitMs = num();
    else if (a === '--no-revisions') lin.useRevisions = false;
    else if (a.startsWith('-') || file !== undefined) throw new Error(`unexpected argument ${a}`);
    else file = a;
  }
  if (file === undefined) throw new Error('usage: check-file.js <history.json> [--json] [--max-steps N] [--time-limit-ms N] [--no-revisions]');
  const result = checkHistory(parseHistory(readFileSync(file, 'utf8')), { linearizability: lin });
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${formatReport(result)}\n`);
  return result.valid === true ? 0 : result.valid === false ? 1 : 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`check-file: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 3;
}
