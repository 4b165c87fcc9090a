// Patient identity on its way to the clinic's PostgreSQL. Locally the whole database is
// encrypted (SQLCipher, docs/SECURITY.md); PostgreSQL is another machine run by other people,
// so the identity columns are protected before they leave the window:
// - the person number becomes a pseudonym (HMAC-SHA256 under the clinic key): the same person
//   has the same pseudonym at every window, so the clinic can count and join, never read;
// - names and certificate numbers are sealed with AES-256-GCM under the clinic key
//   (`v1.<iv>.<tag>.<ciphertext>`, base64url): a supervisor's window opens them for display.
// The clinic key is the `clinicKey` setting, or derived from the institution secret that every
// window of the clinic already shares; PostgreSQL and its administrators never have it.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../api/result';

export class IdentitySeal {
  private readonly macKey: Buffer;
  private readonly encKey: Buffer;

  constructor(clinicKey: Buffer) {
    if (clinicKey.length !== 32) throw new Error('clinic key must be 32 bytes');
    // Two keys from one: a pseudonym must never be usable as (or reveal) the cipher key.
    this.macKey = Buffer.from(hkdfSync('sha256', clinicKey, Buffer.alloc(0), 'clinic-pseudonym', 32));
    this.encKey = Buffer.from(hkdfSync('sha256', clinicKey, Buffer.alloc(0), 'clinic-seal', 32));
  }

  pseudonym(value: string): string {
    return createHmac('sha256', this.macKey).update(value, 'utf8').digest('base64url');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') throw new AppError('CLINIC_SEAL_INVALID', '汇总库中的身份密文格式不正确。');
    try {
      const d = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(parts[1]!, 'base64url'));
      d.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(parts[3]!, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new AppError('CLINIC_KEY_MISMATCH', '无法解密汇总库中的患者身份：本窗口的诊所密钥与写入窗口的不同（检查 clinicKey / 机构签名密钥）。');
    }
  }
}

/** The clinic key: the `clinicKey` setting (64 hex digits), else derived from the institution secret. */
export function clinicKeyOf(settings: { clinicKey: string; institutionSecret: string; institutionCode: string }): Buffer {
  if (settings.clinicKey) return Buffer.from(settings.clinicKey, 'hex');
  return Buffer.from(hkdfSync('sha256', Buffer.from(settings.institutionSecret, 'utf8'), Buffer.from(settings.institutionCode, 'utf8'), 'cashier-clinic-key', 32));
}
