// The sound of "look at the screen": two short low tones through Web Audio (no sound file to ship
// or load). Played when a card read fails or the person cannot be settled as read, so a cashier
// looking at the patient, not the screen, does not charge the wrong person.
let ctx: AudioContext | null = null;

/** Plays the alert; false when this window cannot make a sound (no audio device, jsdom). */
export function playAlert(): boolean {
  try {
    const Ctx = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return false;
    ctx ??= new Ctx();
    if (ctx.state === 'suspended') void ctx.resume();
    const start = ctx.currentTime;
    for (const [at, freq] of [
      [0, 440],
      [0.22, 330],
    ] as const) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, start + at);
      gain.gain.exponentialRampToValueAtTime(0.001, start + at + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + at);
      osc.stop(start + at + 0.2);
    }
    return true;
  } catch {
    return false;
  }
}
