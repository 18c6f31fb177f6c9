/** The words of 评价记录. Runs in the browser. */
import { CHANNEL_LABELS, CHANNELS } from '../../../shared/channels.js';
import { SATISFACTION_LABELS, SATISFACTION_LEVELS } from '../../../shared/satisfaction.js';
import { addMessages } from '../../i18n.js';

const CHANNELS_EN: Record<(typeof CHANNELS)[number], string> = {
  hall_window: 'Hall window evaluator',
  hall_terminal: 'Hall self-service terminal',
  qr_code: 'QR code',
  web: 'Online service platform',
  mobile: 'Mobile app',
  hotline: 'Hotline',
  sms: 'SMS',
  system_default: 'System default',
};

addMessages({
  'zh-CN': {
    // The national names, declared once in src/shared.
    ...Object.fromEntries(CHANNELS.map((c) => [`channel.${c}`, CHANNEL_LABELS[c]])),
    ...Object.fromEntries(SATISFACTION_LEVELS.map((l) => [`level.${l}`, SATISFACTION_LABELS[l].zh])),
    'evaluations.description': '每一次评价邀请的结果（最新的在前，北京时间）',
    'evaluations.privacy': '为保护办事群众的个人信息，本页不显示评价人身份、联系电话和办件编号。',
    'evaluations.period': '时间段',
    'evaluations.department': '部门',
    'evaluations.window': '窗口',
    'evaluations.staff': '工作人员',
    'evaluations.item': '服务事项',
    'evaluations.level': '评价等级',
    'evaluations.channel': '评价渠道',
    'evaluations.outcome': '结果',
    'evaluations.invitedAt': '评价时间',
    'evaluations.result': '评价结果',
    'evaluations.source': '方式',
    'evaluations.outcome.rated': '已评价',
    'evaluations.outcome.unrated': '未评价',
    'evaluations.outcome.cancelled': '已撤销',
    'evaluations.staffUnknown': '工号未登记',
    'evaluations.localKeyMap': '本地按键映射',
    'evaluations.empty': '没有符合条件的评价记录',
    'evaluations.pageSize': '每页',
    'source.serial': '评价器按键',
    'source.keyboard': '键盘',
    'source.touch': '触摸屏',
  },
  en: {
    ...Object.fromEntries(CHANNELS.map((c) => [`channel.${c}`, CHANNELS_EN[c]])),
    ...Object.fromEntries(SATISFACTION_LEVELS.map((l) => [`level.${l}`, SATISFACTION_LABELS[l].en])),
    'evaluations.description': 'The outcome of every invitation to rate (newest first, China Standard Time)',
    'evaluations.privacy':
      "To protect citizens' personal data, this page shows no rater identity, phone or case number.",
    'evaluations.period': 'Period',
    'evaluations.department': 'Department',
    'evaluations.window': 'Window',
    'evaluations.staff': 'Staff',
    'evaluations.item': 'Service item',
    'evaluations.level': 'Level',
    'evaluations.channel': 'Channel',
    'evaluations.outcome': 'Outcome',
    'evaluations.invitedAt': 'Time',
    'evaluations.result': 'Result',
    'evaluations.source': 'Input',
    'evaluations.outcome.rated': 'Rated',
    'evaluations.outcome.unrated': 'Not rated',
    'evaluations.outcome.cancelled': 'Cancelled',
    'evaluations.staffUnknown': 'unknown staff number',
    'evaluations.localKeyMap': 'local key map',
    'evaluations.empty': 'No evaluations match',
    'evaluations.pageSize': 'Per page',
    'source.serial': 'evaluator keys',
    'source.keyboard': 'keyboard',
    'source.touch': 'touch screen',
  },
});
