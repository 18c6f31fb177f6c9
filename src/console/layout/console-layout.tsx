/**
 * The console's frame: a header (the centre, the account and its role, the language, 修改密码, 退出登录), the side
 * menu of the pages the role may use (from routes.tsx), and the page. Nobody signed in → the login page; a
 * one-time password not yet changed → the change of password, and nothing else. Runs in the browser.
 */
import { KeyOutlined, LogoutOutlined } from '@ant-design/icons';
import { Button, Flex, Layout, Menu, Segmented, Spin, Typography } from 'antd';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import type { Ability } from '../../shared/abilities.js';
import { useAuth } from '../auth.js';
import { ErrorState, ForbiddenState } from '../components/page-frame.js';
import { setLanguage, t, useLanguage, type Language } from '../i18n.js';
import { useAllowedPages } from '../routes.js';
import { MissingYearBanner } from '../pages/calendar/missing-year-banner.js';
import { NotificationsBell } from '../pages/cases/notifications-bell.js';

export function ConsoleLayout() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const pages = useAllowedPages();
  const lang = useLanguage();
  const { account } = auth;

  if (account === undefined) {
    if (auth.error) {
      return (
        <Flex justify="center" style={{ padding: 96 }}>
          <ErrorState error={auth.error} onRetry={() => void auth.refresh()} />
        </Flex>
      );
    }
    return (
      <Flex justify="center" align="center" style={{ height: '100vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (account === null) {
    // The fragment goes along: the demo's link is /console/#ticket=… and the login page redeems it.
    return <Navigate to={{ pathname: '/login', hash: location.hash }} replace state={{ from: location.pathname }} />;
  }
  const forced = account.mustChangePassword;
  if (forced && location.pathname !== '/password') return <Navigate to="/password" replace />;

  const selected = pages.find((p) => location.pathname.startsWith(`/${p.path}`))?.path;
  return (
    <Layout className="console-shell">
      <Layout.Header className="console-header">
        <Flex align="center" gap={12} className="console-brand">
          <span className="console-emblem" aria-hidden>
            评
          </span>
          <div>
            <div className="console-title">{t('app.title')}</div>
            <div className="console-subtitle">{t('app.subtitle')}</div>
          </div>
        </Flex>
        <Flex align="center" gap={16}>
          <Segmented<Language>
            size="small"
            aria-label={t('header.language')}
            value={lang}
            options={[
              { label: '中文', value: 'zh-CN' },
              { label: 'English', value: 'en' },
            ]}
            onChange={(value) => setLanguage(value)}
          />
          <Typography.Text className="console-user" data-testid="signed-in-account">
            {account.displayName}
            <span className="console-role">{t(`role.${account.role}`)}</span>
          </Typography.Text>
          {forced ? null : <NotificationsBell />}
          {forced ? null : (
            <Button
              type="text"
              className="console-header-button"
              icon={<KeyOutlined />}
              onClick={() => void navigate('/password')}
            >
              {t('menu.password')}
            </Button>
          )}
          <Button
            type="text"
            className="console-header-button"
            icon={<LogoutOutlined />}
            onClick={() => void auth.logout().finally(() => void navigate('/login', { replace: true }))}
          >
            {t('header.logout')}
          </Button>
        </Flex>
      </Layout.Header>
      <Layout>
        {forced ? null : (
          <Layout.Sider width={208} theme="light" className="console-sider" breakpoint="lg" collapsedWidth={64}>
            <Menu
              mode="inline"
              selectedKeys={selected ? [selected] : []}
              items={pages.map((p) => ({ key: p.path, icon: p.icon, label: t(p.labelKey) }))}
              onClick={({ key }) => void navigate(`/${key}`)}
            />
          </Layout.Sider>
        )}
        <Layout.Content className="console-content">
          {forced ? null : <MissingYearBanner />}
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** A page's guard: its content if the role has `ability`, else 无权访问. */
export function RequireAbility({ ability }: { ability: Ability }) {
  const { can } = useAuth();
  return can(ability) ? <Outlet /> : <ForbiddenState />;
}
