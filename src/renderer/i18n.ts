/**
 * The screens' words in 中文 (default) and English. Every error code a person can meet has a sentence that says what
 * happened and what to do. Runs in the browser.
 */
import { create } from 'zustand';

export type Lang = 'zh' | 'en';

const zh = {
  rate_prompt: '请对本次服务做出评价',
  seconds_left: '{n} 秒',
  service_item: '办理事项',
  generic_item: '政务服务',
  title_citizen: '好差评 · 服务评价',
  title_staff: '好差评 · 工作人员',
  title_technician: '好差评 · 技术人员模式',
  case_no: '办件编号',
  thanks: '谢谢您的评价',
  qr_title: '本次服务尚未评价',
  qr_hint: '请用手机扫描二维码评价，{n} 天内有效',
  paused: '暂停服务',
  welcome: '欢迎办理业务',
  no_staff: '本窗口暂无工作人员',
  window: '窗口',
  staff_no: '工号',
  followup_title: '很抱歉没有让您满意，请告诉我们原因（可多选）',
  callback: '回访电话（选填）',
  privacy: '您的电话仅用于政务服务中心回访核实本次评价，加密保存，工作人员不可见，不会用于其他用途（依据第五条）。',
  comment: '意见建议（选填）',
  submit: '提交',
  skip: '跳过',
  clear: '清除',
  staff_login: '工作人员登录',
  pin: '密码',
  login: '登录',
  logout: '退出登录',
  invite: '请评价',
  cancel: '取消邀请',
  pause: '暂停服务',
  resume: '恢复服务',
  pause_reason: '暂停原因',
  reasons: '午休,业务咨询,临时离开,系统维护',
  evaluator: '评价器',
  central: '中心系统',
  queue: '待上传',
  uploading: '正在上传',
  online: '在线',
  offline: '离线',
  not_enrolled: '未接入',
  insecure_url: '以明文 http 接入：不上传，请改用 https 重新接入',
  no_central_key: '未固定中心公钥：配置均被拒绝，请固定中心公钥',
  waiting_rating: '等待评价',
  not_in_catalogue: '不在事项目录中，群众看到"政务服务"',
  change: '更换',
  item_search: '搜索办理事项（共 {n} 项，可不选）',
  more_matches: '还有 {n} 项，请输入更多字',
  no_match: '没有找到这个事项',
  ended_rated: '已评价：上一位群众已完成评价',
  ended_unrated: '未评价：评价时间已过',
  ended_cancelled: '已取消：上一次评价邀请已取消',
  pick_reason: '请先选择暂停原因',
  paused_time: '暂停时长',
  minutes_seconds: '{m} 分 {s} 秒',
  summary: '本班次统计',
  invitations: '邀请',
  rated: '已评价',
  unrated: '未评价',
  cancelled: '已取消',
  stray: '无邀请按键',
  pauses: '暂停次数',
  close: '关闭',
  connecting: '正在连接评价系统…',
  state_connected: '已连接',
  state_disconnected: '未连接',
  state_not_responding: '无响应',
  state_none: '无',
  counter_framesIn: '收到帧',
  counter_framesOut: '发出帧',
  counter_crcErrors: '校验错误',
  counter_resyncs: '重新同步',
  counter_resends: '重发',
  counter_reconnects: '重新连接',
  lang: 'English',
  'error.bad_credentials': '工号或密码不正确，请重新输入。剩余次数：{attemptsLeft}',
  'error.locked': '密码错误次数过多，该工号已锁定，请于 {retryAt} 后再试。',
  'error.shift_open': '本窗口已有工作人员登录，请先退出。',
  'error.no_shift': '请先登录。',
  'error.paused': '服务已暂停，请先恢复服务。',
  'error.invitation_open': '上一次评价尚未结束，请稍候或取消邀请。',
  'error.key_test_on': '技术人员正在进行按键测试，测试结束后再试。',
  'error.central_key_mismatch': '配置文件中的中心密钥与本机已固定的不同：请核对中心系统后再导入。',
  'error.storage_full': '本机存储空间已满，评价无法保存。请联系技术人员清理磁盘。',
  'error.not_provisioned': '本机尚未完成设置，请联系技术人员。',
  'error.disconnected': '与评价系统的连接已断开，正在重新连接。',
  'error.followup_not_allowed': '补充意见的时间已过。',
  'error.default': '操作未成功（{code}），请重试；如仍失败请联系技术人员。',
};

type Key = keyof typeof zh;

/** True when `key` has words in the dictionaries (codes from the service may not). */
export function isKey(key: string): key is Key {
  return key in zh;
}

const en: Record<Key, string> = {
  rate_prompt: 'Please rate this service',
  seconds_left: '{n} s',
  service_item: 'Service',
  generic_item: 'Government service',
  title_citizen: 'Service rating',
  title_staff: 'Service rating · Staff',
  title_technician: 'Service rating · Technician mode',
  case_no: 'Case number',
  thanks: 'Thank you for your rating',
  qr_title: 'This service has not been rated',
  qr_hint: 'Scan the code with your phone to rate it (valid for {n} days)',
  paused: 'Service paused',
  welcome: 'Welcome',
  no_staff: 'No one is serving at this window',
  window: 'Window',
  staff_no: 'Staff no.',
  followup_title: 'We are sorry. Please tell us why (choose any)',
  callback: 'Phone for a return call (optional)',
  privacy:
    'Your number is used only by the service centre to call you back about this rating. It is stored encrypted and staff cannot see it.',
  comment: 'Comment (optional)',
  submit: 'Submit',
  skip: 'Skip',
  clear: 'Clear',
  staff_login: 'Staff login',
  pin: 'PIN',
  login: 'Log in',
  logout: 'Log out',
  invite: 'Ask for a rating',
  cancel: 'Cancel invitation',
  pause: 'Pause service',
  resume: 'Resume service',
  pause_reason: 'Reason',
  reasons: 'Lunch break,Consultation,Away briefly,Maintenance',
  evaluator: 'Evaluator',
  central: 'Central system',
  queue: 'Waiting to upload',
  uploading: 'Uploading',
  online: 'online',
  offline: 'offline',
  not_enrolled: 'not enrolled',
  insecure_url: 'enrolled over plain http: nothing is uploaded; enrol again over https',
  no_central_key: 'no central key pinned: configurations are refused; pin the central key',
  waiting_rating: 'Waiting for the rating',
  not_in_catalogue: 'not in the catalogue: the citizen sees "Government service"',
  change: 'Change',
  item_search: 'Search the service ({n} in all; optional)',
  more_matches: '{n} more: type more to narrow it down',
  no_match: 'No such service',
  ended_rated: 'Rated: the last citizen has given a rating',
  ended_unrated: 'Not rated: the time ran out',
  ended_cancelled: 'Cancelled: the last invitation was cancelled',
  pick_reason: 'Choose a reason first',
  paused_time: 'Time paused',
  minutes_seconds: '{m} min {s} s',
  summary: 'Shift summary',
  invitations: 'Invitations',
  rated: 'Rated',
  unrated: 'Unrated',
  cancelled: 'Cancelled',
  stray: 'Stray presses',
  pauses: 'Pauses',
  close: 'Close',
  connecting: 'Connecting to the rating system…',
  state_connected: 'connected',
  state_disconnected: 'disconnected',
  state_not_responding: 'not responding',
  state_none: 'none',
  counter_framesIn: 'frames in',
  counter_framesOut: 'frames out',
  counter_crcErrors: 'CRC errors',
  counter_resyncs: 'resyncs',
  counter_resends: 'resends',
  counter_reconnects: 'reconnects',
  lang: '中文',
  'error.bad_credentials': 'Staff number or PIN is wrong. Attempts left: {attemptsLeft}',
  'error.locked': 'Too many wrong PINs: this staff number is locked until {retryAt}.',
  'error.shift_open': 'Someone is logged in at this window: log out first.',
  'error.no_shift': 'Please log in first.',
  'error.paused': 'Service is paused: resume it first.',
  'error.invitation_open': 'The last invitation is still open: wait or cancel it.',
  'error.key_test_on': 'A technician is testing the evaluator keys: try again when the test ends.',
  'error.central_key_mismatch':
    "The provision file names another centre's key than the one this kiosk pinned: check with the centre first.",
  'error.storage_full': 'This PC is out of disk space and cannot store ratings. Call a technician to free space.',
  'error.not_provisioned': 'This kiosk is not set up yet. Call a technician.',
  'error.disconnected': 'Lost the connection to the rating system; reconnecting.',
  'error.followup_not_allowed': 'The time to add a comment has passed.',
  'error.default': 'That did not work ({code}). Try again; if it still fails, call a technician.',
};

const DICTS: Record<Lang, Record<Key, string>> = { zh, en };

export const useLang = create<{ lang: Lang; toggle(): void }>((set) => ({
  lang: 'zh',
  toggle: () => set((s) => ({ lang: s.lang === 'zh' ? 'en' : 'zh' })),
}));

export function translate(lang: Lang, key: Key, vars: Record<string, unknown> = {}): string {
  return DICTS[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  });
}

export function useT(): (key: Key, vars?: Record<string, unknown>) => string {
  const lang = useLang((s) => s.lang);
  return (key, vars) => translate(lang, key, vars);
}

/** A person-facing sentence for an error code from the kiosk service. */
export function errorText(lang: Lang, error: { code: string; details?: Record<string, unknown> }): string {
  const key = `error.${error.code}`;
  const details = { ...error.details };
  if (typeof details.retryAt === 'string')
    details.retryAt = new Date(details.retryAt).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB');
  return isKey(key) ? translate(lang, key, details) : translate(lang, 'error.default', { code: error.code });
}
