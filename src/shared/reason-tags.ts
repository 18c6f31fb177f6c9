/**
 * Reason tags a rater may attach to a 差评 (第七条). The central system distributes the live list; code treats
 * tags as data and never switches on a code. This list seeds a hall that has not been configured yet.
 * Runs everywhere (pure).
 */
export interface ReasonTag {
  /** Stable code, as the central system stores it. */
  code: string;
  /** Label shown to the rater. */
  label: string;
}

export const DEFAULT_REASON_TAGS: readonly ReasonTag[] = [
  { code: 'item_management', label: '服务事项管理' },
  { code: 'process', label: '办事流程' },
  { code: 'service_norms', label: '服务规范' },
  { code: 'efficiency', label: '服务效率' },
  { code: 'convenience', label: '服务便民度' },
  { code: 'platform_convenience', label: '平台便捷性' },
  { code: 'platform_completeness', label: '平台完善性' },
  { code: 'attitude', label: '服务态度' },
  { code: 'skill', label: '服务水平' },
];
