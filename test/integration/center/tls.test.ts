// https with certificate verification and an optional pinned CA (setting centerCaFile):
// a real TLS server on 127.0.0.1 with certificates made by openssl for this test, forwarding
// to the sandbox center. Also: no secret ever reaches the log.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../electron/app/log';
import { CenterClient } from '../../../electron/center/client';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { tempDir } from '../../helpers/temp-app';
import { SECRET, startRig, type Rig } from './helpers';

let rig: Rig;
let certDir: string;
let proxy: https.Server;
let httpsUrl: string;

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: certDir, stdio: 'ignore' });
}

beforeAll(async () => {
  rig = await startRig();
  certDir = tempDir('center-tls-');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Center CA']);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=Other CA']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(certDir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf']);
  const target = new URL(rig.center.url);
  proxy = https.createServer({ key: readFileSync(join(certDir, 'srv.key')), cert: readFileSync(join(certDir, 'srv.pem')) }, (req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  httpsUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await rig.close();
  rmSync(certDir, { recursive: true, force: true });
});

const lookup = { data: { mdtrt_cert_type: '02', mdtrt_cert_no: DEMO_PERSONS[0]!.certno } };

describe('https to the center', () => {
  it('with the pinned CA the exchange succeeds', async () => {
    const c = rig.clientWith({ url: httpsUrl, caFile: join(certDir, 'ca.pem') });
    expect((await c.send('1101', lookup)).kind).toBe('success');
  });

  it('without the CA (system trust) the self-signed chain is refused: unknown, with a certificate reason', async () => {
    const c = rig.clientWith({ url: httpsUrl, caFile: '' });
    expect(await c.send('1101', lookup)).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/证书|CERT|certificate/i) });
  });

  it('pinned to another CA, the server certificate is refused', async () => {
    const c = rig.clientWith({ url: httpsUrl, caFile: join(certDir, 'other-ca.pem') });
    expect(await c.send('1101', lookup)).toMatchObject({ kind: 'unknown' });
  });

  it('an unreadable CA file is a clear error', () => {
    expect(() => rig.clientWith({ url: httpsUrl, caFile: join(certDir, 'missing.pem') })).toThrowError(expect.objectContaining({ code: 'CENTER_CA_UNREADABLE' }));
  });

  it('a URL that is not http(s) is refused', () => {
    expect(() => rig.clientWith({ url: 'ftp://127.0.0.1/' })).toThrowError(expect.objectContaining({ code: 'CENTER_URL_INVALID' }));
  });
});

describe('secrets', () => {
  it('never reach the log, whatever the outcome', async () => {
    const lines: string[] = [];
    const log: Logger = { info: (m, c) => lines.push(m + JSON.stringify(c ?? {})), warn: (m, c) => lines.push(m + JSON.stringify(c ?? {})), error: (m, c) => lines.push(m + JSON.stringify(c ?? {})) };
    const cfg = { url: rig.center.url, institutionCode: 'H99010000001', terminalNo: '01', institutionName: 'x', institutionSecret: SECRET, areaCode: '990100', caFile: '' };
    const c = new CenterClient(rig.db, rig.clock, log, cfg);
    await rig.center.setFaults({ busy: { count: 1 } });
    await c.send('1101', lookup);
    await c.send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '990101190001010000' } });
    await rig.center.setOffline(true);
    await c.send('1101', lookup);
    await rig.center.setOffline(false);
    c.close();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const all = lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(DEMO_PERSONS[0]!.certno);
  });
});
