// Person lookup (1101) with the local cache: a live answer is cached under the credential
// used and under the ID number, so a known patient can be settled while the center is away.
import { AppError } from '../api/result';
import type { NationalPersonFacts, PersonCore, PersonView } from '../api/contract/center';
import { chinaDate, type Clock } from '../app/clock';
import { rememberPersonNames } from '../app/log';
import type { Db } from '../db/open';
import type { CenterOutcome, SendOptions } from './client';
import type { CertType } from './wire/codes';
import { personFromOutput, personOutputSchema, recordsFromOutput } from './wire/person';
import { run, one } from '../db/sql';
import { z } from 'zod';

export interface PersonCredential {
  certType: CertType;
  certNo: string;
  cardSn?: string;
}

export interface PersonLookupDeps {
  db: Db;
  clock: Clock;
  isOnline(): boolean;
  send(infno: string, input: object, opts?: SendOptions): Promise<CenterOutcome>;
  /** This clinic's code (a binding "here"); absent = no binding is here. */
  institutionCode?: string;
}

/** What the cache keeps of a person: the 1101 core, and in the national protocol its other parts. */
export type CachedPerson = PersonCore & { national?: NationalPersonFacts };

const CacheRow = z.object({ view: z.string(), cached_at: z.string(), card_sn: z.string().nullable() });

export function readCachedPerson(db: Db, certType: CertType, certNo: string, cardSn?: string): PersonView | null {
  const row = one(db, 'SELECT view, cached_at, card_sn FROM center_person_cache WHERE cert_type = :certType AND cert_no = :certNo', { certType, certNo }, CacheRow);
  if (!row) return null;
  // A card whose serial differs from the one the center confirmed may be a lost or replaced
  // card: without the center it is not trusted.
  if (certType === '03' && cardSn && row.card_sn && row.card_sn !== cardSn) return null;
  const core = JSON.parse(row.view) as CachedPerson;
  rememberPersonNames(core.name);
  return { ...core, source: 'cache', cachedAt: row.cached_at };
}

/** The latest cached view of a person by psn_no (any credential), or null. */
export function readCachedByPsnNo(db: Db, psnNo: string): PersonView | null {
  const row = one(db, 'SELECT view, cached_at FROM center_person_cache WHERE psn_no = :psnNo ORDER BY cached_at DESC LIMIT 1', { psnNo }, z.object({ view: z.string(), cached_at: z.string() }));
  if (!row) return null;
  const core = JSON.parse(row.view) as CachedPerson;
  rememberPersonNames(core.name);
  return { ...core, source: 'cache', cachedAt: row.cached_at };
}

/** Keep a live answer under the credential used and under the ID number (one transaction). */
export function writeCache(db: Db, cred: PersonCredential, core: CachedPerson, at: string): void {
  const put = (certType: string, certNo: string, cardSn: string | null) =>
    run(
      db,
      `INSERT INTO center_person_cache (cert_type, cert_no, card_sn, psn_no, view, cached_at) VALUES (:certType, :certNo, :cardSn, :psnNo, :view, :at)
       ON CONFLICT(cert_type, cert_no) DO UPDATE SET card_sn = excluded.card_sn, psn_no = excluded.psn_no, view = excluded.view, cached_at = excluded.cached_at`,
      { certType, certNo, cardSn, psnNo: core.psnNo, view: JSON.stringify(core), at },
    );
  db.transaction(() => {
    put(cred.certType, cred.certNo, cred.cardSn ?? null);
    if (cred.certType !== '02' && core.certNo) put('02', core.certNo, null);
  })();
}

export function fromCacheOr(db: Db, cred: PersonCredential, why: string): PersonView {
  const cached = readCachedPerson(db, cred.certType, cred.certNo, cred.cardSn);
  if (cached) return cached;
  throw new AppError(
    'CENTER_OFFLINE_NOT_CACHED',
    `${why}，且本机没有此人的缓存信息：无法医保结算。请稍后重试，或按自费收费。`,
    { certType: cred.certType },
  );
}

export async function lookupPerson(deps: PersonLookupDeps, cred: PersonCredential, operator?: { id: string; name: string }): Promise<PersonView> {
  if (!deps.isOnline()) return fromCacheOr(deps.db, cred, '医保中心当前无法连接');
  const data: Record<string, string> = { mdtrt_cert_type: cred.certType, mdtrt_cert_no: cred.certNo };
  if (cred.cardSn) data.card_sn = cred.cardSn;
  const outcome = await deps.send('1101', { data }, { timeoutMs: 8_000, ...(operator ? { operator } : {}) });
  switch (outcome.kind) {
    case 'success': {
      const parsed = personOutputSchema.safeParse(outcome.output);
      if (!parsed.success) {
        throw new AppError('CENTER_ANSWER_INVALID', '医保中心返回的人员信息格式不正确，未使用。请重试；如反复出现，请联系技术支持。', {
          issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
        });
      }
      // The filings and bindings ride in the same answer: cached with it, the same age (cachedAt).
      const core = { ...personFromOutput(parsed.data), ...recordsFromOutput(parsed.data, deps.institutionCode ?? '', chinaDate(deps.clock.now())) };
      // The log masks this name wherever it appears (a center's message quoting it, say).
      rememberPersonNames(core.name);
      const at = deps.clock.now().toISOString();
      writeCache(deps.db, cred, core, at);
      return { ...core, source: 'live', cachedAt: at };
    }
    case 'rejected':
      if (outcome.code === 'PERSON_NOT_FOUND' || /未找到|不存在|not found/i.test(outcome.message)) {
        throw new AppError('PERSON_NOT_FOUND', `医保中心未找到此人：${outcome.message}。请核对卡号或证件号。`, { centerCode: outcome.code });
      }
      throw new AppError('PERSON_REJECTED', `医保中心拒绝查询：${outcome.message}`, { centerCode: outcome.code });
    case 'busy':
      return fromCacheOr(deps.db, cred, `医保中心繁忙（${outcome.message}）`);
    case 'unknown':
      return fromCacheOr(deps.db, cred, `医保中心未应答（${outcome.reason}）`);
  }
}
