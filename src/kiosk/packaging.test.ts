/**
 * The packaging: the Linux unit starts the kiosk service as the Electron shell and the tests do (with the kiosk's
 * Node flags), and the packaged Electron app is locked down (fuses) and signed so that updates are verified.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KIOSK_NODE_FLAGS } from '../shared/kiosk-runtime.js';

// js-yaml is what electron-builder itself reads electron-builder.yml with.
const { load: parse } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

describe('the systemd unit of the browser host', () => {
  it('runs hcp kiosk under Node with the kiosk flags', () => {
    const unit = readFileSync(new URL('../../build/linux/hcp-kiosk-browser.service', import.meta.url), 'utf8');
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    const [node, ...args] = execStart.split(/\s+/);
    expect(node).toMatch(/\/node$/);
    const script = args.findIndex((a) => a.endsWith('/hcp.js'));
    expect(args.slice(0, script)).toEqual(KIOSK_NODE_FLAGS);
    expect(args[script + 1]).toBe('kiosk');
  });
});

describe('the packaged Electron app (electron-builder.yml)', () => {
  const config = parse(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')) as {
    electronFuses?: Record<string, boolean>;
    win?: {
      forceCodeSigning?: boolean;
      verifyUpdateCodeSignature?: boolean;
      signtoolOptions?: { publisherName?: string[]; signingHashAlgorithms?: string[] };
    };
  };

  it("flips Electron's fuses: no RunAsNode, NODE_OPTIONS or inspector; only the ASAR, checked; no file:// privileges", () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('names only fuses the installed electron-builder knows (a misspelt one would be ignored or fail the build)', () => {
    const scheme = JSON.parse(
      readFileSync(new URL('../../node_modules/app-builder-lib/scheme.json', import.meta.url), 'utf8'),
    ) as { definitions: { FuseOptionsV1: { properties: Record<string, unknown> } } };
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties);
    expect(Object.keys(config.electronFuses ?? {}).filter((f) => !known.includes(f))).toEqual([]);
  });

  it('signs every Windows build and installs only updates signed by the same publisher', () => {
    expect(config.win).toMatchObject({ forceCodeSigning: true, verifyUpdateCodeSignature: true });
    expect(config.win?.signtoolOptions?.publisherName?.length).toBeGreaterThan(0);
    expect(config.win?.signtoolOptions?.signingHashAlgorithms).toEqual(['sha256']);
  });
});
