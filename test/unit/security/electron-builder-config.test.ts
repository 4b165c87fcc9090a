// electron-builder.yml cannot be run here (no Electron binary); it is checked against
// electron-builder's own JSON schema and for the targets the clinics need.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// Both come with electron-builder (a dev dependency), which validates its config the same way.
const Ajv = require('ajv') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] } };
const yaml = require('js-yaml') as { load(s: string): unknown };

interface Target {
  target: string;
  arch: string[];
}
interface Config {
  files: string[];
  asarUnpack: string[];
  extraMetadata: { main: string };
  win: { target: Target[] };
  linux: { target: Target[] };
  publish: unknown;
  electronVersion: string;
  electronFuses: Record<string, boolean>;
}

const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Config;

describe('electron-builder.yml', () => {
  it('is valid for electron-builder\'s schema (and the check catches a bad key)', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...config, win: { target: 'nsis', bogusOption: 1 } })).toBe(false);
  });

  it('builds Windows NSIS x64 and Linux deb + AppImage for x64 and arm64', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    const linux = Object.fromEntries(config.linux.target.map((t) => [t.target, [...t.arch].sort()]));
    expect(linux).toEqual({ deb: ['arm64', 'x64'], AppImage: ['arm64', 'x64'] });
  });

  it('ships the bundles, the renderer and the migrations, with native modules unpacked', () => {
    expect(config.extraMetadata.main).toBe('dist-electron/main.cjs');
    expect(config.files).toEqual(expect.arrayContaining(['dist-electron/**', 'renderer/dist/**', 'migrations/*.sql', 'migrations-pg/*.sql', 'package.json']));
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.publish).toBeNull();
  });

  it('flips the fuses: no run-as-node, no NODE_OPTIONS, no inspect, app only from an integrity-checked asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('names the Electron version the lockfile installs (builds do not need the binary installed)', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string }> };
    expect(config.electronVersion).toBe(lock.packages['node_modules/electron']?.version);
  });
});
