/**
 * The console's sign-in end to end (issue 15), in Debian's Chromium against a real central process on PostgreSQL:
 * the first admin's printed one-time password and the forced change of it (the policy checked as it is typed),
 * the lock after five wrong passwords (said in words, with the time left), a state-changing request without the
 * CSRF token refused, a session ended by the centre taking the page back to the login page with a message, and
 * logout. Screenshots of 登录 and 修改密码 at 1920×1080.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiLogin, cssOf, shot, startConsoleCentre, styleNonces, type ConsoleCentre } from './console-harness.js';

let centre: ConsoleCentre;

beforeAll(async () => {
  centre = await startConsoleCentre();
});

afterAll(async () => {
  await centre?.close();
});

describe('the console: signing in', () => {
  it('takes the first admin in with the printed one-time password, and makes it change it before anything else', async () => {
    const page = await centre.newPage();
    const refusedByCsp: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) refusedByCsp.push(m.text());
    });
    await page.goto(`${centre.url}/console/`);
    await page.getByLabel('用户名').waitFor();
    // antd's run-time styles apply under the page's CSP: each carries this answer's nonce, and the theme shows.
    const styles = await styleNonces(page);
    const nonce = await page.locator('meta[name="csp-nonce"]').getAttribute('content');
    expect(styles.length).toBeGreaterThan(5);
    expect(styles.every((n) => n === nonce)).toBe(true);
    const submit = page.getByRole('button', { name: '登录' });
    expect(await cssOf(submit, 'backgroundColor')).toBe('rgb(29, 79, 145)');
    await shot(page, 'login');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码', { exact: true }).fill(centre.firstAdminPassword);
    await page.getByRole('button', { name: '登录' }).click();

    await page.getByText('您正在使用一次性密码').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/password');
    // Nothing else is reachable until the change: not the menu, not a page by its address.
    expect(await page.getByRole('menu').count()).toBe(0);
    await page.goto(`${centre.url}/console/devices`);
    await page.getByText('您正在使用一次性密码').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/password');

    await page.getByLabel('当前密码').fill(centre.firstAdminPassword);
    const rules = page.getByTestId('password-rules');
    await page.getByLabel('新密码', { exact: true }).fill('admin12345');
    // Too short is not the problem; three classes and the account name are (ticked as it is typed: waited for).
    const met = (rule: string, yes: boolean) => rules.locator(`[data-rule="${rule}"][data-met="${yes}"]`).waitFor();
    await met('min_length', true);
    await met('classes', false);
    await met('not_username', false);
    await page.getByLabel('新密码', { exact: true }).fill('Hall-Centre-2026');
    await page.getByLabel('确认新密码').fill('Hall-Centre-2026');
    for (const rule of ['min_length', 'classes', 'not_username', 'different']) await met(rule, true);
    await shot(page, 'password');
    await page.getByRole('button', { name: '修改密码' }).last().click();
    await page.waitForURL('**/console/overview');
    await page.getByRole('menu').getByText('总览').waitFor();
    await page.getByTestId('signed-in-account').getByText('系统管理员').waitFor();
    // Through login, the change of password and 总览, the policy refused nothing.
    await page.getByTestId('overview-fleet').waitFor();
    expect(refusedByCsp).toEqual([]);
  });

  it('says that the account is locked, and for how long, after five wrong passwords', async () => {
    const { username } = await centre.createAccount('leader');
    const page = await centre.newPage();
    await page.goto(`${centre.url}/console/login`);
    await page.getByLabel('用户名').fill(username);
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('密码', { exact: true }).fill(`wrong-password-${i}`);
      // Each answer awaited: the same words showing from the attempt before prove nothing.
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await page.getByRole('button', { name: '登录' }).click();
      expect((await answered).status()).toBe(401);
      await page.getByTestId('login-error').getByText('用户名或密码错误').waitFor();
    }
    await page.getByLabel('密码', { exact: true }).fill('wrong-password-5');
    await page.getByRole('button', { name: '登录' }).click();
    const locked = page.getByTestId('login-error').getByText('账号已锁定');
    await locked.waitFor();
    expect(await locked.textContent()).toMatch(/请在 1[45] 分钟后（\d\d:\d\d）再试/);
    await shot(page, 'login-locked');
  });

  it('refuses a state-changing request made with the session cookie but without the CSRF token', async () => {
    const page = await centre.newPage();
    await apiLogin(page.context(), centre.url, 'admin', 'Hall-Centre-2026');
    const refused = await page.request.post(`${centre.url}/api/v1/admin/enrollments`, {
      data: { mode: 'window', windowCode: 'W01', name: 'no token' },
    });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('csrf_refused');
    // The same session may read.
    expect((await page.request.get(`${centre.url}/api/v1/admin/devices`)).status()).toBe(200);
  });

  it('goes back to the login page, saying why, when the centre ends the session', async () => {
    const page = await centre.signInAs('leader');
    // Its page has loaded (no request of it still under way when the session ends).
    await page.getByTestId('overview-today').waitFor();
    await page.getByTestId('overview-fleet').waitFor();
    const accounts = (await centre.admin('GET', '/accounts')).body as { id: string; role: string }[];
    const leader = accounts.filter((a) => a.role === 'leader').at(-1)!;
    // A change of role ends the account's sessions (as an idle timeout would).
    expect((await centre.admin('PATCH', `/accounts/${leader.id}`, { role: 'auditor' })).status).toBe(200);
    await page.getByRole('menu').getByText('评价记录').click();
    await page.getByText('登录已失效').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/login');
  });

  it('logs out, and the session is gone', async () => {
    const page = await centre.signInAs('supervisor');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByText('您已安全退出').waitFor();
    expect((await page.request.get(`${centre.url}/api/v1/auth/me`)).status()).toBe(401);
  });
});
