// Resident ID card SAM frames and the UCS-2 text block.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdCardReadData, encodeIdCardText, decodeIdCardText, idNumberChecksumOk, parseIdCardReadData, type IdCardText } from '../../../native/protocols/idcard-text';
import { SAM_MAX_LENGTH, SamFrameDecoder, encodeSamFrame, parseSamAnswer } from '../../../native/protocols/sam-frame';
import { FUZZ_RUNS, chunks, expectClearError, mutated } from './fuzz-helpers';

const CARD: Partial<IdCardText> = {
  name: '李秀英', genderCode: '2', nationCode: '01', birthDate: '19520708', address: '示范市示范区示范路1号',
  idNumber: '990101195207080145', authority: '示范市公安局示范分局', validFrom: '20200101', validTo: '长期',
};

function answer(sw3: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(3 + data.length);
  body[2] = sw3;
  body.set(data, 3);
  return encodeSamFrame(body);
}

describe('SAM frames', () => {
  it('encodes the find command exactly as the protocol says', () => {
    // AA AA AA 96 69, length 00 03, body 20 01, checksum 00^03^20^01 = 22
    expect([...encodeSamFrame(Uint8Array.of(0x20, 0x01))]).toEqual([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22]);
  });

  it('finds frames after noise and across chunk boundaries', () => {
    const d = new SamFrameDecoder();
    const f = answer(0x9f);
    const stream = Uint8Array.from([0x00, 0x13, 0xaa, ...f, ...answer(0x90)]);
    const out1 = d.push(stream.subarray(0, 9));
    const out2 = d.push(stream.subarray(9));
    const bodies = [...out1.bodies, ...out2.bodies];
    expect(bodies.map((b) => b[2])).toEqual([0x9f, 0x90]);
    expect([...out1.errors, ...out2.errors]).toEqual([]);
  });

  it('reports a bad checksum and still reads the next good frame', () => {
    const bad = answer(0x90);
    bad[bad.length - 1]! ^= 0xff;
    const out = new SamFrameDecoder().push(Uint8Array.from([...bad, ...answer(0x9f)]));
    expect(out.errors.map((e) => e.code)).toEqual(['IDCARD_CHECKSUM']);
    expect(out.bodies.map((b) => b[2])).toEqual([0x9f]);
  });

  it('refuses an impossible length without waiting for it', () => {
    const out = new SamFrameDecoder().push(Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0xff, 0xff, 1, 2, 3));
    expect(out.errors.map((e) => e.code)).toEqual(['IDCARD_FRAME_LENGTH']);
  });

  it('a short answer body is an error', () => {
    const r = parseSamAnswer(Uint8Array.of(0));
    expect(r.ok).toBe(false);
  });

  it('fuzz: random and mutated streams never throw, keep the buffer bounded, and errors are clear', () => {
    const valid = answer(0x90, encodeIdCardReadData(CARD));
    fc.assert(
      fc.property(fc.oneof(chunks, mutated(valid).map((b) => [b.subarray(0, 700), b.subarray(700)])), (cs) => {
        const d = new SamFrameDecoder();
        for (const c of cs) {
          const out = d.push(c);
          out.errors.forEach(expectClearError);
          expect(d.pending()).toBeLessThanOrEqual(SAM_MAX_LENGTH + 16);
          for (const body of out.bodies) {
            const a = parseSamAnswer(body);
            if (!a.ok) expectClearError(a.error);
            else if (a.value.sw3 === 0x90) {
              const r = parseIdCardReadData(a.value.data);
              if (!r.ok) expectClearError(r.error);
            }
          }
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('ID card text', () => {
  it('round-trips the UCS-2 fields, space padded to 256 bytes', () => {
    const block = encodeIdCardText(CARD);
    expect(block.length).toBe(256);
    // "李" is U+674E: little-endian 4E 67
    expect([block[0], block[1]]).toEqual([0x4e, 0x67]);
    expect(decodeIdCardText(block)).toMatchObject(CARD);
  });

  it('parses a read answer into a certType 02 CardRead', () => {
    expect(parseIdCardReadData(encodeIdCardReadData(CARD))).toEqual({
      ok: true,
      value: { credential: 'idcard', certType: '02', certNo: '990101195207080145', name: '李秀英', gender: '2', birthDate: '1952-07-08', region: '990101', validTo: '长期' },
    });
  });

  it('checks the ID number check digit', () => {
    expect(idNumberChecksumOk('990101195207080145')).toBe(true);
    expect(idNumberChecksumOk('990101195207080146')).toBe(false);
    const r = parseIdCardReadData(encodeIdCardReadData({ ...CARD, idNumber: '990101195207080146' }));
    expect(r.ok ? null : r.error.code).toBe('IDCARD_BAD_NUMBER');
  });

  it.each([
    ['short data', new Uint8Array(100), 'IDCARD_DATA_SHORT'],
    ['no name', encodeIdCardReadData({ ...CARD, name: '' }), 'IDCARD_NO_NAME'],
    ['bad birth date', encodeIdCardReadData({ ...CARD, birthDate: '19521399' }), 'IDCARD_BAD_DATE'],
    ['photo missing', encodeIdCardReadData(CARD).subarray(0, 300), 'IDCARD_DATA_SHORT'],
  ])('refuses %s', (_w, data, code) => {
    const r = parseIdCardReadData(data);
    expect(r.ok ? null : r.error.code).toBe(code);
    if (!r.ok) expectClearError(r.error);
  });
});
