/**
 * 配置 (issue 15): the hall's catalogue — departments, windows, service items, staff (with the PIN reset), the
 * reason tags a rater may give a 差评 — its settings, and the Excel import of staff and service items. Everyone
 * who reads the catalogue sees it; only `catalogue.write` changes it, `settings.write` the settings. Runs in the
 * browser.
 */
import { Tabs } from 'antd';
import { useState } from 'react';
import {
  DepartmentCreate,
  DepartmentPatch,
  ReasonTagCreate,
  ReasonTagPatch,
  ServiceItemCreate,
  ServiceItemPatch,
  StaffCreate,
  StaffPatch,
  WindowCreate,
  WindowPatch,
} from '../../../shared/central-api.js';
import { useAuth } from '../../auth.js';
import { PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import { CatalogTab, type EntitySpec } from './catalog-tab.js';
import { ImportTab } from './import-tab.js';
import './messages.js';
import { SettingsTab } from './settings-tab.js';
import { UnknownItemsTab } from './unknown-items-tab.js';

const f = (
  name: string,
  labelKey: string,
  kind: EntitySpec['fields'][number]['kind'],
  create: unknown,
  patch?: unknown,
) => ({ name, labelKey, kind, create, patch }) as EntitySpec['fields'][number];

export const ENTITIES: Record<string, EntitySpec> = {
  departments: {
    path: 'departments',
    keyField: 'code',
    nounKey: 'config.noun.department',
    fields: [
      f('code', 'config.field.departmentCode', 'text', DepartmentCreate.shape.code),
      f('name', 'config.field.departmentName', 'text', DepartmentCreate.shape.name, DepartmentPatch.shape.name),
    ],
  },
  windows: {
    path: 'windows',
    keyField: 'code',
    nounKey: 'config.noun.window',
    fields: [
      f('code', 'config.field.windowCode', 'text', WindowCreate.shape.code),
      f('name', 'config.field.windowName', 'text', WindowCreate.shape.name, WindowPatch.shape.name),
      f(
        'departmentCode',
        'config.field.department',
        'department',
        WindowCreate.shape.departmentCode,
        WindowPatch.shape.departmentCode,
      ),
    ],
  },
  'service-items': {
    path: 'service-items',
    keyField: 'code',
    nounKey: 'config.noun.item',
    fields: [
      f('code', 'config.field.itemCode', 'text', ServiceItemCreate.shape.code),
      f('name', 'config.field.itemName', 'text', ServiceItemCreate.shape.name, ServiceItemPatch.shape.name),
      f(
        'departmentCode',
        'config.field.department',
        'department',
        ServiceItemCreate.shape.departmentCode,
        ServiceItemPatch.shape.departmentCode,
      ),
    ],
  },
  staff: {
    path: 'staff',
    keyField: 'staffNo',
    nounKey: 'config.noun.staff',
    staff: true,
    fields: [
      f('staffNo', 'config.field.staffNo', 'text', StaffCreate.shape.staffNo),
      f('name', 'config.field.staffName', 'text', StaffCreate.shape.name, StaffPatch.shape.name),
      f(
        'departmentCode',
        'config.field.department',
        'department',
        StaffCreate.shape.departmentCode,
        StaffPatch.shape.departmentCode,
      ),
    ],
  },
  'reason-tags': {
    path: 'reason-tags',
    keyField: 'code',
    nounKey: 'config.noun.tag',
    fields: [
      f('code', 'config.field.tagCode', 'text', ReasonTagCreate.shape.code),
      f('label', 'config.field.tagLabel', 'text', ReasonTagCreate.shape.label, ReasonTagPatch.shape.label),
      f(
        'position',
        'config.field.tagPosition',
        'number',
        ReasonTagCreate.shape.position,
        ReasonTagPatch.shape.position,
      ),
      f('levels', 'config.field.tagLevels', 'levels', ReasonTagCreate.shape.levels, ReasonTagPatch.shape.levels),
    ],
  },
};

export function ConfigPage() {
  useLanguage();
  const { can } = useAuth();
  const [tab, setTab] = useState('departments');
  const items = [
    ...Object.entries(ENTITIES).map(([key, spec]) => ({
      key,
      label: t(`config.tab.${key}`),
      children: <CatalogTab spec={spec} />,
    })),
    ...(can('settings.read') ? [{ key: 'settings', label: t('config.tab.settings'), children: <SettingsTab /> }] : []),
    ...(can('catalogue.write')
      ? [
          { key: 'import', label: t('config.tab.import'), children: <ImportTab /> },
          { key: 'unknown-items', label: t('config.tab.unknown-items'), children: <UnknownItemsTab /> },
        ]
      : []),
  ];
  return (
    <PageFrame title={t('menu.config')} description={t('config.description')}>
      <Tabs activeKey={tab} onChange={setTab} items={items} destroyOnHidden />
    </PageFrame>
  );
}
