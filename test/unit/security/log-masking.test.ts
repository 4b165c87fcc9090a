// Logs: identities masked, secrets dropped, files rotated and bounded.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { formatLogLine, maskContext, maskIdentities, maskName, maskNamesInText, rememberPersonNames } from '../../../electron/app/log';
import { createRotatingFileLogger } from '../../../electron/security/file-log';
import { tempDir } from '../../helpers/temp-app';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('masking', () => {
  it('keeps only the ends of ID numbers, card numbers and mobile numbers', () => {
    expect(maskIdentities('cert 11010119580307452X ok')).toBe('cert 1101**********452X ok');
    expect(maskIdentities('cert 110101195803074527')).toBe('cert 1101**********4527');
    expect(maskIdentities('old id 110101580307452')).toBe('old id 1101********452');
    expect(maskIdentities('tel 13812345678')).toBe('tel 138****5678');
    expect(maskIdentities('psn 11000019580307452700')).not.toContain('19580307452');
    expect(maskIdentities('amount 2344246 fen')).toBe('amount 2344246 fen');
  });

  it('drops secrets and masks names in the context, at any depth', () => {
    const ctx = { pin: '1234', institutionSecret: 's3cr3t', token: 'abc', psnName: '欧阳淑珍', nested: { patientName: '张三', apiKey: 'k' }, list: [{ psn_name: '李四' }], name: 'printer-1' };
    expect(maskContext(ctx)).toEqual({
      pin: '******',
      institutionSecret: '******',
      token: '******',
      psnName: '欧***',
      nested: { patientName: '张*', apiKey: '******' },
      list: [{ psn_name: '李*' }],
      name: 'printer-1',
    });
    expect(maskName('王')).toBe('*');
  });

  it('a formatted line carries neither', () => {
    const line = formatLogLine(new Date('2026-03-15T01:00:00Z'), 'INFO', 'lookup 110101195803074527', { psnName: '欧阳淑珍', pin: '7391' });
    expect(line).toBe('2026-03-15T01:00:00.000Z INFO lookup 1101**********4527 {"psnName":"欧***","pin":"******"}');
  });
});

describe('rotating file log', () => {
  it('rotates by size, keeps a bounded number of files, and masks what it writes', () => {
    const dir = tempDir();
    dirs.push(dir);
    const log = createRotatingFileLogger({ dir, maxBytes: 2000, keep: 3, clock: new ManualClock() });
    for (let i = 0; i < 200; i++) log.info(`line ${i} cert 110101195803074527`, { psnName: '欧阳淑珍', i });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['cashier.1.log', 'cashier.2.log', 'cashier.3.log', 'cashier.log']);
    for (const f of files) {
      expect(statSync(`${dir}/${f}`).size).toBeLessThanOrEqual(2000);
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      expect(text).not.toContain('110101195803074527');
      expect(text).not.toContain('欧阳淑珍');
      if (process.platform !== 'win32') expect(statSync(`${dir}/${f}`).mode & 0o777).toBe(0o600);
    }
    // The newest line is in the current file, the oldest kept ones in .3.
    expect(readFileSync(`${dir}/cashier.log`, 'utf8')).toContain('line 199 ');
    expect(readFileSync(`${dir}/cashier.log`, 'utf8')).not.toContain('line 0 ');
    expect(existsSync(`${dir}/cashier.4.log`)).toBe(false);
  });

  it('continues an existing file after a restart', () => {
    const dir = tempDir();
    dirs.push(dir);
    createRotatingFileLogger({ dir }).warn('first run');
    createRotatingFileLogger({ dir }).error('second run');
    expect(readFileSync(`${dir}/cashier.log`, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('names in free text (issue 14)', () => {
  it('masks a value after a name key in any text, words after a name marker, and every name the app has handled', () => {
    expect(maskNamesInText('center said {"psn_name":"张三丰","age":3}')).toBe('center said {"psn_name":"张**","age":3}');
    expect(maskNamesInText('body {\\"patientName\\":\\"李四\\"}')).toBe('body {\\"patientName\\":\\"李*\\"}');
    expect(maskNamesInText('patient_name=Wang Fang; next')).toBe('patient_name=W***; next');
    expect(maskNamesInText('姓名：王小明，性别 男')).toBe('姓名：王**，性别 男');
    expect(maskNamesInText('参保人 赵六 已暂停参保')).toBe('参保人 赵* 已暂停参保');
    // No separator: only a name the app has seen is caught (and words like 参保人不存在 are left alone).
    expect(maskNamesInText('参保人不存在')).toBe('参保人不存在');
    expect(maskNamesInText('参保人孙悟空已停保')).toBe('参保人孙悟空已停保');
    rememberPersonNames('孙悟空', '孙', '', null);
    expect(maskNamesInText('参保人孙悟空已停保')).toBe('参保人孙**已停保');
    // A single character is never taken as a name to mask everywhere.
    expect(maskNamesInText('孙')).toBe('孙');
    rememberPersonNames('Li', 'Ma Wenjie');
    expect(maskNamesInText('Linux said Ma Wenjie')).toBe('Linux said M***');
  });

  it('a real log file holds no name, ID number or phone number, whatever carried it', () => {
    const dir = tempDir();
    dirs.push(dir);
    rememberPersonNames('欧阳淑珍');
    const log = createRotatingFileLogger({ dir, clock: new ManualClock() });
    // Each of these reached the log somewhere: a message string, an error's text, a value under
    // a key the masks do not know, a center's answer quoted whole.
    log.warn('结算失败：参保人欧阳淑珍余额不足，身份证 110101195803074527，电话 13812345678');
    log.error('center answered', { error: new Error('psn_name: 张三丰 not insured').message, raw: '{"psnName":"李四光","cert":"11010119580307452X"}' });
    log.info('lookup', { who: '欧阳淑珍', note: '姓名：王小明' });
    log.warn(`bill refused ${JSON.stringify({ patientName: '赵钱孙', credential: { certNo: '110105199912310023' } })}`);
    const text = readFileSync(log.file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(4);
    for (const plain of ['欧阳淑珍', '张三丰', '李四光', '王小明', '赵钱孙', '110101195803074527', '11010119580307452X', '110105199912310023', '13812345678']) {
      expect(text).not.toContain(plain);
    }
    expect(text).toContain('欧***');
    expect(text).toContain('1101**********4527');
  });
});
