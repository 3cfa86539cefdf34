// Passwords read from the user: etcdctl asks on the terminal (echo off) or,
// with --interactive=false, reads the first word of stdin.
import { badArgs } from './exit.js';
import { StdinLines, readStdinWord } from './io.js';

async function ask(lines: StdinLines, prompt: string): Promise<string> {
  process.stdout.write(prompt);
  const line = (await lines.next()) ?? '';
  process.stdout.write('\n');
  return line.replace(/\r?\n$/, '');
}

/** --user without a password: "Password: ". */
export async function askLoginPassword(): Promise<string> {
  return ask(new StdinLines(), 'Password: ');
}

/** A new password for `name` (user add, user passwd): asked twice, or read from stdin. */
export async function readNewPassword(name: string, interactive: boolean): Promise<string> {
  if (!interactive) return readStdinWord();
  const lines = new StdinLines();
  const first = await ask(lines, `Password of ${name}: `);
  if (first === '') throw badArgs('empty password');
  const second = await ask(lines, `Type password of ${name} again for confirmation: `);
  if (first !== second) throw badArgs('given passwords are different');
  return first;
}
