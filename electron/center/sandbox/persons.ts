// Persons the sandbox center knows: the demo persons (demo-persons.ts) and any registered
// beyond them. A week offline at a real clinic sees thousands of distinct patients; the
// benchmarks register that many so that per-person upload order does not reduce the drain to
// the 14 demo persons' worth of parallelism. Registered persons are ordinary working insured
// persons with an empty year; they live in the sandbox's own database.
import { fenToYuan } from '../../api/money';
import type { DemoPerson } from './demo-persons';
import { DEMO_PERSONS, findDemoPerson, residentIdNumber, socialSecurityCardData } from './demo-persons';
import { z } from 'zod';
import { run, value } from '../../db/sql';
import { type SandboxDb } from './store';

/** Find a person by any credential (01 e-voucher token, 02 ID number, 03 card number). */
export function findPerson(db: SandboxDb, certType: string, certNo: string): DemoPerson | undefined {
  const demo = findDemoPerson(certType, certNo);
  if (demo) return demo;
  const column = certType === '01' ? 'ec_token' : certType === '02' ? 'certno' : certType === '03' ? 'card_no' : null;
  if (!column) return undefined;
  const person = value(db, `SELECT person FROM registered_persons WHERE ${column} = :certNo`, { certNo }, z.string());
  return person === undefined ? undefined : (JSON.parse(person) as DemoPerson);
}

export function personByPsnNo(db: SandboxDb, psnNo: string): DemoPerson | undefined {
  const demo = DEMO_PERSONS.find((p) => p.psn_no === psnNo);
  if (demo) return demo;
  const person = value(db, 'SELECT person FROM registered_persons WHERE psn_no = :psnNo', { psnNo }, z.string());
  return person === undefined ? undefined : (JSON.parse(person) as DemoPerson);
}

/** Generated persons are numbered 1 … MAX_GENERATED − 1. */
export const MAX_GENERATED = 60_000;

/**
 * The n-th generated person (n ≥ 1): a working employee (insutype 310) of region 990100 with
 * an account balance, numbered apart from the demo persons (psn_no 9902…, card A9902…).
 */
export function generatedPerson(n: number): { person: DemoPerson; balance: number } {
  if (!Number.isInteger(n) || n < 1 || n >= MAX_GENERATED) throw new RangeError(`generated person number out of range: ${n}`);
  // Birth year from n / 1000 and serial n % 1000: distinct ID numbers for every n in range.
  const birth = `${1940 + Math.floor(n / 1000)}-${String(1 + (n % 12)).padStart(2, '0')}-${10 + (n % 18)}`;
  const certno = residentIdNumber('990102', birth, n % 1000);
  const id = String(n).padStart(7, '0');
  const cardNo = `A9902${id}`;
  const cardSn = `99020000${id}D15600000500${id}`.slice(0, 32);
  const name = `测试${n}`;
  const balance = 100_000 + (n % 7) * 25_000;
  return {
    balance,
    person: {
      psn_no: `990200000000${id.padStart(8, '0')}`,
      psn_name: name,
      gend: n % 2 ? '1' : '2',
      brdy: birth,
      certno,
      card_no: cardNo,
      card_sn: cardSn,
      ec_token: `EC990200${id}T${certno.slice(-6)}`,
      insutype: '310',
      psn_type: '1101',
      psn_insu_stas: '1',
      insuplc_admdvs: '990100',
      balc: fenToYuan(balance),
      card_data: socialSecurityCardData({ region: '990100', ssn: certno, cardNo, cardSn, name, issueDate: '20200115', expiryDate: '20300115' }),
      note: '生成的参保人（基准测试）',
    },
  };
}

/** Register persons 1..count (generatedPerson); already registered ones are left as they are. */
export function registerGeneratedPersons(db: SandboxDb, count: number, now: Date): DemoPerson[] {
  const at = now.toISOString();
  return db.transaction(() => {
    const out: DemoPerson[] = [];
    for (let n = 1; n <= count; n++) {
      const { person, balance } = generatedPerson(n);
      run(db, 'INSERT OR IGNORE INTO registered_persons (psn_no, certno, card_no, ec_token, person) VALUES (:psnNo, :certno, :cardNo, :ecToken, :person)', {
        psnNo: person.psn_no,
        certno: person.certno,
        cardNo: person.card_no,
        ecToken: person.ec_token,
        person: JSON.stringify(person),
      });
      run(db, "INSERT OR IGNORE INTO person_year (psn_no, balance, accumulators, updated_at) VALUES (:psnNo, :balance, '{}', :at)", { psnNo: person.psn_no, balance, at });
      out.push(person);
    }
    return out;
  })();
}
