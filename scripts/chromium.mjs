/**
 * Headless Chromium (Debian's `chromium`) driven over the DevTools protocol on a pipe
 * (`--remote-debugging-pipe`: no port, no network), for what a person does with a page: load it,
 * type into it, read it, take a screenshot.
 *
 *     node scripts/chromium.mjs screenshot PAGE.html OUT.png [WIDTH [HEIGHT]]   # full page by default
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's `chromium` (or `$MEMDESC_CHROMIUM`, `chromium-browser`, `google-chrome`) on PATH, or null. */
export function findChromium() {
  const env = process.env.MEMDESC_CHROMIUM;
  if (env && existsSync(env)) return env;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The flags of a quiet, isolated headless run with its own profile directory. */
export function chromiumFlags(profile) {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
  ];
}

/** A browser; `page(url)` opens a tab. Close it when done. */
export async function launch(chromium = findChromium()) {
  if (chromium === null) throw new Error('headless Chromium not found (Debian: apt-get install -y chromium)');
  const profile = mkdtempSync(join(tmpdir(), 'memdesc-chromium-'));
  const proc = spawn(chromium, [...chromiumFlags(profile), '--remote-debugging-pipe', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  const toBrowser = proc.stdio[3];
  const fromBrowser = proc.stdio[4];
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  let buf = '';
  fromBrowser.setEncoding('utf8');
  fromBrowser.on('data', (chunk) => {
    buf += chunk;
    for (let z = buf.indexOf('\0'); z >= 0; z = buf.indexOf('\0')) {
      const msg = JSON.parse(buf.slice(0, z));
      buf = buf.slice(z + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const { resolve: ok, reject, method } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else ok(msg.result);
      } else for (const l of listeners) l(msg);
    }
  });
  const exited = new Promise((r) => proc.on('exit', r));
  const send = (method, params = {}, sessionId) =>
    new Promise((ok, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: ok, reject, method });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  const waitFor = (pred, ms, what) =>
    new Promise((ok, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(l);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const l = (msg) => {
        if (pred(msg)) {
          clearTimeout(timer);
          listeners.delete(l);
          ok(msg);
        }
      };
      listeners.add(l);
    });

  return {
    /** Opens `url` (a path or a URL) at `width`×`height` CSS pixels and waits for its load event. */
    async page(url, { width = 1280, height = 900 } = {}) {
      const href = /^[a-z]+:/.test(url) ? url : pathToFileURL(resolve(url)).href;
      const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
      const s = (method, params) => send(method, params, sessionId);
      await s('Page.enable');
      await s('Runtime.enable');
      await s('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
      const loaded = waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired', 30_000, `${href} to load`);
      await s('Page.navigate', { url: href });
      await loaded;
      const evaluate = async (expression) => {
        const r = await s('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
        if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
        return r.result.value;
      };
      return {
        evaluate,
        /** Polls `expression` until it is truthy; returns its value. */
        async until(expression, ms = 10_000) {
          const end = Date.now() + ms;
          for (;;) {
            const v = await evaluate(expression);
            if (v) return v;
            if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${expression}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        },
        /** Types `text` key by key into the focused element. */
        async type(text) {
          for (const ch of text) {
            await s('Input.dispatchKeyEvent', { type: 'keyDown', key: ch, text: ch, unmodifiedText: ch });
            await s('Input.dispatchKeyEvent', { type: 'keyUp', key: ch });
          }
        },
        /**
         * A PNG of the page; `fullPage` (default) captures everything, not just the viewport;
         * `selector` captures that element only (the first match).
         */
        async screenshot(out, { fullPage = true, selector } = {}) {
          let clip;
          if (selector !== undefined) {
            const r = await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null; const b = e.getBoundingClientRect(); return { x: b.left + scrollX, y: b.top + scrollY, width: b.width, height: b.height }; })()`);
            if (r === null) throw new Error(`no element matches ${selector}`);
            clip = { x: Math.floor(r.x), y: Math.floor(r.y), width: Math.ceil(r.width), height: Math.ceil(r.height), scale: 1 };
          } else if (fullPage) {
            const { cssContentSize } = await s('Page.getLayoutMetrics');
            clip = { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(cssContentSize.height), scale: 1 };
          }
          const { data } = await s('Page.captureScreenshot', { format: 'png', ...(clip ? { clip, captureBeyondViewport: true } : {}) });
          writeFileSync(out, Buffer.from(data, 'base64'));
        },
        close: () => send('Target.closeTarget', { targetId }),
      };
    },
    async close() {
      try {
        await Promise.race([send('Browser.close'), new Promise((r) => setTimeout(r, 3000))]);
      } catch {
        // already gone
      }
      if (proc.exitCode === null) proc.kill();
      await exited;
      try {
        // Chromium's helper processes may still be writing the profile for a moment.
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch {
        // a temporary directory; the OS cleans it
      }
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [cmd, page, out, width, height] = process.argv.slice(2);
  if ((cmd !== 'screenshot' && cmd !== 'sections') || !page || !out) {
    console.error('usage: node scripts/chromium.mjs screenshot PAGE.html OUT.png [WIDTH [HEIGHT]]\n       node scripts/chromium.mjs sections PAGE.html OUT-PREFIX [WIDTH]   # one PNG per <section>');
    process.exit(2);
  }
  const browser = await launch();
  try {
    const p = await browser.page(page, { width: Number(width ?? 1280), height: Number(height ?? 900) });
    if (cmd === 'screenshot') {
      await p.screenshot(out, { fullPage: height === undefined });
      console.log(`${out} written`);
    } else {
      const n = await p.evaluate('document.querySelectorAll("section").length');
      for (let i = 1; i <= n; i++) {
        const file = `${out}-${String(i).padStart(2, '0')}.png`;
        await p.screenshot(file, { selector: `section:nth-of-type(${i})` });
        console.log(`${file} written`);
      }
    }
  } finally {
    await browser.close();
  }
}
