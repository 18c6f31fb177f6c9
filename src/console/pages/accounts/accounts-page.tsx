/**
 * 账号 (issue 15): the centre's accounts and its API keys, for an admin (`accounts.manage`, `api_keys.manage`).
 * Every change here is audited with its actor (审计). Runs in the browser.
 */
import { Tabs } from 'antd';
import { useAuth } from '../../auth.js';
import { PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import '../config/messages.js';
import { AccountsTab } from './accounts-tab.js';
import { ApiKeysTab } from './api-keys-tab.js';
import './messages.js';

export function AccountsPage() {
  useLanguage();
  const { can } = useAuth();
  const items = [
    ...(can('accounts.manage')
      ? [{ key: 'accounts', label: t('accounts.tab.accounts'), children: <AccountsTab /> }]
      : []),
    ...(can('api_keys.manage') ? [{ key: 'keys', label: t('accounts.tab.keys'), children: <ApiKeysTab /> }] : []),
  ];
  return (
    <PageFrame title={t('menu.accounts')} description={t('accounts.description')}>
      <Tabs items={items} destroyOnHidden />
    </PageFrame>
  );
}
