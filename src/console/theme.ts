/**
 * The console's look: antd's tokens set once, for a calm back office (one sober blue, little colour elsewhere,
 * compact rows). Runs in the browser.
 */
import type { ThemeConfig } from 'antd';

export const CONSOLE_THEME: ThemeConfig = {
  token: {
    colorPrimary: '#1d4f91',
    colorInfo: '#1d4f91',
    borderRadius: 4,
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif',
    colorBgLayout: '#f2f4f7',
  },
  components: {
    Layout: { headerBg: '#16365f', headerHeight: 56, headerPadding: '0 24px', siderBg: '#ffffff' },
    Menu: { itemSelectedBg: '#e8eef7', itemSelectedColor: '#1d4f91' },
    Table: { headerBg: '#f5f7fa', cellPaddingBlock: 10 },
    Card: { headerFontSize: 15 },
  },
};
