/**
 * Rating channels (第三条, 第十条) and their codes in the national 好差评 data interface (`pf`).
 * This is the one place that mapping lives. Runs everywhere (pure).
 */
export const CHANNELS = [
  'hall_window',
  'hall_terminal',
  'qr_code',
  'web',
  'mobile',
  'hotline',
  'sms',
  'suggestion_box',
  'system_default',
] as const;

export type Channel = (typeof CHANNELS)[number];

/**
 * The one channel a kiosk of each mode produces: its evaluator or screen at a counter window, or a self-service
 * terminal. The centre refuses a kiosk's record that claims any other (a kiosk cannot rate on the online platform,
 * the hotline or by SMS, nor be the system default of 第八条).
 */
export const KIOSK_CHANNEL = { window: 'hall_window', terminal: 'hall_terminal' } as const satisfies Record<
  'window' | 'terminal',
  Channel
>;

/**
 * National `pf` code of each channel. A system default rating (第八条: no rating in 7 days) has no channel of its
 * own: it is reported with the `pf` of the channel the service was delivered on, so it maps to `null` here.
 */
export const NATIONAL_PF_CODE: Readonly<Record<Channel, string | null>> = {
  web: '1',
  mobile: '2',
  qr_code: '3',
  hall_window: '4',
  hall_terminal: '5',
  hotline: '6',
  sms: '7',
  // A 投诉 left on the centre's web page (`/suggest`) and turned into a case: the online platform's code.
  suggestion_box: '1',
  system_default: null,
};

/**
 * The `pf` a rating is reported with, derived here and nowhere else: its channel's code; for a system default
 * (第八条), the code the target's table gives the default when it has one (Zhejiang reports 7 系统默认评价), else the
 * code of the channel the service was delivered on.
 */
export function pfOf(
  channel: Channel,
  serviceChannel: Channel | null,
  target: { systemDefaultPf: string | null } = { systemDefaultPf: null },
): string | null {
  if (channel !== 'system_default') return NATIONAL_PF_CODE[channel];
  if (target.systemDefaultPf !== null) return target.systemDefaultPf;
  return serviceChannel === null || serviceChannel === 'system_default' ? null : NATIONAL_PF_CODE[serviceChannel];
}

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  hall_window: '政务大厅窗口评价器',
  hall_terminal: '政务大厅自助终端',
  qr_code: '二维码',
  web: '在线政务服务平台',
  mobile: '移动服务端',
  hotline: '热线电话',
  sms: '短信',
  suggestion_box: '意见箱',
  system_default: '系统默认',
};
