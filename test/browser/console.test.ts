// The web console (issue #13) in a real headless Chromium (Debian's, driven by playwright-core)
// against a 3-member raftkv cluster, writes made with the real etcdctl: the member table and a
// failover seen live, the key browser and a key's history, the live watch (pause keeps events),
// leases and locks, a read-only etcd user, and --ui-read-only. One browser and one cluster serve
// the file (the read-only flag needs a cluster of its own). Screenshots of each view go to
// docs/console/ with UPDATE_SCREENSHOTS=1.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../cluster/local-cluster.js';
import { launchChromium, type OpenedPage, openPage, screenshotDir, withChromium } from '../support/browser.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import type { Etcdctl } from '../support/etcdctl.js';
import { waitFor } from '../support/proc.js';

const pre = withChromium(prereqs({ etcdctl: true }));
const UI_MS = 20_000;

describe.skipIf(pre.skip)('web console in Chromium', () => {
  // One browser for the file; a context (profile state, sessionStorage) per page.
  let browser: Browser | undefined;
  const shots = screenshotDir();
  let last: OpenedPage | undefined;
  beforeAll(async () => {
    if (pre.missing.length === 0) browser = await launchChromium();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(`--- browser log of the last page:\n${last?.log.join('\n') ?? ''}`);
  });
  afterAll(async () => {
    await browser?.close();
    shots.cleanup();
  });
  const open = async (url: string): Promise<Page> => {
    if (browser === undefined) throw new Error('chromium did not start');
    last = await openPage(browser, url);
    return last.page;
  };
  /** Ends a test: the page had no script error, CSP violation or third-party request; its screenshot. */
  const shot = async (page: Page, name: string): Promise<void> => {
    expect(last?.problems ?? []).toEqual([]);
    await page.screenshot({ path: path.join(shots.dir, `${name}.png`), fullPage: true });
  };

  describe('on a 3-member cluster', () => {
    const f = useClusters(pre);
    const cluster = f.shared(3);

    const ctl = (c: LocalCluster = cluster()): Etcdctl => f.ctl(c.endpoints());
    const run = async (c: Etcdctl, args: string[]): Promise<string> => {
      const r = await c.run(args);
      expect(r.code, `etcdctl ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    /** Opens a key through the tree: expands each prefix level, then clicks the key. */
    const openInTree = async (page: Page, levels: string[], key: string): Promise<void> => {
      for (const prefix of levels) {
        const node = page.locator(`[data-testid=tree-node][data-prefix="${prefix}"]`);
        await node.waitFor({ timeout: UI_MS });
        await node.locator('button.toggle').click();
      }
      const leaf = page.locator(`[data-testid=tree-node][data-prefix="${key}"]`);
      await leaf.waitFor({ timeout: UI_MS });
      await leaf.locator('button.link').click();
      await page.getByTestId('key-value').waitFor({ timeout: UI_MS });
    };

    it('key browser: a key written with etcdctl, as pretty JSON, its history after two more writes; put and delete behind a confirmation', async () => {
      const c = ctl();
      await run(c, ['put', '/console/app/config', '{"replicas":3,"mode":"primary"}']);
      const page = await open(`${cluster().members[0]?.clientUrl ?? ''}/ui/#keys`);
      await openInTree(page, ['/', '/console/', '/console/app/'], '/console/app/config');
      const value = page.getByTestId('key-value');
      expect(await value.getAttribute('data-mode')).toBe('json');
      expect(await value.textContent()).toBe(JSON.stringify({ replicas: 3, mode: 'primary' }, null, 2));
      await waitFor('one history row', async () => ((await page.getByTestId('history-row').count()) === 1 ? true : undefined), UI_MS);

      await run(c, ['put', '/console/app/config', '{"replicas":5,"mode":"primary"}']);
      await run(c, ['put', '/console/app/config', 'plain text']);
      await page.getByTestId('keys-reload').click();
      const rows = page.getByTestId('history-row');
      await waitFor('three history rows', async () => ((await rows.count()) === 3 ? true : undefined), UI_MS);
      const texts = await rows.allTextContents();
      expect(texts[0]).toContain('plain text');
      expect(texts[1]).toContain('"replicas":5');
      expect(texts[2]).toContain('"replicas":3');
      await waitFor('the newest value', async () => ((await value.textContent()) === 'plain text' ? true : undefined), UI_MS);
      expect(await page.getByTestId('version').textContent()).toBe('3');
      await shot(page, 'keys');

      // Put and delete from the page: nothing is sent before the confirmation.
      await page.getByTestId('put-key').fill('/console/app/written');
      await page.getByTestId('put-value').fill('from the browser');
      await page.getByTestId('put-button').click();
      expect((await run(c, ['get', '/console/app/written'])).trim()).toBe('');
      await page.getByTestId('confirm-button').click();
      await waitFor('the written key shown', async () => ((await page.getByTestId('key-value').textContent({ timeout: 1000 })) === 'from the browser' ? true : undefined), UI_MS);
      expect((await run(c, ['get', '/console/app/written', '--print-value-only'])).trim()).toBe('from the browser');
      await page.getByTestId('delete-button').click();
      await page.getByTestId('confirm-button').click();
      await waitFor('the delete in the history', async () => ((await page.locator('[data-testid=history-row].deleted').count()) === 1 ? true : undefined), UI_MS);
      expect((await run(c, ['get', '/console/app/written'])).trim()).toBe('');
    });

    it('live watch: an event made with etcdctl shows up; paused events are kept and shown on resume; filter by type; replay from a revision', async () => {
      const c = ctl();
      const page = await open(`${cluster().members[1]?.clientUrl ?? ''}/ui/#watch`);
      await page.getByTestId('watch-prefix').fill('/console/');
      await page.getByTestId('watch-start').click();
      const status = page.getByTestId('watch-status');
      await waitFor('the watch created', async () => ((await status.textContent())?.startsWith('watching') === true ? true : undefined), UI_MS);

      await run(c, ['put', '/console/watched', 'hello']);
      const events = page.getByTestId('watch-event');
      await waitFor('the PUT event', async () => ((await events.count()) === 1 ? true : undefined), UI_MS);
      expect(await events.first().getAttribute('data-type')).toBe('PUT');
      expect(await events.first().textContent()).toContain('/console/watchedhello');

      await page.getByTestId('watch-pause').click();
      await run(c, ['del', '/console/watched']);
      await waitFor('the paused DELETE counted', async () => ((await page.getByTestId('watch-pause').textContent()) === 'Resume (1 new)' ? true : undefined), UI_MS);
      expect(await events.count()).toBe(1);
      await page.getByTestId('watch-pause').click();
      await waitFor('both events after resume', async () => ((await events.count()) === 2 ? true : undefined), UI_MS);
      expect(await events.first().getAttribute('data-type')).toBe('DELETE');
      await run(c, ['put', '/console/other', '{"n":1}']);
      await waitFor('three events', async () => ((await events.count()) === 3 ? true : undefined), UI_MS);
      await page.getByTestId('watch-type').selectOption('DELETE');
      await waitFor('only the DELETE shown', async () => ((await events.count()) === 1 ? true : undefined), UI_MS);
      expect(await events.first().getAttribute('data-type')).toBe('DELETE');
      await page.getByTestId('watch-type').selectOption('all');
      await shot(page, 'watch');

      // Tail again from the DELETE's revision (the list is newest first): the last two, replayed.
      const deleteRev = (await events.nth(1).locator('td').first().textContent()) ?? '';
      await page.getByTestId('watch-revision').fill(deleteRev);
      await page.getByTestId('watch-start').click();
      await waitFor('the replay from a revision', async () => ((await events.count()) === 2 ? true : undefined), UI_MS);
      expect(await events.last().getAttribute('data-type')).toBe('DELETE');
      expect(await events.last().locator('td').first().textContent()).toBe(deleteRev);
    });

    it('leases and locks: a lease with its key; a lock holder with a waiter, and an election leader', async () => {
      const c = ctl();
      const granted = await run(c, ['lease', 'grant', '600']);
      const id = /lease ([0-9a-f]+) granted/.exec(granted)?.[1];
      expect(id, granted).toBeDefined();
      await run(c, ['put', '--lease', id ?? '', '/console/session', 'alive']);
      const page = await open(`${cluster().members[2]?.clientUrl ?? ''}/ui/#leases`);
      const lease = page.getByTestId('lease-row').filter({ hasText: id ?? '' });
      await lease.waitFor({ timeout: UI_MS });
      expect(await lease.textContent()).toContain('/console/session');
      await shot(page, 'leases');

      const holder = c.start(['lock', '/console/lock']);
      await holder.waitForStdout('/console/lock/');
      c.start(['lock', '/console/lock']);
      const leader = c.start(['elect', '/console/election', 'proposal-1']);
      await leader.waitForStdout('/console/election/');
      await page.getByTestId('nav-locks').click();
      const lock = page.locator('[data-testid=lock-group][data-kind=lock]');
      const election = page.locator('[data-testid=lock-group][data-kind=election]');
      await waitFor('the lock with one waiter', async () => ((await lock.textContent({ timeout: 1000 }))?.includes('1 waiting') === true ? true : undefined), UI_MS);
      expect(await lock.textContent()).toContain(holder.stdout.trim().split('\n')[0] ?? 'no key printed');
      await election.waitFor({ timeout: UI_MS });
      expect(await election.textContent()).toContain('proposal-1');
      await shot(page, 'locks');
    });

    it('cluster view on a follower: the member table shows the leader, and after the leader is killed the new one without a reload', async () => {
      const c = cluster();
      const leader = await c.waitLeader();
      const follower = (await c.followers())[0];
      if (follower === undefined) throw new Error('no follower');
      const page = await open(`${follower.clientUrl}/ui/`);
      const leaderRow = page.locator('[data-testid=member-row][data-role=leader]');
      await leaderRow.waitFor({ timeout: UI_MS });
      expect(await page.getByTestId('member-row').count()).toBe(3);
      expect(await leaderRow.getAttribute('data-name')).toBe(leader.name);
      expect(await page.getByTestId('leader-name').textContent()).toBe(leader.name);
      await waitFor('a metrics sample drawn', async () => ((await page.locator('[data-testid=chart] polyline').count()) > 0 ? true : undefined), UI_MS);
      await shot(page, 'cluster');

      // A mark on the window: it survives only if the page is never reloaded.
      await page.evaluate('window.consoleMark = 42');
      await leader.kill();
      const next = await c.waitLeader({ not: leader, timeoutMs: 30_000 });
      await page.locator(`[data-testid=member-row][data-role=leader][data-name="${next.name}"]`).waitFor({ timeout: UI_MS });
      await page.locator(`[data-testid=member-row][data-role=unreachable][data-name="${leader.name}"]`).waitFor({ timeout: UI_MS });
      await waitFor('the new leader named', async () => ((await page.getByTestId('leader-name').textContent()) === next.name ? true : undefined), UI_MS);
      expect(await page.getByTestId('timeline-entry').count()).toBeGreaterThan(0);
      expect(await page.evaluate('window.consoleMark')).toBe(42);
      await shot(page, 'cluster-failover');
      await leader.restart();
      await c.waitHealthy();
    });

    it('auth: a user whose role may only read sees no write control and its delete is refused; a user with one write range gets write controls only there', async () => {
      const c = ctl();
      await run(c, ['put', '/console/ro/key', 'v']);
      for (const args of [
        ['user', 'add', 'root:rootpw'],
        ['user', 'grant-role', 'root', 'root'],
        ['role', 'add', 'reader'],
        ['role', 'grant-permission', 'reader', 'read', '/console/', '--prefix'],
        ['user', 'add', 'viewer:viewerpw'],
        ['user', 'grant-role', 'viewer', 'reader'],
        ['role', 'add', 'editor'],
        ['role', 'grant-permission', 'editor', 'read', '/console/', '--prefix'],
        ['role', 'grant-permission', 'editor', 'readwrite', '/console/rw/', '--prefix'],
        ['user', 'add', 'editor:editorpw'],
        ['user', 'grant-role', 'editor', 'editor'],
        ['put', '/console/rw/key', 'w'],
        ['auth', 'enable'],
      ]) {
        await run(c, args);
      }
      const page = await open(`${cluster().members[0]?.clientUrl ?? ''}/ui/#keys`);
      const form = page.getByTestId('login-form');
      await form.waitFor({ timeout: UI_MS });
      await form.locator('input[name=user]').fill('viewer');
      await form.locator('input[name=password]').fill('wrong');
      await form.locator('button[type=submit]').click();
      await waitFor('etcd refusing the password', async () => ((await form.getByTestId('error').textContent({ timeout: 1000 }))?.includes('authentication failed') === true ? true : undefined), UI_MS);
      await shot(page, 'login');
      await form.locator('input[name=password]').fill('viewerpw');
      await form.locator('button[type=submit]').click();

      await page.getByTestId('key-lookup').fill('/console/ro/key');
      await page.getByTestId('key-lookup').press('Enter');
      await waitFor('the key read as viewer', async () => ((await page.getByTestId('key-value').textContent({ timeout: 1000 })) === 'v' ? true : undefined), UI_MS);
      expect(await page.getByTestId('delete-button').count()).toBe(0);
      expect(await page.getByTestId('put-button').count()).toBe(0);
      await page.getByTestId('history-row').first().waitFor({ timeout: UI_MS });
      await shot(page, 'keys-read-only-user');

      // The server refuses it too: the viewer's own token, straight to the gateway.
      // (A string: it runs in the page, whose DOM types this Node-side file does not have.)
      const refused = (await page.evaluate(`(async () => {
        const s = JSON.parse(sessionStorage.getItem('raftkv.console.session') ?? '{}');
        const res = await fetch('/v3/kv/deleterange', { method: 'POST', headers: { Authorization: s.token ?? '' }, body: JSON.stringify({ key: btoa('/console/ro/key') }) });
        return { status: res.status, body: await res.text() };
      })()`)) as { status: number; body: string };
      expect(refused.body).toContain('etcdserver: permission denied');
      const still = await run(c, ['--user', 'root:rootpw', 'get', '/console/ro/key', '--print-value-only']);
      expect(still.trim()).toBe('v');

      // A user who may write only under /console/rw/ gets write controls there and nowhere else.
      const other = await open(`${cluster().members[1]?.clientUrl ?? ''}/ui/#keys`);
      const login = other.getByTestId('login-form');
      await login.locator('input[name=user]').fill('editor');
      await login.locator('input[name=password]').fill('editorpw');
      await login.locator('button[type=submit]').click();
      const openKey = async (key: string, value: string): Promise<void> => {
        await other.getByTestId('key-lookup').fill(key);
        await other.getByTestId('key-lookup').press('Enter');
        await waitFor(`${key} read as editor`, async () => ((await other.getByTestId('key-value').textContent({ timeout: 1000 })) === value ? true : undefined), UI_MS);
      };
      // The whole keyspace is not theirs to list: the tree starts from a prefix they may read.
      await other.getByTestId('key-lookup').fill('/console/');
      await other.getByTestId('key-lookup').press('Enter');
      await other.locator('[data-testid=tree-node][data-prefix="/console/rw/"]').waitFor({ timeout: UI_MS });
      await openKey('/console/rw/key', 'w');
      expect(await other.getByTestId('delete-button').count()).toBe(1);
      expect(await other.getByTestId('put-button').isEnabled()).toBe(true);
      await openKey('/console/ro/key', 'v');
      expect(await other.getByTestId('delete-button').count()).toBe(0);
      expect(await other.getByTestId('put-button').isEnabled()).toBe(false);
      await other.getByTestId('history-row').first().waitFor({ timeout: UI_MS });
      await shot(other, 'keys-write-range-user');
    });
  });

  describe('on a 3-member cluster started with --ui-read-only', () => {
    const f = useClusters(pre);
    const cluster = f.shared(3, { extraFlags: ['--ui-read-only'] });

    it('hides every write control', async () => {
      const r = await f.ctl(cluster().endpoints()).run(['put', '/ro/key', '{"k":"v"}']);
      expect(r.code, r.stderr).toBe(0);
      const page = await open(`${cluster().members[0]?.clientUrl ?? ''}/ui/#keys`);
      await page.getByTestId('read-only-badge').waitFor({ timeout: UI_MS });
      await page.locator('[data-testid=tree-node][data-prefix="/"]').waitFor({ timeout: UI_MS });
      await page.getByTestId('key-lookup').fill('/ro/key');
      await page.getByTestId('key-lookup').press('Enter');
      await page.getByTestId('key-value').waitFor({ timeout: UI_MS });
      await page.getByTestId('history-row').first().waitFor({ timeout: UI_MS });
      for (const id of ['put-button', 'delete-button', 'confirm-button']) expect(await page.getByTestId(id).count(), id).toBe(0);
      await shot(page, 'keys-ui-read-only');
    });
  });
});
