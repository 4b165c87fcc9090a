// Steps many stories begin with: one story for a whole file, and an English supervisor's window.
import { afterAll, beforeAll } from 'vitest';
import { startStory, type Story } from './browser-mode';
import { supervisorScreenByKeys } from './keyboard';
import { SUPERVISOR } from './operators';

/**
 * One story for the whole file: started before its first test (`use` takes its mode and page),
 * stopped after its last.
 */
export function storyForFile(use: (story: Story) => void, opts: Parameters<typeof startStory>[0] = {}): void {
  let story: Story | undefined;
  beforeAll(async () => {
    story = await startStory(opts);
    use(story);
  });
  afterAll(() => story?.stop());
}

/**
 * An English window at 1024×768: the login form switched to English by Alt+L, the demo
 * supervisor logged in by keys, on the supervisor screen. The caller stops the story.
 */
export async function englishSupervisor(env: Record<string, string> = {}): Promise<Story> {
  const story = await startStory({ env, viewport: { width: 1024, height: 768 }, locale: 'en-US' });
  const p = story.page;
  await p.goto(story.mode.url);
  await p.getByTestId('login-form').waitFor();
  await p.keyboard.press('Alt+l');
  await p.waitForFunction(() => document.documentElement.lang === 'en');
  await supervisorScreenByKeys(p, SUPERVISOR.id, SUPERVISOR.pin);
  return story;
}
