import { describe, expect, it } from 'vitest';
import { addMessages, hasMessage, t } from './i18n.js';

describe("the console's words", () => {
  addMessages({
    'zh-CN': { 'test.hello': '你好，{name}', 'test.only-zh': '仅中文' },
    en: { 'test.hello': 'Hello, {name}' },
  });

  it('says a key in Chinese first, with its variables', () => {
    expect(t('test.hello', { name: '王丽' })).toBe('你好，王丽');
  });

  it('shows the key itself rather than nothing when a word is missing', () => {
    expect(t('test.no-such-key')).toBe('test.no-such-key');
  });

  it('refuses a key declared twice with other words', () => {
    expect(() => addMessages({ 'zh-CN': { 'test.hello': '您好' }, en: {} })).toThrow(/declared twice/);
    // The same words again (a module loaded twice) are no conflict.
    expect(() => addMessages({ 'zh-CN': { 'test.only-zh': '仅中文' }, en: {} })).not.toThrow();
  });
});

describe('the audit log page', () => {
  it('names every audit action in both languages', async () => {
    const { AUDIT_ACTIONS } = await import('../shared/audit.js');
    await import('./pages/audit/messages.js');
    const missing = (lang: 'zh-CN' | 'en') => AUDIT_ACTIONS.filter((a) => !hasMessage(lang, `audit.action.${a}`));
    expect(missing('zh-CN')).toEqual([]);
    expect(missing('en')).toEqual([]);
  });
});
