/**
 * The menu labels of 配置, 账号 and 审计: loaded with the menu (routes.tsx), before any of the three pages is.
 * Runs in the browser.
 */
import { addMessages } from '../../i18n.js';

addMessages({
  'zh-CN': { 'menu.config': '配置', 'menu.accounts': '账号', 'menu.audit': '审计' },
  en: { 'menu.config': 'Configuration', 'menu.accounts': 'Accounts', 'menu.audit': 'Audit log' },
});
