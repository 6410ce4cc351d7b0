// `--help` on every command and subcommand of `celldesk`: found from the command's own listing, so a command added
// later is checked too. Each answers on stdout with its usage and exit status 0, and does nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCelldesk, tempDir } from '../helpers/cli';

/** The commands `celldesk --help` lists. */
async function commands(): Promise<string[]> {
  const listing = await runCelldesk(['--help']);
  assert.equal(listing.code, 0);
  const names = [...listing.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((match) => match[1]!);
  assert.ok(names.length >= 6, `commands listed: ${names.join(', ')}`);
  return names;
}

/** The subcommands `celldesk <command> --help` lists ("celldesk models list [--json]" lines), if any. */
function subcommandsIn(command: string, help: string): string[] {
  return [...help.matchAll(new RegExp(`^ {2}celldesk ${command} ([a-z]+)`, 'gm'))].map((match) => match[1]!);
}

test('every command and subcommand answers --help (and -h) with its usage, exit status 0 and nothing on stderr', { timeout: 120_000 }, async () => {
  const checked: string[] = [];
  for (const command of await commands()) {
    for (const flag of ['--help', '-h']) {
      const run = await runCelldesk([command, flag]);
      assert.deepEqual([run.code, run.stderr], [0, ''], `celldesk ${command} ${flag}`);
      assert.match(run.stdout, new RegExp(`^Usage: celldesk ${command}\\b`), `celldesk ${command} ${flag}`);
    }
    const subcommands = subcommandsIn(command, (await runCelldesk([command, '--help'])).stdout);
    for (const sub of subcommands) {
      const run = await runCelldesk([command, sub, '--help']);
      assert.deepEqual([run.code, run.stderr], [0, ''], `celldesk ${command} ${sub} --help`);
      assert.match(run.stdout, new RegExp(`^Usage: celldesk ${command} ${sub}\\b`), `celldesk ${command} ${sub} --help`);
      checked.push(`${command} ${sub}`);
    }
    checked.push(command);
  }
  for (const expected of ['bench', 'segment', 'serve', 'models list', 'models download', 'models convert', 'history export', 'masks convert']) {
    assert.ok(checked.includes(expected), `${expected} was checked (checked: ${checked.join(', ')})`);
  }
});

test('--help among other options still answers with the usage and runs nothing', async () => {
  const home = tempDir('help-home');
  const bench = await runCelldesk(['bench', '--model', 'cyto3', '--help', '--iterations', '1'], { CELLDESK_HOME: home });
  assert.deepEqual([bench.code, bench.stderr], [0, '']);
  assert.match(bench.stdout, /^Usage: celldesk bench/);
  const download = await runCelldesk(['models', 'download', 'cyto3', '--help'], { CELLDESK_HOME: home });
  assert.deepEqual([download.code, download.stderr], [0, '']);
  assert.match(download.stdout, /^Usage: celldesk models download/);
  assert.ok(!existsSync(home) || readdirSync(home).length === 0, `nothing written to the data folder: ${existsSync(home) ? readdirSync(home).join(', ') : ''}`);
  assert.ok(!existsSync(join(home, 'models')));
});

test('an unknown option is still refused, and after -- a file named --help is a file name', async () => {
  const unknown = await runCelldesk(['bench', '--no-such-option']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown option '--no-such-option'[\s\S]*Usage: celldesk bench/);
  const fileNamed = await runCelldesk(['masks', 'convert', '--', '--help', 'out.tif']);
  assert.equal(fileNamed.code, 1);
  assert.match(fileNamed.stderr, /--help/);
  assert.doesNotMatch(fileNamed.stdout, /^Usage/);
});
