/** What the screens' tests show: window W01 of 市场监督管理局, 王丽 serving, no invitation open. */
import type { ScreenView } from '../shared/ui-contract.js';

export const SCREEN_VIEW: ScreenView = {
  mode: 'window',
  terminalName: null,
  window: { code: 'W01', name: '1号窗口' },
  department: { code: 'SCJG', name: '市场监督管理局' },
  staff: { staffNo: '1001', name: '王丽', photo: null },
  paused: null,
  invitation: null,
  serviceItems: [{ code: 'SC-0001', name: '个体工商户设立登记' }],
  reasonTags: [
    { code: 'efficiency', label: '服务效率' },
    { code: 'attitude', label: '服务态度' },
  ],
  ratingWindowSeconds: 20,
  citizenScreen: { speech: true, volume: 80, largeText: false },
  qrCode: null,
  keyMap: [5, 4, 3, 2, 1],
};
