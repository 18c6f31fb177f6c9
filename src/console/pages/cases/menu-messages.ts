/**
 * The words the console's frame needs before the 差评工单 and 工作日历 pages load: their menu labels, the
 * notifications in the header, and the banner of a year missing from the working-day calendar. Runs in the
 * browser.
 */
import { addMessages } from '../../i18n.js';

addMessages({
  'zh-CN': {
    'menu.cases': '差评工单',
    'menu.calendar': '工作日历',
    'notifications.title': '消息通知',
    'notifications.open': '消息通知（{n} 条未读）',
    'notifications.readAll': '全部已读',
    'notifications.empty': '暂无消息',
    'notifications.unavailable': '消息暂时无法加载',
    'notifications.kind.case_created': '新差评',
    'notifications.kind.case_assigned': '已分派',
    'notifications.kind.deadline_warning': '即将到期',
    'notifications.kind.overdue': '已逾期',
    'notifications.kind.daily_digest': '每日汇总',
    'calendar.missingYear':
      '工作日历尚未录入 {year} 年的节假日和调休安排：跨入 {year} 年的办理期限暂时只跳过周末。请系统管理员在「工作日历」中录入国务院办公厅公布的安排。',
    'calendar.missingYear.link': '前往工作日历',
  },
  en: {
    'menu.cases': 'Complaint cases',
    'menu.calendar': 'Working-day calendar',
    'notifications.title': 'Notifications',
    'notifications.open': 'Notifications ({n} unread)',
    'notifications.readAll': 'Mark all read',
    'notifications.empty': 'No notifications',
    'notifications.unavailable': 'Notifications cannot be loaded now',
    'notifications.kind.case_created': 'New case',
    'notifications.kind.case_assigned': 'Assigned',
    'notifications.kind.deadline_warning': 'Due soon',
    'notifications.kind.overdue': 'Overdue',
    'notifications.kind.daily_digest': 'Daily digest',
    'calendar.missingYear':
      "The working-day calendar has no holidays for {year} yet: deadlines reaching into {year} skip weekends only. An administrator should enter the State Council's arrangement in the working-day calendar.",
    'calendar.missingYear.link': 'Open the calendar',
  },
});
