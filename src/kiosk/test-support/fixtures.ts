/** Helpers shared by the kiosk's tests: temporary folders, provisioned services, technician mode, the outbox. */
import { generateKeyPairSync } from 'node:crypto';
import type { DeviceConfig } from '../../shared/device-config.js';
import { DeviceConfig as DeviceConfigSchema } from '../../shared/device-config.js';
import { KioskService } from '../kiosk-service.js';
import { TechnicianService } from '../technician.js';

export { tempDir } from '../../common/test-support/temp-dir.js';

/** Hash of PIN 246810 (computed once with hashPin), so tests do not pay for scrypt on every provisioning. */
export const PIN_1001 = '246810';
export const PIN_1001_HASH = 'scrypt$16384$8$1$xXeY49rF8FG53ZP2IDkUHA==$IOiIps0M0gT+fOlm3/RJnYLKFkJRImKTogGnIZQcDnQ=';

export function windowConfig(overrides: Partial<DeviceConfig> = {}): DeviceConfig {
  return DeviceConfigSchema.parse({
    mode: 'window',
    window: { code: 'W01', name: '1号窗口' },
    department: { code: 'SCJG', name: '市场监督管理局' },
    roster: [
      { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pinHash: PIN_1001_HASH },
      { staffNo: '1002', name: '李强', departmentCode: 'SCJG', pin: '135790' },
    ],
    serviceItems: [{ code: 'SC-0001', name: '个体工商户设立登记' }],
    ...overrides,
  });
}

export function terminalConfig(): DeviceConfig {
  return DeviceConfigSchema.parse({
    mode: 'terminal',
    terminalName: '自助服务区 3号终端',
    serviceItems: [{ code: 'SB-0101', name: '社保缴费记录查询打印' }],
  });
}

export async function provisioned(
  dataDir: string,
  config: DeviceConfig = windowConfig(),
  options: { maxPageCount?: number } = {},
): Promise<KioskService> {
  const service = KioskService.open({ dataDir, ...options });
  await service.provision(config);
  return service;
}

/** Technician mode over `service`, with no inputs to switch and nothing to start after an enrolment. */
export function technicianFor(service: KioskService, dataDir: string): TechnicianService {
  return new TechnicianService(
    service,
    dataDir,
    async () => undefined,
    () => undefined,
  );
}

/** The payloads of the outbox's records of one kind, oldest first: what the centre will receive. */
export function outboxPayloads<T>(service: KioskService, kind: string): T[] {
  return service.context.db
    .prepare('SELECT payload FROM outbox WHERE kind = ? ORDER BY seq')
    .all(kind)
    .map((r) => JSON.parse((r as { payload: string }).payload) as T);
}

/** A fresh centre signing key's public half, as a centre publishes it (base64 of its SPKI DER encoding). */
export function centralPublicKey(): string {
  return generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}
